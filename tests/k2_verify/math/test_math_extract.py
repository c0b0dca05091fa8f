"""Finding the final answer in a response."""

from __future__ import annotations

import pytest

from k2_verify.math import extract_answer

# (response, extracted answer, how)
CASES = [
    ("<think>maybe \\boxed{12}</think>So \\boxed{13}.", "13", "boxed"),
    ("<think>12?</think>\nThe answer is 13.", "13", "phrase"),
    ("<think>work</think><answer>42</answer>", "42", "answer_tag"),
    (
        "<think>work</think><answer>The value is \\boxed{42}",
        "42",
        "boxed",
    ),  # cut by the stop string
    ("<answer>\nThe smallest such n is 17.\n</answer>", "17", "trailing"),
    ("so $\\boxed{\\frac{\\sqrt{3}}{2}}$", "\\frac{\\sqrt{3}}{2}", "boxed"),
    ("\\boxed{\\left\\{1, \\frac{2}{3}\\right\\}}", "\\left\\{1, \\frac{2}{3}\\right\\}", "boxed"),
    ("Answer \\fbox{17}", "17", "boxed"),
    ("Summing up, the final answer is 256.", "256", "phrase"),
    ("The final answer is $\\frac{5}{6}$.", "\\frac{5}{6}", "phrase"),
    ("Answer: 19", "19", "phrase"),
    ("So the answer is 12 because the sum doubles.", "12", "phrase"),
    ("First 3 + 4 = 7.\nThen doubling gives 14", "14", "trailing"),
    ("We add the parts.\nSo we get $x^2 + 1$.", "x^2 + 1", "trailing"),
    ("42", "42", "whole"),
    ("$x^2 - 1$", "x^2 - 1", "whole"),
    ("no solution", "no solution", "whole"),
]


@pytest.mark.parametrize("response, answer, how", CASES)
def test_extraction(response, answer, how):
    extraction = extract_answer(response)
    assert (extraction.answer, extraction.how) == (answer, how)


def test_the_thinking_part_is_never_the_answer():
    assert extract_answer("<think>It is \\boxed{7}, surely").answer is None
    assert extract_answer("<think>\\boxed{7}</think>").answer is None


def test_other_distinct_boxes_are_kept_for_hedge_detection():
    extraction = extract_answer("It is \\boxed{1} or maybe \\boxed{2}, or \\boxed{2}.")
    assert (extraction.answer, extraction.others) == ("2", ["1"])


@pytest.mark.parametrize("response", ["", "  \n\t ", "\\boxed{" * 2000, "{" * 5000 + "}" * 5000])
def test_responses_without_an_answer(response):
    extraction = extract_answer(response)
    assert not extraction.answer
