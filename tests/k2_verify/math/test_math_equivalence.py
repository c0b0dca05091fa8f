"""Equivalence of two answers, for every category issue 3 lists, in both directions."""

from __future__ import annotations

import pytest

from k2_verify.math import equivalent

# (category, answer, ground truth, equivalent?)
CASES = [
    ("integers", "42", "42", True),
    ("integers", "-7", "7", False),
    ("decimals", "0.50", "0.5", True),
    ("decimals", "0.55", "0.5", False),
    ("decimals", "\\frac{1}{3}", "0.333", True),  # a rounded decimal truth accepts the exact value
    ("decimals", "0.33", "0.333", False),  # ...but never another decimal
    ("thousands", "1,000,000", "1000000", True),
    ("thousands", "12{,}345", "12345", True),
    ("thousands", "1,001", "1000", False),
    ("fractions", "\\frac12", "0.5", True),
    ("fractions", "\\dfrac{6}{8}", "3/4", True),
    ("fractions", "\\frac{4}{3}", "\\frac34", False),
    ("mixed_numbers", "2\\frac{1}{2}", "5/2", True),
    ("mixed_numbers", "-2\\frac{1}{2}", "-2.5", True),
    ("mixed_numbers", "2 1/2", "2.5", True),
    ("mixed_numbers", "2\\frac{1}{2}", "1", False),
    ("percentages", "50\\%", "50", True),
    ("percentages", "0.5", "50\\%", True),
    ("percentages", "40\\%", "50\\%", False),
    ("scientific", "3\\times10^{5}", "300000", True),
    ("scientific", "1.5e3", "1500", True),
    ("scientific", "3 \\cdot 10^{6}", "300000", False),
    ("radicals", "2\\sqrt{3}", "\\sqrt{12}", True),
    ("radicals", "\\sqrt[3]{8}", "2", True),
    ("radicals", "3\\sqrt2", "\\sqrt{12}", False),
    ("pi_e", "\\frac{\\pi}{6}", "\\pi/6", True),
    ("pi_e", "e^{i\\pi}", "-1", True),
    ("pi_e", "3.14", "\\pi", False),
    ("trig", "\\frac{\\sqrt{2}}{2}", "\\sin(\\pi/4)", True),
    ("trig", "\\frac{1}{2}", "\\cos 60^\\circ", True),
    ("trig", "\\frac{\\sqrt{2}}{2}", "\\sin(\\pi/3)", False),
    ("symbolic", "2(x+1)", "2x+2", True),
    ("symbolic", "(a+b)^2", "a^2+2ab+b^2", True),
    ("symbolic", "x^2+2x+2", "(x+1)^2", False),
    ("symbolic", "2y+1", "2x+1", False),
    ("equations", "x = 3", "3", True),
    ("equations", "3", "x=3", True),
    ("equations", "f(x) = x^2+1", "x^2+1", True),
    ("equations", "y = 1 + 2x", "y = 2x + 1", True),
    ("equations", "y = 2x - 1", "y = 2x + 1", False),
    ("equations", "x = 4", "3", False),
    ("intervals", "x > 3", "(3, \\infty)", True),
    ("intervals", "1 < x \\le 2", "(1, 2]", True),
    ("intervals", "x \\in [0, 1)", "[0, 1)", True),
    ("intervals", "(-\\infty, 0) \\cup (1, \\infty)", "(1,\\infty)\\cup(-\\infty,0)", True),
    ("intervals", "x \\ge 3", "(3, \\infty)", False),
    ("intervals", "(1, 2]", "[1, 2)", False),
    ("sets", "\\{3, 1, 2\\}", "\\{1, 2, 3\\}", True),
    ("sets", "1, 2, 3", "\\{3, 2, 1\\}", True),
    ("sets", "\\{1, 2\\}", "\\{1, 2, 3\\}", False),
    ("sets", "\\varnothing", "\\emptyset", True),
    ("sets", "x \\in \\{\\}", "\\emptyset", True),
    ("sets", "\\{0\\}", "\\emptyset", False),
    ("tuples", "(1, 2)", "(1,2)", True),
    ("tuples", "(3, -\\frac12)", "(3, -0.5)", True),
    ("tuples", "(2, 1)", "(1, 2)", False),
    ("tuples", "[1, 2]", "(1, 2)", False),
    (
        "matrices",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}",
        True,
    ),
    (
        "matrices",
        "\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        False,
    ),
    ("complex", "3+4i", "4i+3", True),
    ("complex", "\\frac{1+i}{2}", "\\frac12+\\frac{i}{2}", True),
    ("complex", "3-4i", "3+4i", False),
    ("degrees", "30^\\circ", "30", True),
    ("degrees", "45", "45^{\\circ}", True),
    ("degrees", "60^\\circ", "30^\\circ", False),
    ("units", "12\\text{ cm}", "12", True),
    ("units", "\\$5.50", "5.5", True),
    ("units", "7 apples", "7", True),
    ("units", "12\\text{ cm}^2", "12", True),
    ("units", "8\\text{ cm}", "12", False),
    ("multiple_choice", "B", "(B)", True),
    ("multiple_choice", "(c)", "C", True),
    ("multiple_choice", "\\textbf{(C)}\\ 24", "C", True),
    ("multiple_choice", "B", "C", False),
    ("words", "\\text{Yes}", "yes", True),
    ("words", "No  Solution", "no solution", True),
    ("words", "Tuesday", "Monday", False),
    ("latex_noise", "\\left(1, 2\\right)", "(1,2)", True),
    ("latex_noise", "\\!12\\,", "12", True),
    ("latex_noise", "\\displaystyle\\frac{1}{2}.", "\\frac12", True),
    ("latex_noise", "\\mathbf{7}", "7", True),
    ("latex_noise", "\\left(0, 1\\right]", "[0,1]", False),
]


