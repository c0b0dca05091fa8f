"""Selectors: first, majority, verifier, pairwise-judge (both orders), tournament (concurrent rounds)."""

import asyncio
import re

import pytest

from k2_core import Candidate, Completion, Problem, Verdict, hookimpl
from k2_core.observed import observe
from k2_core.testing import FakeBackend
from k2_core.testing.contracts import SelectorContract
from k2_infer.pipeline import resolve_verifier
from k2_infer.selectors import (
    MajoritySelector,
    PairwiseJudgeSelector,
    SelectionError,
    TournamentSelector,
    VerifierSelector,
)

PROBLEM = Problem(id="p", prompt="What is 2 + 2?", domain="arithmetic")


def candidates(*answers):
    return [
        Candidate(i, Completion(f"<think>...</think><answer>{a}</answer>"), answer=a)
        for i, a in enumerate(answers)
    ]


def select(selector, cands, backend=None, problem=PROBLEM):
    """Run a selector the way the pipeline does: with the verifier the registry routes `problem` to."""
    return asyncio.run(selector.select(problem, cands, backend, resolve_verifier(problem)))


def judge_preferring(answer):
    """A judge that names the response whose text contains `answer`, whatever its position."""

    def reply(request, index):
        prompt = request.messages[0].content
        a = prompt.split("Response A:")[1].split("Response B:")[0]
        return '{"better": "A"}' if f"<answer>{answer}" in a else '{"better": "B"}'

    return FakeBackend({"judge": reply})


class TestFirstContract(SelectorContract):
    selector_name = "first"


class TestMajorityContract(SelectorContract):
    selector_name = "majority"


class TestTournamentContract(SelectorContract):
    selector_name = "tournament"

    def judge_backend(self):
        return FakeBackend({"judge": '{"better": "A"}'})


def test_majority_picks_the_largest_group_and_counts_votes():
    cands = candidates("5", " 4", "4.", "6")
    selection = select(MajoritySelector(), cands)
    assert selection.index == 1
    assert [c.votes for c in cands] == [1, 2, 2, 1]
    assert "2 of 4" in selection.reason


def test_majority_without_answers_fails():
    cands = [Candidate(0, Completion("no idea")), Candidate(1, Completion("none"))]
    with pytest.raises(SelectionError, match="no candidate gave an answer"):
        select(MajoritySelector(), cands)


def test_pairwise_judges_both_orders_and_finds_the_preferred():
    backend = judge_preferring("4")
    cands = candidates("5", "6", "4", "7")
    selection = select(PairwiseJudgeSelector(), cands, backend)
    assert selection.index == 2
    assert backend.call_count == 2 * 3
    assert all(call.role == "judge" for call in backend.calls)
    assert all(call.structured.choice == ["A", "B"] for call in backend.calls), "a readable verdict"
    assert "<think>" not in backend.calls[0].messages[0].content, "the thinking is stripped"


def test_pairwise_position_bias_cancels_out_and_the_incumbent_stays():
    backend = FakeBackend({"judge": '{"better": "A"}'})  # always the first shown
    cands = candidates("5", "4", "6")
    selection = select(PairwiseJudgeSelector(), cands, backend)
    assert selection.index == 0
    assert [c.votes for c in cands] == [2, 1, 1]


def test_pairwise_unparseable_judge_fails_for_the_fallback():
    backend = FakeBackend({"judge": "I cannot decide"})
    with pytest.raises(SelectionError, match="none of the 4 judge replies"):
        select(PairwiseJudgeSelector(), candidates("1", "2", "3"), backend)


def test_judging_needs_a_backend():
    with pytest.raises(SelectionError, match="needs a judge backend"):
        select(TournamentSelector(), candidates("1", "2"))


