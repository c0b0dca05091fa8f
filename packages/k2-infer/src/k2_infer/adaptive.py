"""Samplers that spend solver tokens where they pay, and the vote that goes with them.

- `deepconf-offline`: draw N traces with log-probabilities, keep the top `keep` share by confidence
  (DeepConf's filter, arXiv 2508.15260) and mark the rest dropped; vote with `confidence-vote`.
- `deepconf-online`: draw `warmup` whole traces; the (1 - keep) percentile of their confidences is the
  threshold; every further trace is watched token by token and stopped as soon as its group
  confidence (the mean over the last `window` tokens) falls below it, so its remaining tokens are
  never generated. Backends that stream (`openai`, `vllm`'s async engine, `fake`) stop for real; on
  the others the trace runs to its end and is dropped afterwards, with the same effect on the vote
  but no tokens saved.
- `adaptive`: draw in waves of `wave` until the answers agree, at most `n`. The stopping rule is
  adaptive-consistency's Beta rule (Aggarwal et al. 2023, arXiv 2305.11860): with `top` votes for the
  leading answer and `second` for the runner-up, the leader's share p of the two follows the posterior
  Beta(top + 1, second + 1) under a uniform prior; sampling stops once P(p > 1/2) >= `confidence`.
  (With 0.95: four agreeing answers and no dissent stop it, as do six against one.)
- `confidence-vote` (a selector): the answer with the largest sum of confidences among candidates
  that were not stopped or dropped (a candidate without a confidence weighs 1).

Every sampler meets the `Sampler` protocol (and `k2_core.testing.contracts.SamplerContract`), so it
composes with any planner, verifier and selector; a candidate's `stopped` says why it was stopped or
dropped and `confidence` holds its score. The pipeline keeps stopped and dropped candidates out of
the selection and notes them in the result. Options reach the samplers from a recipe's
`[pipeline] sampler_options`. Seeded draws made as several calls give each call its own seed. Confidence measures live in `k2_infer.confidence`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
from collections import Counter

from k2_core import Candidate, Completion, GenerationRequest, InputError, Problem, Selection
from k2_core.protocols import Backend, Verifier

from .confidence import MEASURES, WINDOW, GroupMonitor, trace_confidence
from .samplers import BestOfNSampler, OnCandidate, SamplingError, reseeded
from .selectors import SelectionError, normalise_answer

log = logging.getLogger("k2.infer.adaptive")


def majority_probability(top: int, second: int) -> float:
    """P(p > 1/2) for p ~ Beta(top + 1, second + 1): how sure the leading answer leads.

    For whole-number parameters the Beta CDF is a binomial tail: with m = top + second + 1,
    P(p > 1/2) = P(Binomial(m, 1/2) <= top) = sum_{j <= top} C(m, j) / 2^m.
    """
    m = top + second + 1
    return sum(math.comb(m, j) for j in range(top + 1)) / 2**m


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values` (0: the least, 1: the greatest), linearly interpolated."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _check(keep: float, measure: str, top_logprobs: int) -> None:
    if not 0 < keep <= 1:
        raise InputError(f"keep must be in (0, 1], not {keep}", "pass e.g. keep=0.9 (top 90%)")
    if measure not in MEASURES:
        raise InputError(f"unknown confidence measure {measure!r}", f"use one of {MEASURES}")
    if top_logprobs < 0:
        raise InputError(f"top_logprobs must be 0 or more, not {top_logprobs}", "pass e.g. 5")


def _with_logprobs(request: GenerationRequest, top_logprobs: int) -> GenerationRequest:
    return dataclasses.replace(request, params=request.params.replace(logprobs=top_logprobs))


def _score(candidates: list[Candidate], measure: str, window: int) -> list[Candidate]:
    """Set each usable candidate's confidence; the scored ones (those with log-probabilities)."""
    scored = []
    for candidate in candidates:
        logprobs = candidate.completion.logprobs
        if candidate.error is None and logprobs:
            candidate.confidence = trace_confidence(logprobs, measure, window)
            scored.append(candidate)
    if len(scored) < len([c for c in candidates if c.error is None]):
        log.warning("some candidates came without log-probabilities: they are kept unfiltered")
    return scored


def _drop_below(candidates: list[Candidate], threshold: float, why: str) -> None:
    for candidate in candidates:
        if candidate.stopped is None and candidate.confidence is not None:
            if candidate.confidence < threshold:
                candidate.stopped = (
                    f"dropped: confidence {candidate.confidence:.3f} < {threshold:.3f} ({why})"
                )


class DeepConfOfflineSampler:
    """N traces, the least confident (1 - keep) share of them marked dropped (see the module)."""

    name = "deepconf-offline"

    def __init__(
        self,
        n: int = 8,
        keep: float = 0.9,
        measure: str = "lowest-group",
        window: int = WINDOW,
        top_logprobs: int = 5,
        soft_timeout: float | None = None,
        hard_timeout: float | None = None,
        split: bool = False,
    ) -> None:
        _check(keep, measure, top_logprobs)
        self.draw = BestOfNSampler(n, soft_timeout, hard_timeout, split)
        self.keep, self.measure, self.window, self.top_logprobs = (
            keep,
            measure,
            window,
            top_logprobs,
        )

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: OnCandidate | None = None,
    ) -> list[Candidate]:
        candidates = await self.draw.sample(
            _with_logprobs(request, self.top_logprobs),
            backend,
            verifier=verifier,
            on_candidate=on_candidate,
        )
        scored = _score(candidates, self.measure, self.window)
        if scored:
            ranked = sorted((c.confidence for c in scored), reverse=True)
            cut = ranked[max(1, math.ceil(len(ranked) * self.keep)) - 1]
            _drop_below(scored, cut, f"not in the top {self.keep:.0%}")
        return candidates


