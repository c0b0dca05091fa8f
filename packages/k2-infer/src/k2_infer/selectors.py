"""Selectors: how one candidate is chosen among the usable ones (`Selection.index` is `Candidate.index`).

- `first`: the first candidate.
- `verifier`: the problem's verifier scores every candidate, the best score wins. Only verifiers that
  need no ground truth are used, or the problem's own tests when it carries them in `meta["tests"]`
  (a code problem's public tests); the reference answer is never looked at.
- `majority`: the largest group of equal answers wins; answers are grouped by the problem's
  verifier's equivalence when it reads answers (k2-verify's math: `1/2` and `0.5` agree), else by text.

Every selector gets the problem's verifier from the pipeline, which resolves it once per problem
(None when no plugin serves the problem); none looks a verifier up itself.
- `pairwise-judge`: K2 Think's linear scan (keep the best so far, challenge it with the next), but each
  pair is judged in both orders at once to cancel the judge's position bias.
- `tournament`: a knockout whose pairs are judged concurrently, so N candidates take log2 N rounds.

Both judges see one entrant per distinct answer (grouped as `majority` groups them): two candidates
that agree are never judged against each other. A pair the judge splits evenly (each order won by
the response shown first: position bias) goes to the entrant whose answer more candidates share,
then to the earlier one.

A judge's reply is constrained to the choice `A` or `B` (structured output, which every built-in
backend enforces), so it is readable on any model; a backend that cannot constrain is read leniently
(JSON, "response A", or a bare letter).

A selector that cannot decide raises `SelectionError`; the pipeline then tries the recipe's fallback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from dataclasses import dataclass

from k2_core import (
    Candidate,
    GenerationRequest,
    K2Error,
    Message,
    Problem,
    SamplingParams,
    Selection,
    Structured,
)
from k2_core.observed import observe
from k2_core.protocols import Backend, Verifier
from k2_core.replies import after_thinking as strip_thinking
from k2_core.replies import find_json_object


class SelectionError(K2Error):
    """A selector could not choose (no verifier, no answers, no usable judge reply, ...)."""


class FirstSelector:
    """The first candidate: the cheapest choice, and the last resort."""

    name = "first"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        return Selection(candidates[0].index, self.name, "first candidate")


class VerifierSelector:
    """The candidate the problem's verifier scores highest (ties go to the earliest)."""

    name = "verifier"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        if verifier is None:
            raise SelectionError(
                f"no verifier to rank candidates: none serves domain {problem.domain!r}"
            )
        if verifier.needs_ground_truth:
            if "tests" not in problem.meta:
                raise SelectionError(
                    f"verifier {verifier.name!r} needs a reference answer, which selection never uses"
                )
            problem = dataclasses.replace(problem, ground_truth=problem.meta["tests"])
        verdicts = await asyncio.gather(
            *(asyncio.to_thread(verifier.verify, c.completion.text, problem) for c in candidates)
        )
        for candidate, verdict in zip(candidates, verdicts, strict=True):
            candidate.verdicts[verifier.name] = verdict
        scores = [v.score for v in verdicts]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        if scores[best] <= 0:
            raise SelectionError(f"verifier {verifier.name!r} scored every candidate 0")
        return Selection(candidates[best].index, self.name, f"{verifier.name} score", scores)


def normalise_answer(answer: str) -> str:
    """The form in which answers are grouped for votes: no white space, no final dot, lower case."""
    return re.sub(r"\s+", "", answer).rstrip(".").lower()


