"""Families that other projects' answer graders test (RL frameworks, eval harnesses, dataset graders,
a physics grader, sympy-syntax equation pairs), each rule beside its negative twin. The cases are
written here; they measure this verifier's rules, not those projects' suites."""

from __future__ import annotations

import time

import pytest

from k2_verify import verify
from k2_verify.math.parse import TooLarge, Unparseable
from k2_verify.math.sympy_syntax import looks_like_sympy, parse_sympy

# (rule, response, ground truth, equal)
PAIRS = [
    ("sympy_eq", "Eq(h, g*t**2/2)", "h == t**2*g/2", True),
    ("sympy_eq", "Eq(h, g*t**2/2)", "h == t**2*g", False),
    ("sympy_names", "q1*r1 + q2*r2 == (q1 + q2)*c", "c == (q1*r1 + q2*r2)/(q1 + q2)", True),
    ("sympy_names", "q1*r1 - q2*r2 == (q1 + q2)*c", "c == (q1*r1 + q2*r2)/(q1 + q2)", False),
    ("sympy_rational", "y**Rational(1, 2)", "sqrt(y)", True),
    ("sympy_rational", "y**Rational(1, 3)", "sqrt(y)", False),
    ("sympy_log_base", "log(32, 2)", "5", True),
    ("sympy_log_base", "log(32, 2)", "6", False),
    ("sympy_factorial", "factorial(5)/2", "60", True),
    ("sympy_factorial", "factorial(5)/2", "120", False),
    ("sympy_euler", "E**(-t/2)", "exp(-t/2)", True),
    ("sympy_euler", "e**(-t/2)", "exp(t/2)", False),
    ("sympy_infinity", "oo", "\\infty", True),
    ("sympy_infinity", "-oo", "\\infty", False),
    ("solved_for_letter", "a*x + b*x == c", "x == c/(a + b)", True),
    ("solved_for_letter", "a*x - b*x == c", "x == c/(a + b)", False),
    ("solved_for_letter", "$x^2 = 9$", "x = 3", False),
    ("branch_cut", "v == sqrt(2*g*h)", "v == sqrt(2)*sqrt(g)*sqrt(h)", True),
    ("branch_cut", "v == sqrt(g*h)", "v == sqrt(2)*sqrt(g)*sqrt(h)", False),
    ("branch_cut", "$\\sqrt{y^2}$", "y", False),
    ("branch_cut", "$|y|$", "\\sqrt{y}\\sqrt{y}", False),
    ("compound_unit", "\\boxed{2.5\\,\\mathrm{m/s^2}}", "2.5", True),
    ("compound_unit", "\\boxed{2.6\\,\\mathrm{m/s^2}}", "2.5", False),
    ("compound_unit", "\\boxed{7 \\mathrm{~kg} \\cdot \\mathrm{m}^{2}}", "7", True),
    ("spaced_text_unit", "\\boxed{5\\sqrt{3}\\,\\text{cm}^2}", "5\\sqrt3", True),
    ("spaced_text_unit", "\\boxed{5\\sqrt{2}\\,\\text{cm}^2}", "5\\sqrt3", False),
    ("spaced_text_unit", "\\boxed{4\\ \\text{km}}", "4 \\text{ m}", False),
    ("significant_figures", "\\boxed{9.10938 \\times 10^{-31}}", "9.11 \\times 10^{-31}", True),
    ("significant_figures", "\\boxed{9.1 \\times 10^{-31}}", "9.11 \\times 10^{-31}", False),
    ("significant_figures", "\\boxed{9.12938 \\times 10^{-31}}", "9.11 \\times 10^{-31}", False),
    ("significant_figures", "\\boxed{0.3334}", "0.333", False),  # plain decimals stay exact
    ("degrees_radians", "\\boxed{\\frac{5\\pi}{6}}", "150^\\circ", True),
    ("degrees_radians", "\\boxed{\\frac{5\\pi}{6}}", "160^\\circ", False),
    ("degrees_radians", "\\boxed{90^\\circ}", "\\frac{\\pi}{2}", True),
    ("degrees_radians", "\\boxed{90}", "\\frac{\\pi}{2}", False),
    ("base_subscript", "\\boxed{1101_2}", "13", True),
    ("base_subscript", "\\boxed{1101_2}", "1101", True),
    ("base_subscript", "\\boxed{1100}", "1101_2", False),
    ("base_subscript", "\\boxed{1101_2}", "14", False),
    ("base_subscript", "\\boxed{b_{12}}", "11", False),
    ("repeating_decimal", "\\boxed{0.\\overline{6}}", "\\frac23", True),
    ("repeating_decimal", "\\boxed{0.\\overline{6}}", "0.6", False),
    ("repeating_decimal", "\\boxed{1.2\\overline{7}}", "\\frac{23}{18}", True),
    ("segment", "\\boxed{\\overline{CD}}", "CD", True),
    ("segment", "\\boxed{\\overline{CE}}", "CD", False),
    ("spaced_box", "so it is $\\boxed 9$.", "9", True),
    ("spaced_box", "so it is $\\boxed 9$.", "6", False),
    ("choice_list", "\\boxed{\\text{(C), (A)}}", "A, C", True),
    ("choice_list", "\\boxed{\\text{(A)}}", "A, C", False),
    ("choice_list", "\\boxed{A, B}", "A, C", False),
    ("solutions_or", "\\boxed{x < 0 \\text{ or } x > 2}", "(-\\infty, 0) \\cup (2, \\infty)", True),
    (
        "solutions_or",
        "\\boxed{x < 0 \\text{ or } x > 3}",
        "(-\\infty, 0) \\cup (2, \\infty)",
        False,
    ),
    ("solutions_or", "\\boxed{x = 2 \\text{ or } x = -2}", "\\pm 2", True),
    ("solutions_or", "\\boxed{x = 2 \\text{ or } x = -2}", "2", False),
    ("solutions_or", "\\boxed{x = 2 \\text{ or } y = -2}", "\\pm 2", False),
    ("set_names", "\\boxed{\\mathbb{R}}", "(-\\infty, \\infty)", True),
    ("set_names", "\\boxed{\\mathbb{R}}", "[0, \\infty)", False),
    ("set_names", "\\boxed{\\{x \\mid x < 4\\}}", "(-\\infty, 4)", True),
    ("set_names", "\\boxed{\\{x \\mid x < 4\\}}", "(-\\infty, 4]", False),
    ("set_names", "\\boxed{\\text{Infinity}}", "\\infty", True),
    (
        "matrix_arithmetic",
        "\\boxed{3\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}}",
        "\\begin{pmatrix}3 \\\\ 6\\end{pmatrix}",
        True,
    ),
    (
        "matrix_arithmetic",
        "\\boxed{3\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}}",
        "\\begin{pmatrix}3 \\\\ 5\\end{pmatrix}",
        False,
    ),
    (
        "matrix_arithmetic",
        "\\boxed{\\begin{pmatrix}1 & 1\\end{pmatrix} + \\begin{pmatrix}2 & 3\\end{pmatrix}}",
        "\\begin{pmatrix}3 & 4\\end{pmatrix}",
        True,
    ),
    (
        "matrix_arithmetic",
        "\\boxed{\\begin{pmatrix}1 & 1\\end{pmatrix} - \\begin{pmatrix}2 & 3\\end{pmatrix}}",
        "\\begin{pmatrix}3 & 4\\end{pmatrix}",
        False,
    ),
    ("assignment_groups", "\\boxed{(1, 4), (3, 0)}", "a=3, b=0; a=1, b=4", True),
    ("assignment_groups", "\\boxed{(4, 1), (0, 3)}", "a=3, b=0; a=1, b=4", False),
    ("unit_conversion", "\\boxed{2.5\\text{ km}}", "2500 \\text{ m}", True),
    ("unit_conversion", "\\boxed{2.5\\text{ km}}", "2.5 \\text{ m}", False),
    ("unit_conversion", "\\boxed{2 \\text{ hours}}", "120 \\text{ minutes}", True),
    ("unit_conversion", "\\boxed{2 \\text{ hours}}", "2 \\text{ minutes}", False),
    ("unit_conversion", "\\boxed{2 \\text{ kg}}", "2 \\text{ km}", False),
]