@pytest.mark.parametrize("category, answer, truth, expected", CASES, ids=[c[0] for c in CASES])
def test_equivalence(category, answer, truth, expected):
    match = equivalent(answer, truth)
    assert match.equal is expected, (answer, truth, match)
    assert (match.reason == "equivalent") is expected


@pytest.mark.parametrize("category", sorted({c[0] for c in CASES}))
def test_every_category_has_both_directions(category):
    assert {expected for c, _, _, expected in CASES if c == category} == {True, False}


@pytest.mark.parametrize(
    "answer, truth",
    [
        ("\\frac{1}{2004!}", "\\frac{1}{2006!}"),  # differ far below any float tolerance
        ("1e-7", "2e-7"),
        ("1.0000001", "1"),
        ("10^{-20}", "0"),
        ("2^{60}+1", "1152921504606846976"),
        ("\\sqrt{2}", "1.4142135"),  # rounds to 1.4142136, not to the truth
    ],
)
def test_numbers_that_round_alike_differ(answer, truth):
    assert not equivalent(answer, truth).equal


@pytest.mark.parametrize("answer", ["\\mathds{Q}(12)", "\\weird{12}", "\\hat{12}", "12\\foo"])
def test_a_number_inside_unknown_latex_is_not_picked_out(answer):
    match = equivalent(answer, "12")
    assert (match.equal, match.reason) == (False, "unparseable")


@pytest.mark.parametrize("answer", ["1 or 2", "1 \\text{ or } 2", "1 \\vee 2"])
def test_hedged_answers_are_rejected(answer):
    assert equivalent(answer, "1") == equivalent(answer, "2")
    assert equivalent(answer, "1").reason == "hedged"


def test_or_between_parts_of_a_list_answer_is_not_a_hedge():
    assert equivalent("x = 2 \\text{ or } x = -2", "2, -2").equal


@pytest.mark.parametrize("answer", ["10^{10^{10^{10}}}", "100000!", "\\binom{10^{6}}{3}"])
def test_numbers_too_large_to_compute_are_refused(answer):
    assert equivalent(answer, "1").reason == "unparseable"


def test_empty_answer():
    assert equivalent("", "0").reason == "no_answer"
