"""Samplers: how solver candidates are drawn from the backend.

`single` asks for one answer. `best-of-n` asks for N at once: by default as one request with `n=N`, so
a local model samples them in one batch and a server such as vLLM batches them too; with `split=True`
as N concurrent requests of one answer each, so the soft timeout can keep the early finishers.

A seeded request drawn as several calls (`split`, and the adaptive samplers' waves) gives call i
the seed `seed + i`, so the calls are different samples, as the N of one call are.

Timeouts (seconds, from the start of sampling): after `soft_timeout` the candidates that finished are
used and the stragglers cancelled (if none finished yet, the first to finish is waited for); after
`hard_timeout` with nothing finished, sampling fails with `SamplingError`. A request that fails gives
candidates marked with the error; when every candidate fails, sampling fails naming the first error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Callable

from k2_core import Candidate, Completion, GenerationRequest, InputError, K2Error
from k2_core.protocols import Backend, Verifier

from .replies import answer_reader

OnCandidate = Callable[[Candidate], None]
Extract = Callable[[str], str | None]


class SamplingError(K2Error):
    """No usable candidate: every request failed, or none finished before the hard timeout."""


def _candidate(index: int, completion: Completion, extract: Extract) -> Candidate:
    """A drawn candidate; one stopped mid-generation has no answer (it never wrote one)."""
    stopped = completion.finish_reason == "cancelled"
    return Candidate(index, completion, answer=None if stopped else extract(completion.text))


def _failed(index: int, error: str) -> Candidate:
    return Candidate(index, Completion("", finish_reason="error"), error=error)


def reseeded(request: GenerationRequest, offset: int, n: int) -> GenerationRequest:
    """`request` for `n` samples, its seed (if any) moved on by `offset`: the request for the
    sample(s) after the first `offset` when one sample is drawn as several calls."""
    seed = request.params.seed
    params = request.params.replace(n=n, seed=None if seed is None else seed + offset)
    return dataclasses.replace(request, params=params)


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, K2Error) else f"{type(exc).__name__}: {exc}"


class BestOfNSampler:
    """N candidates drawn concurrently, with a soft and a hard timeout (see the module docstring)."""

    name = "best-of-n"

    def __init__(
        self,
        n: int = 3,
        soft_timeout: float | None = None,
        hard_timeout: float | None = None,
        split: bool = False,
    ) -> None:
        if n < 1:
            raise InputError(f"n must be at least 1, not {n}", "pass --n 1 or more")
        self.n = n
        self.hard_timeout = math.inf if hard_timeout is None else float(hard_timeout)
        self.soft_timeout = min(
            math.inf if soft_timeout is None else soft_timeout, self.hard_timeout
        )
        self.split = split

    def _jobs(self, request: GenerationRequest) -> list[tuple[list[int], GenerationRequest]]:
        """(candidate indices, request) for each backend call."""
        if self.split:
            return [([i], reseeded(request, i, 1)) for i in range(self.n)]
        batch = dataclasses.replace(request, params=request.params.replace(n=self.n))
        return [(list(range(self.n)), batch)]

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: OnCandidate | None = None,
    ) -> list[Candidate]:
        """Draw the candidates; each one's answer is read by `answer_reader(verifier)`."""
        extract = answer_reader(verifier)
        jobs = self._jobs(request)
        tasks = {asyncio.create_task(backend.generate(job)): indices for indices, job in jobs}
        found: dict[int, Candidate] = {}
        try:
            await self._collect(tasks, found, on_candidate or (lambda candidate: None), extract)
        finally:
            stragglers = [task for task in tasks if not task.done()]
            for task in stragglers:
                task.cancel()
                for index in tasks[task]:
                    found[index] = _failed(index, "cancelled: still running at the soft timeout")
            await asyncio.gather(*stragglers, return_exceptions=True)

        candidates = [found[i] for i in sorted(found)]
        usable = [c for c in candidates if c.error is None]
        if not usable:
            first = next(c.error for c in candidates if c.error)
            raise SamplingError(
                f"every one of the {self.n} candidates failed (first error: {first})",
                "check the backend and model, then retry",
            )
        return candidates

    async def _collect(
        self,
        tasks: dict[asyncio.Task, list[int]],
        found: dict[int, Candidate],
        report: OnCandidate,
        extract: Extract,
    ) -> None:
        loop = asyncio.get_running_loop()
        start, pending, finished = loop.time(), set(tasks), 0
        while pending:
            deadline = start + (self.soft_timeout if finished else self.hard_timeout)
            timeout = deadline - loop.time()
            if timeout <= 0:
                if finished:
                    return
                raise SamplingError(
                    f"no candidate finished within the hard timeout of {self.hard_timeout:g} s",
                    "raise --hard-timeout, lower --max-tokens, or check that the backend is responding",
                )
            done, pending = await asyncio.wait(
                pending,
                timeout=None if math.isinf(timeout) else timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in done:
                indices = tasks[task]
                if task.exception() is not None:
                    error = _describe(task.exception())
                    new = [_failed(i, error) for i in indices]
                else:
                    new = [
                        _candidate(i, c, extract)
                        for i, c in zip(indices, task.result(), strict=False)
                    ]
                    finished += len(new)
                for candidate in new:
                    found[candidate.index] = candidate
                    report(candidate)


class SingleSampler(BestOfNSampler):
    """One candidate, one request: best-of-n with n = 1."""

    name = "single"

    def __init__(
        self, soft_timeout: float | None = None, hard_timeout: float | None = None
    ) -> None:
        super().__init__(n=1, soft_timeout=soft_timeout, hard_timeout=hard_timeout)