def group_by_answer(
    problem: Problem, candidates: list[Candidate], verifier: Verifier | None
) -> list[list[Candidate]]:
    """`candidates` in groups of agreeing answers, each group and its members in order of appearance.

    Answers agree when the problem's verifier accepts one against the other as reference, where it
    reads answers (`extract`) and needs a reference (k2-verify's math: `1/2` and `0.5`), else when
    their text does (case and spaces aside). A candidate without an answer is a group of its own.
    Equivalence is asked through `score()`, which fires no `k2_on_verdict`: comparing two candidates
    is not a verdict on either. Call it in a thread: a verifier may take a while.
    """
    if verifier is not None and verifier.needs_ground_truth and hasattr(verifier, "extract"):
        score = observe("verifier", verifier).score

        def same(candidate: Candidate, answer: str) -> bool:
            reference = dataclasses.replace(problem, ground_truth=answer)
            return score(candidate.completion.text, reference).correct

    else:

        def same(candidate: Candidate, answer: str) -> bool:
            return normalise_answer(candidate.answer or "") == normalise_answer(answer)

    groups: list[list[Candidate]] = []
    for candidate in candidates:
        home = None
        if candidate.answer:
            home = next((g for g in groups if g[0].answer and same(candidate, g[0].answer)), None)
        if home is None:
            groups.append([candidate])
        else:
            home.append(candidate)
    return groups


class MajoritySelector:
    """The most common answer (ties go to the group seen first); `votes` = its group size.

    Answers are grouped by `group_by_answer`: by the problem's verifier where it compares answers
    (k2-verify's math verifier: `1/2` and `0.5` agree), else by their text."""

    name = "majority"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        answered = [c for c in candidates if c.answer]
        if not answered:
            raise SelectionError("no candidate gave an answer to vote on")
        groups = await asyncio.to_thread(group_by_answer, problem, answered, verifier)
        for members in groups:
            for candidate in members:
                candidate.votes = float(len(members))
        winner = max(groups, key=len)
        scores = [c.votes for c in candidates]
        reason = f"{len(winner)} of {len(candidates)} agree on {winner[0].answer!r}"
        return Selection(winner[0].index, self.name, reason, scores)


JUDGE_PROMPT = """Two responses to the same problem follow. Decide which one is more likely to be \
correct and better reasoned. Reply with one letter: A or B.

Problem:
{problem}

Response A:
{a}

Response B:
{b}"""

VERDICT = Structured(choice=["A", "B"], name="preference")


def read_preference(reply: str) -> str | None:
    """`"A"` or `"B"` from a judge reply (JSON, else the last "response A/B" or a bare letter)."""
    data = find_json_object(reply)
    if data is not None:
        value = str(data.get("better", data.get("winner", ""))).strip().upper()
        return value if value in {"A", "B"} else None
    text = strip_thinking(reply)
    named = re.findall(r"\b(?:response|answer)\s+([AB])\b", text, re.IGNORECASE)
    if named:
        return named[-1].upper()
    bare = text.strip().strip(".*\"' ").upper()
    return bare if bare in {"A", "B"} else None


@dataclass
class Comparison:
    """One judged pair: the votes of both orders (0-2 each), how many of the two replies parsed, and
    whether an even split went to the answer more candidates share (`by_support`)."""

    first: Candidate
    second: Candidate
    winner: Candidate
    votes_first: int
    votes_second: int
    parsed: int
    by_support: bool = False

    def __str__(self) -> str:
        """`#1 beat #2 (2-0)`, numbering candidates from 1 as the CLI does."""
        loser = self.second if self.winner is self.first else self.first
        if not self.parsed:
            return (
                f"#{self.first.index + 1} kept over #{self.second.index + 1} (no readable verdict)"
            )
        votes = sorted((self.votes_first, self.votes_second), reverse=True)
        tie = ""
        if self.votes_first == self.votes_second:
            tie = " tie, the more shared answer kept" if self.by_support else " tie, the first kept"
        return f"#{self.winner.index + 1} beat #{loser.index + 1} ({votes[0]}-{votes[1]}{tie})"