class InFlight(FakeBackend):
    """Counts how many judge calls overlap."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, latency=0.02, **kwargs)
        self.now = self.most = 0

    async def generate(self, request):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await super().generate(request)
        finally:
            self.now -= 1


def test_tournament_runs_log2_n_concurrent_rounds():
    backend = InFlight(judge_preferring("4").replies)
    cands = candidates("1", "2", "3", "5", "6", "4", "7", "8")
    selection = select(TournamentSelector(), cands, backend)
    assert selection.index == 5
    assert backend.call_count == 2 * 7
    assert backend.most == 8, "the four first-round pairs, both orders, at once"
    assert cands[5].votes == 6, "three rounds won, two votes each"


def test_tournament_gives_a_bye_to_an_odd_one_out():
    backend = judge_preferring("9")
    selection = select(TournamentSelector(), candidates("1", "2", "9"), backend)
    assert selection.index == 2
    assert backend.call_count == 4


class Length:
    """A verifier needing no reference: the longer the answer, the higher the score (capped at 1)."""

    name = "length"
    needs_ground_truth = False

    def verify(self, response, problem):
        answer = re.search(r"<answer>(.*)</answer>", response)
        size = len(answer.group(1)) if answer else 0
        return Verdict(min(size / 4, 1.0), size >= 4, reason="length")


class Tests:
    """Needs ground truth: passes when the response contains every expected string."""

    name = "tests"
    needs_ground_truth = True

    def verify(self, response, problem):
        ok = all(t in response for t in problem.ground_truth)
        return Verdict(float(ok), ok, reason="tests")


@pytest.fixture
def verifiers(k2_plugin):
    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("length", Length, domains=["arithmetic"])
            register("tests", Tests, domains=["toy-code"])

    k2_plugin(Plugin(), name="test-verifiers")


def test_verifier_ranks_without_ground_truth(verifiers):
    cands = candidates("1", "333", "22")
    selection = select(VerifierSelector(), cands)
    assert selection.index == 1
    assert selection.scores == [0.25, 0.75, 0.5]
    assert cands[1].verdicts["length"].reason == "length"


def test_verifier_uses_the_problems_own_tests_never_its_answer(verifiers):
    code = Problem(id="c", prompt="print 4", domain="toy-code", ground_truth=["print(5)"])
    cands = [Candidate(i, Completion(t)) for i, t in enumerate(["print(5)", "print(4)"])]
    with pytest.raises(SelectionError, match="needs a reference answer"):
        select(VerifierSelector(), cands, problem=code)
    code.meta["tests"] = ["print(4)"]
    assert select(VerifierSelector(), cands, problem=code).index == 1


def test_verifier_all_zero_or_missing_fails(verifiers):
    with pytest.raises(SelectionError, match="scored every candidate 0"):
        select(VerifierSelector(), [Candidate(0, Completion("x")), Candidate(1, Completion("y"))])
    with pytest.raises(SelectionError, match="no verifier"):
        select(VerifierSelector(), candidates("1", "2"), problem=Problem("q", "?", domain="poetry"))


class NumberWords:
    """Reads the answer tag and accepts a number written as a digit or as an English word."""

    name = "number-words"
    needs_ground_truth = True
    WORDS = {"four": "4", "five": "5"}

    def extract(self, response):
        found = re.search(r"<answer>(.*?)</answer>", response)
        return found.group(1).strip() if found else None

    def verify(self, response, problem):
        answer = self.extract(response) or ""
        same = self.WORDS.get(answer, answer) == self.WORDS.get(
            problem.ground_truth, problem.ground_truth
        )
        return Verdict(float(same), same, answer, "number-words")


def test_majority_groups_by_the_verifier_it_is_handed():
    cands = candidates("5", "four", "4", "five", "4")
    by_text = asyncio.run(MajoritySelector().select(PROBLEM, cands, None, None))
    assert by_text.index == 2 and "2 of 5" in by_text.reason
    grouped = asyncio.run(MajoritySelector().select(PROBLEM, cands, None, NumberWords()))
    assert grouped.index == 1, "four, 4 and 4 agree under the verifier's equivalence"
    assert [c.votes for c in cands] == [2, 3, 3, 2, 3]


def test_majority_grouping_fires_no_verdict_hooks(k2_plugin):
    verdicts = []

    class Recorder:
        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            verdicts.append(verdict)

    k2_plugin(Recorder(), name="recorder")
    cands = candidates("5", "four", "4")
    asyncio.run(MajoritySelector().select(PROBLEM, cands, None, observe("verifier", NumberWords())))
    assert verdicts == [], "comparing two answers is not a verdict on either"


def test_majority_groups_by_text_for_a_verifier_that_reads_no_answers(verifiers):
    cands = candidates("22", "333", "22")
    selection = select(MajoritySelector(), cands)  # `length` has no extract: text decides
    assert selection.index == 0 and "2 of 3" in selection.reason


def test_judges_read_a_constrained_letter_and_record_each_decision():
    backend = FakeBackend(
        {"judge": lambda request, i: "A" if "4</answer>" in _shown_a(request) else "B"}
    )
    cands = candidates("5", "4", "6")
    selection = select(TournamentSelector(), cands, backend)
    assert selection.index == 1
    assert "4 of 4 replies usable" in selection.reason
    assert "#2 beat #1 (2-0)" in selection.reason and "#2 beat #3 (2-0)" in selection.reason


def test_a_judge_without_any_readable_reply_fails_and_says_so():
    backend = FakeBackend({"judge": "I cannot decide"})
    with pytest.raises(SelectionError, match="none of the 2 judge replies"):
        select(PairwiseJudgeSelector(), candidates("5", "4"), backend)


def _shown_a(request):
    return request.messages[0].content.split("Response A:")[1].split("Response B:")[0]


@pytest.mark.parametrize("selector", [PairwiseJudgeSelector(), TournamentSelector()])
def test_judges_never_compare_agreeing_answers(selector):
    backend = judge_preferring("5")
    cands = candidates("4", "5", " 4", "4.")
    selection = select(selector, cands, backend)
    assert selection.index == 1
    assert backend.call_count == 2, "one pair: the answer 4 (three candidates) against 5"
    assert "2 distinct answers among 4" in selection.reason


@pytest.mark.parametrize("selector", [PairwiseJudgeSelector(), TournamentSelector()])
def test_an_even_split_goes_to_the_answer_more_candidates_share(selector):
    backend = FakeBackend({"judge": '{"better": "A"}'})  # pure position bias: every pair 1-1
    cands = candidates("5", "4", "6", "4")
    selection = select(selector, cands, backend)
    assert cands[selection.index].answer == "4"
    assert "tie, the more shared answer kept" in selection.reason


def test_when_every_candidate_agrees_no_judge_is_asked():
    backend = judge_preferring("4")
    selection = select(TournamentSelector(), candidates("4", "4", "4"), backend)
    assert (selection.index, backend.call_count) == (0, 0)
    assert "all 3 candidates agree on '4'" in selection.reason
