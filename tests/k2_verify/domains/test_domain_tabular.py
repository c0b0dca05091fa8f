"""The tabular verifier: numeric tolerance, text equivalence, |-separated multisets."""

import time

import pytest

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract


def problem(ground_truth):
    return Problem(
        id="p", prompt="", domain="tabular", data_source="table__hitab", ground_truth=ground_truth
    )


@pytest.fixture
def tabular():
    return get_registry().create("verifier", "tabular")


class TestTabularContract(VerifierContract):
    verifier_name = "tabular"
    cases = [
        ("<think>sum the column</think> The total is \\boxed{1,234.5}", problem("1234.5"), True),
        ("\\boxed{1230}", problem("1234.5"), False),
        ("\\boxed{Paris | 12}", problem("12|paris"), True),
    ]


@pytest.mark.parametrize(
    "answer, truth",
    [
        ("0.3333", "0.333333"),  # within 1e-3 absolute
        ("123456", "123500"),  # within 1e-3 relative
        ("12.5\\%", "12.5"),
        ("12.5%", "0.125"),
        ("0.125", "12.5%"),
        ("\\$1,000", "1000"),
        ("(250)", "-250"),
        ("\\text{The United States}", "united states"),
        ("b | a | a", "a|a|b"),
    ],
)
def test_equivalent_answers(tabular, answer, truth):
    assert tabular.verify(f"\\boxed{{{answer}}}", problem(truth)).correct


@pytest.mark.parametrize(
    "answer, truth",
    [
        ("0.335", "0.333"),
        ("124000", "123500"),
        ("13%", "0.125"),
        ("a | b", "a|a|b"),
        ("a | a | b", "a|b|b"),
        ("france", "paris"),
        ("1", "1|1"),
    ],
)
def test_different_answers(tabular, answer, truth):
    assert not tabular.verify(f"\\boxed{{{answer}}}", problem(truth)).correct


def test_the_last_box_after_thinking_is_the_answer(tabular):
    response = "<think>\\boxed{7}</think> first \\boxed{5} then \\boxed{6}"
    assert tabular.verify(response, problem("6")).correct
    assert not tabular.verify(response, problem("7")).correct


def test_a_list_ground_truth_is_a_multiset(tabular):
    assert tabular.verify("\\boxed{2 | 1}", problem(["1", "2"])).correct


@pytest.mark.parametrize(
    "response, reason",
    [
        ("the answer is 12", "no_answer"),
        ("\\boxed{12", "no_answer"),
        ("\\boxed{" + "|".join(["12"] * 1000) + "}", "too_many_answers"),
        ("\\boxed{__import__('os')}", "different"),
    ],
)
def test_malformed_and_adversarial_answers_score_zero(tabular, response, reason):
    verdict = tabular.verify(response, problem("12"))
    assert (verdict.score, verdict.reason) == (0.0, reason)


def test_long_digit_runs_are_parsed_in_linear_time(tabular):
    start = time.perf_counter()
    assert not tabular.verify("\\boxed{" + "1" * 200_000 + "x}", problem("1")).correct
    assert time.perf_counter() - start < 5
