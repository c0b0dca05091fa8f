"""The multiple_choice verifier: letters committed to, hedges score 0."""

import time

import pytest

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract


def problem(ground_truth="C"):
    return Problem(id="p", prompt="", domain="multiple_choice", ground_truth=ground_truth)


@pytest.fixture
def choice():
    return get_registry().create("verifier", "multiple_choice")


class TestMultipleChoiceContract(VerifierContract):
    verifier_name = "multiple_choice"
    cases = [
        ("<think>B looks wrong</think> \\boxed{C}", problem(), True),
        ("Answer: (B)", problem(), False),
    ]


@pytest.mark.parametrize(
    "response",
    [
        "\\boxed{C}",
        "\\boxed{\\text{(C)}}",
        "Answer: (C)",
        "**Answer:** C",
        "**Final Answer: C**",
        "Thus, the answer is C.",
        "The correct answer is (C) because it conserves energy.",
        "<answer>C</answer>",
        "C",
        "<think>the answer is A? no, the answer is B</think>\nAnswer: C",
    ],
)
def test_the_ways_a_letter_is_committed_to(choice, response):
    verdict = choice.verify(response, problem())
    assert verdict.correct, verdict
    assert verdict.extracted == "C"


@pytest.mark.parametrize("truth", ["C", "(C)", "c", 2])
def test_ground_truth_as_letter_or_index(choice, truth):
    assert choice.verify("Answer: C", problem(truth)).correct


def test_committing_to_two_letters_scores_zero(choice):
    verdict = choice.verify("The answer is C. Actually, the answer is D.", problem())
    assert (verdict.score, verdict.reason) == (0.0, "several_answers")
    assert not choice.verify("\\boxed{C} or \\boxed{B}", problem()).correct


def test_repeating_the_same_letter_is_not_a_hedge(choice):
    assert choice.verify("The answer is C.\n\n**Answer:** \\boxed{C}", problem()).correct


@pytest.mark.parametrize(
    "response, reason",
    [
        ("The answer is a prime number, so I am unsure.", "no_answer"),
        ("Answer: I think it is the second one.", "no_answer"),
        ("\\boxed{42}", "no_answer"),
        ("Answer: Z", "no_answer"),  # not an option letter
        ("A B C D", "no_answer"),
        ("Answer: (C) " * 3 + "Answer: (A)", "several_answers"),
    ],
)
def test_malformed_and_adversarial_responses_score_zero(choice, response, reason):
    verdict = choice.verify(response, problem())
    assert (verdict.score, verdict.reason) == (0.0, reason)


def test_letters_can_be_restricted(choice):
    four = get_registry().create("verifier", "multiple_choice", letters="ABCD")
    assert not four.verify("Answer: E", problem("E")).correct
    assert choice.verify("Answer: E", problem("E")).correct


def test_long_runs_of_whitespace_after_a_keyword_do_not_backtrack(choice):
    """A regex with several optional space runs in a row takes exponential time on these."""
    start = time.perf_counter()
    for response in [
        "Answer" + " " * 100_000 + "x",
        "answer: " * 20_000,
        "the answer is" + " \n" * 50_000,
    ]:
        assert choice.verify(response, problem()).reason == "no_answer"
    assert time.perf_counter() - start < 5