@pytest.mark.parametrize(("rule", "response", "truth", "equal"), PAIRS)
def test_other_graders_families(rule, response, truth, equal):
    assert verify(response, truth, "math").correct is equal, rule


@pytest.mark.parametrize(
    "text", ["__import__('os')", "x.__class__", "lambda: 1", "[x for x in y]", "'a' * 3", "x; y"]
)
def test_the_sympy_reader_refuses_anything_but_arithmetic(text):
    with pytest.raises(Unparseable):
        parse_sympy(text)


def test_the_sympy_reader_refuses_huge_numbers_before_building_them():
    start = time.monotonic()
    for text in ("2**10**10**10", "factorial(10**6)", "factorial(factorial(10))"):
        with pytest.raises(TooLarge):
            parse_sympy(text)
    assert time.monotonic() - start < 1.0


def test_python_keywords_are_plain_names_in_sympy_syntax():
    assert str(parse_sympy("lambda*f").free_symbols) == "{f, lambda}" or {
        str(s) for s in parse_sympy("lambda*f").free_symbols
    } == {"f", "lambda"}


def test_only_python_syntax_goes_to_the_sympy_reader():
    assert looks_like_sympy("x**2 == 4")
    assert looks_like_sympy("Eq(y, 2)")
    assert not looks_like_sympy("\\frac{x}{2} * 3")
    assert not looks_like_sympy("2x + 1")


def test_a_huge_sympy_syntax_answer_is_answered_within_the_time_bound():
    runaway = "\\boxed{" + "*".join(["factorial(4999)"] * 60) + "}"  # each factor allowed
    start = time.monotonic()
    verdict = verify(runaway, "1", "math", timeout=1.0)
    assert not verdict.correct
    assert verdict.reason in {"timeout", "unparseable", "different"}
    assert time.monotonic() - start < 4.0  # the 1 s bound, plus a worker's first start