class _JudgeSelector:
    """What the judging selectors share: one comparison = both orders, asked concurrently."""

    name = ""

    def __init__(self, max_tokens: int = 512, temperature: float = 0.0) -> None:
        self.params = SamplingParams(max_tokens=max_tokens, temperature=temperature)

    async def _prefer(self, backend: Backend, problem: Problem, a: str, b: str) -> str | None:
        prompt = JUDGE_PROMPT.format(problem=problem.prompt, a=a, b=b)
        request = GenerationRequest(
            [Message("user", prompt)],
            self.params,
            structured=VERDICT,
            role="judge",
        )
        return read_preference((await backend.generate(request))[0].text)

    async def compare(
        self,
        backend: Backend,
        problem: Problem,
        first: Candidate,
        second: Candidate,
        support: tuple[int, int] = (1, 1),
    ) -> Comparison:
        """`first` against `second`, judged in both orders. An even split goes to the one whose
        answer more candidates share (`support`: how many share each one's answer), else `first`."""
        a, b = (strip_thinking(c.completion.text) for c in (first, second))
        forward, backward = await asyncio.gather(
            self._prefer(backend, problem, a, b), self._prefer(backend, problem, b, a)
        )
        votes_first = (forward == "A") + (backward == "B")
        votes_second = (forward == "B") + (backward == "A")
        first.votes += votes_first
        second.votes += votes_second
        by_support = votes_first == votes_second and support[0] != support[1]
        if votes_second > votes_first or (by_support and support[1] > support[0]):
            winner = second
        else:
            winner = first
        parsed = (forward is not None) + (backward is not None)
        return Comparison(first, second, winner, votes_first, votes_second, parsed, by_support)

    def _require(self, backend: Backend | None) -> Backend:
        if backend is None:
            raise SelectionError(f"selector {self.name!r} needs a judge backend")
        return backend

    @staticmethod
    async def _entrants(
        problem: Problem, candidates: list[Candidate], verifier: Verifier | None
    ) -> tuple[list[Candidate], dict[int, int]]:
        """One entrant per distinct answer (its first candidate), and each entrant's group size."""
        groups = await asyncio.to_thread(group_by_answer, problem, candidates, verifier)
        return [g[0] for g in groups], {g[0].index: len(g) for g in groups}

    def _selection(
        self,
        winner: Candidate,
        candidates: list[Candidate],
        entrants: list[Candidate],
        comparisons: list[Comparison],
    ) -> Selection:
        asked, parsed = 2 * len(comparisons), sum(c.parsed for c in comparisons)
        if asked and not parsed:
            raise SelectionError(f"none of the {asked} judge replies named a better response")
        if not comparisons:
            reason = (
                f"all {len(candidates)} candidates agree on {winner.answer!r}: nothing to judge"
            )
        else:
            decisions = "; ".join(map(str, comparisons))
            reason = f"judge ({parsed} of {asked} replies usable): {decisions}"
            if len(entrants) < len(candidates):
                reason = f"{len(entrants)} distinct answers among {len(candidates)}; {reason}"
        return Selection(winner.index, self.name, reason, [c.votes for c in candidates])


class PairwiseJudgeSelector(_JudgeSelector):
    """Linear scan: the best so far meets each next candidate (N - 1 comparisons, in sequence)."""

    name = "pairwise-judge"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        backend = self._require(backend)
        entrants, support = await self._entrants(problem, candidates, verifier)
        best, comparisons = entrants[0], []
        for challenger in entrants[1:]:
            sizes = (support[best.index], support[challenger.index])
            comparisons.append(await self.compare(backend, problem, best, challenger, sizes))
            best = comparisons[-1].winner
        return self._selection(best, candidates, entrants, comparisons)


class TournamentSelector(_JudgeSelector):
    """Knockout: each round's pairs are judged concurrently; an odd one out goes through unjudged."""

    name = "tournament"

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        backend = self._require(backend)
        entrants, support = await self._entrants(problem, candidates, verifier)
        alive, comparisons = list(entrants), []
        while len(alive) > 1:
            pairs = list(zip(alive[0::2], alive[1::2], strict=False))
            results = await asyncio.gather(
                *(
                    self.compare(backend, problem, a, b, (support[a.index], support[b.index]))
                    for a, b in pairs
                )
            )
            comparisons += results
            alive = [result.winner for result in results] + alive[2 * len(pairs) :]
        return self._selection(alive[0], candidates, entrants, comparisons)