class DeepConfOnlineSampler:
    """A warm-up sets a confidence threshold; later traces are stopped when they fall below it."""

    name = "deepconf-online"

    def __init__(
        self,
        n: int = 8,
        warmup: int = 4,
        keep: float = 0.9,
        window: int = WINDOW,
        top_logprobs: int = 5,
        soft_timeout: float | None = None,
        hard_timeout: float | None = None,
    ) -> None:
        _check(keep, "lowest-group", top_logprobs)
        if not 1 <= warmup <= n:
            raise InputError(f"warmup must be in 1..n ({n}), not {warmup}", "pass e.g. warmup=4")
        self.n, self.warmup, self.keep, self.window = n, warmup, keep, window
        self.top_logprobs = top_logprobs
        self.soft_timeout, self.hard_timeout = soft_timeout, hard_timeout

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: OnCandidate | None = None,
    ) -> list[Candidate]:
        request = _with_logprobs(request, self.top_logprobs)
        warm = BestOfNSampler(self.warmup, self.soft_timeout, self.hard_timeout, split=True)
        candidates = await warm.sample(
            request, backend, verifier=verifier, on_candidate=on_candidate
        )
        scored = _score(candidates, "lowest-group", self.window)
        if not scored:
            log.warning(
                "the warm-up traces have no log-probabilities: nothing can be stopped early"
            )
            threshold = -math.inf
        else:
            threshold = percentile([c.confidence for c in scored], 1 - self.keep)
        _drop_below(scored, threshold, "below the warm-up threshold")

        async def watched(index: int) -> Candidate:
            monitor = GroupMonitor(threshold, self.window)
            one = BestOfNSampler(1, self.soft_timeout, self.hard_timeout)
            try:
                watched_request = dataclasses.replace(reseeded(request, index, 1), watch=monitor)
                [candidate] = await one.sample(watched_request, backend, verifier=verifier)
            except SamplingError as error:
                candidate = Candidate(0, Completion("", finish_reason="error"), error=str(error))
            candidate.index = index
            if monitor.stopped_at is not None:
                candidate.confidence = monitor.stopped_at
                candidate.stopped = (
                    f"stopped early: group confidence {monitor.stopped_at:.3f} < "
                    f"{threshold:.3f} after {len(monitor.confidences)} tokens"
                )
            elif _score([candidate], "lowest-group", self.window):
                _drop_below([candidate], threshold, "the backend cannot stop a trace early")
            if on_candidate is not None:
                on_candidate(candidate)
            return candidate

        rest = await asyncio.gather(*(watched(i) for i in range(self.warmup, self.n)))
        return candidates + list(rest)


class AdaptiveSampler:
    """Waves of candidates until the Beta stopping rule says the answers agree (see the module)."""

    name = "adaptive"

    def __init__(
        self,
        n: int = 16,
        wave: int = 2,
        confidence: float = 0.95,
        soft_timeout: float | None = None,
        hard_timeout: float | None = None,
    ) -> None:
        if n < 1 or wave < 1:
            raise InputError(f"n and wave must be 1 or more, not {n}, {wave}", "pass e.g. 16, 2")
        if not 0.5 < confidence < 1:
            raise InputError(f"confidence must be in (0.5, 1), not {confidence}", "pass e.g. 0.95")
        self.n, self.wave, self.confidence = n, wave, confidence
        self.soft_timeout, self.hard_timeout = soft_timeout, hard_timeout

    def agreed(self, candidates: list[Candidate]) -> bool:
        """Whether the answers so far meet the stopping rule."""
        counts = Counter(
            normalise_answer(c.answer) for c in candidates if c.error is None and c.answer
        ).most_common(2)
        if not counts:
            return False
        top, second = counts[0][1], counts[1][1] if len(counts) > 1 else 0
        return majority_probability(top, second) >= self.confidence

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: OnCandidate | None = None,
    ) -> list[Candidate]:
        candidates: list[Candidate] = []
        while len(candidates) < self.n and not self.agreed(candidates):
            size = min(self.wave, self.n - len(candidates))
            draw = BestOfNSampler(size, self.soft_timeout, self.hard_timeout)
            try:
                wave = await draw.sample(
                    reseeded(request, len(candidates), size), backend, verifier=verifier
                )
            except SamplingError:
                if any(c.error is None for c in candidates):
                    break  # keep what the earlier waves gave
                raise
            for candidate in wave:
                candidate.index += len(candidates)
                if on_candidate is not None:
                    on_candidate(candidate)
            candidates.extend(wave)
        log.info("adaptive sampling drew %d of at most %d candidates", len(candidates), self.n)
        return candidates


class ConfidenceVoteSelector:
    """The answer with the largest total confidence among the kept candidates (see the module)."""

    name = "confidence-vote"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        kept = [c for c in candidates if c.answer and c.stopped is None]
        if not kept:
            raise SelectionError("no kept candidate gave an answer to vote on")
        weight: dict[str, float] = {}
        for candidate in kept:
            key = normalise_answer(candidate.answer)
            weight[key] = weight.get(key, 0.0) + (
                1.0 if candidate.confidence is None else candidate.confidence
            )
        for candidate in candidates:
            in_vote = candidate.answer and candidate.stopped is None
            candidate.votes = weight[normalise_answer(candidate.answer)] if in_vote else 0.0
        best = max(weight, key=weight.get)  # ties: the answer seen first
        winner = next(c for c in kept if normalise_answer(c.answer) == best)
        reason = (
            f"{winner.answer!r} carries confidence {weight[best]:.3f} of {sum(weight.values()):.3f}"
            f" over {len(kept)} kept of {len(candidates)} candidates"
        )
        return Selection(winner.index, self.name, reason, [c.votes for c in candidates])
