"""Families that latex2sympy2_extended's and MARIO_EVAL's public tests exercise (learnt as facts from
their test suites and normaliser; the cases are written here), each rule beside its negative twin."""

from __future__ import annotations

import pytest

from k2_verify import verify
from k2_verify.math.normalize import normalize, split_items

# (rule, response, ground truth, equal)
PAIRS = [
    # a unit glued to its number is dropped; a glued letter is a variable
    ("glued_unit", "\\boxed{7mm}", "7", True),
    ("glued_unit", "\\boxed{7mm}", "7 cm", False),
    ("glued_unit", "\\boxed{9kg}", "9000 g", True),
    ("glued_unit", "\\boxed{4days}", "4", True),
    ("glued_unit", "\\boxed{4y}", "4", False),
    ("glued_unit", "\\boxed{8abc}", "8", False),
    # a unit after math that is not a plain number
    ("unit_after_math", "\\boxed{\\frac{5}{3} inches}", "\\frac53", True),
    ("unit_after_math", "\\boxed{\\frac{5}{3} inches}", "\\frac35", False),
    # a lone letter after a number is a factor, not a unit; a known one-letter unit still is
    ("letter_factor", "\\boxed{4 y}", "4y", True),
    ("letter_factor", "\\boxed{4 y}", "4", False),
    ("letter_factor", "\\boxed{7 s}", "7", True),
    # whole answers that name a set or a number in words
    ("words", "\\boxed{\\text{All real numbers}}", "(-\\infty, \\infty)", True),
    ("words", "\\boxed{\\text{All real numbers}}", "[0, \\infty)", False),
    ("words", "The answer is: no solutions.", "\\emptyset", True),
    ("words", "The answer is: no solutions.", "\\{1\\}", False),
    ("words", "The answer is seventeen.", "17", True),
    ("words", "The answer is seventeen.", "7", False),
    ("words", "\\boxed{\\text{ninety nine}}", "99", True),
    # a superscript written before the subscript
    ("superscript_first", "\\boxed{y^{2}_{0}}", "y_0^2", True),
    ("superscript_first", "\\boxed{y^{2}_{0}}", "y_0^3", False),
    # inverse hyperbolic functions in every spelling
    ("inverse_hyperbolic", "\\boxed{\\tanh^{-1}(0)}", "0", True),
    ("inverse_hyperbolic", "\\boxed{\\operatorname{arcosh}(1)}", "0", True),
    ("inverse_hyperbolic", "\\boxed{\\arsinh(t)}", "\\operatorname{asinh}(t)", True),
    ("inverse_hyperbolic", "\\boxed{\\arsinh(t)}", "\\operatorname{acosh}(t)", False),
    ("inverse_hyperbolic", "\\boxed{\\operatorname{atan}(1)}", "\\frac{\\pi}{4}", True),
    # floor and ceiling as operator names
    ("rounding_names", "\\boxed{\\operatorname{floor}(2.5)}", "2", True),
    ("rounding_names", "\\boxed{\\operatorname{ceil}(2.5)}", "2", False),
    # `\mleft`, `\mright`, `\middle` only size a delimiter; `\lgroup` is a parenthesis
    ("sized_delimiters", "\\boxed{\\mleft[ 0, 1 \\mright)}", "[0,1)", True),
    ("sized_delimiters", "\\boxed{\\mleft[ 0, 1 \\mright)}", "(0,1]", False),
    ("sized_delimiters", "\\boxed{\\left\\{ t \\middle| t < 0 \\right\\}}", "(-\\infty, 0)", True),
    ("sized_delimiters", "\\boxed{\\lgroup 3, 4 \\rgroup}", "(3,4)", True),
    # French interval brackets
    ("french_interval", "\\boxed{]0, 1]}", "(0, 1]", True),
    ("french_interval", "\\boxed{]0, 1]}", "[0, 1]", False),
    ("french_interval", "\\boxed{[0 ; 1[}", "[0, 1)", True),
    # "ist" links the German answer to its value
    ("german", "Also ist die Antwort: 8", "8", True),
    ("german", "Die Antwort ist 8.", "9", False),
    # assignments answer an ordered tuple by their names
    ("assignments", "\\boxed{q = 1, p = 7}", "(7, 1)", True),
    ("assignments", "\\boxed{q = 1, p = 7}", "(1, 7)", False),
    ("assignments", "\\boxed{x = 5, y = 6}", "(5, 6)", True),
    # `\overrightarrow` is `\vec`, as written
    ("vector", "\\boxed{\\overrightarrow{PQ}}", "\\vec{PQ}", True),
    ("vector", "\\boxed{\\overrightarrow{PQ}}", "\\vec{QP}", False),
    # an option's label before a value, and an option named as a word
    ("labels", "\\boxed{D. 2\\sqrt{2}}", "\\sqrt8", True),
    ("labels", "\\boxed{D. 2\\sqrt{2}}", "\\sqrt2", False),
    ("labels", "The answer is (A).", "Option A", True),
    ("labels", "The answer is (B).", "Option A", False),
    # a ground truth naming one value twice, or stating its rounding
    ("truth_forms", "\\boxed{25\\%}", "\\frac{1}{4} \\text{ or } 0.25", True),
    ("truth_forms", "\\boxed{0.2}", "\\frac{1}{4} \\text{ or } 0.25", False),
    ("truth_forms", "\\boxed{1.41}", "\\sqrt{2} \\approx 1.41", True),
    ("truth_forms", "\\boxed{1.42}", "\\sqrt{2} \\approx 1.41", False),
    # `f^{-1}\left(x\right) = ...` labels its value
    ("inverse_label", "\\boxed{g^{-1}\\left(y\\right) = y - 4}", "y - 4", True),
    ("inverse_label", "\\boxed{g^{-1}\\left(y\\right) = y - 4}", "y + 4", False),
    # every rule holds inside a list, a tuple or a set (rounded truths item by item)
    ("items", "\\boxed{\\frac{\\sqrt3}{2}, \\frac12}", "0.866, 0.5", True),
    ("items", "\\boxed{\\frac{\\sqrt3}{2}, \\frac12}", "0.866, 0.6", False),
    ("items", "\\boxed{(e, 1)}", "(2.718, 1)", True),
    ("items", "\\boxed{(1, e)}", "(2.718, 1)", False),
    ("items", "\\boxed{[e, 3)}", "(2.718, 3)", False),
    ("items", "\\boxed{x^2 + 5x + 6}", "(x-2)(x-3)", False),  # a product of brackets is no list
    ("items", "\\boxed{(x+2)(x+3)}", "x^2 + 5x + 6", True),
    # a ground truth in math delimiters or a box is the same ground truth (sympy syntax, "or",
    # a based numeral); a box followed by more text is not a whole box
    ("wrapped_truth", "a*b == c", "\\(c == b*a\\)", True),
    ("wrapped_truth", "a*b == c", "\\(c == b*a + 1\\)", False),
    ("wrapped_truth", "\\boxed{75\\%}", "$$\\frac34 \\text{ or } 0.75$$", True),
    ("wrapped_truth", "\\boxed{101}", "$101_2$", True),
    ("wrapped_truth", "\\boxed{3}", "\\boxed{4}. \\end{align*}", False),
    ("wrapped_truth", "\\boxed{4}", "\\boxed{4}. \\end{align*}", True),
    # a square bracket groups like a parenthesis; number sets, triangles and vectors are names
    ("published_forms", "\\boxed{3\\left[a - 1\\right]}", "3a - 3", True),
    ("published_forms", "\\boxed{3\\left[a - 1\\right]}", "3a - 1", False),
    ("published_forms", "\\boxed{\\mathbb{Q}}", "\\mathbb Q", True),
    ("published_forms", "\\boxed{\\mathbb{Q}}", "\\mathbb{Z}", False),
    ("published_forms", "\\boxed{S_{\\triangle PQR}}", "S_{\\triangle PQR}", True),
    ("published_forms", "\\boxed{\\vec{PQ} - \\vec{PQ}}", "0", True),
    ("published_forms", "\\boxed{\\vec{PQ} + \\vec{QP}}", "2\\vec{PQ}", False),
    # a ground truth written as a reply (prose around math, an answer tag, GSM8K's `####`)
    ("truth_reply", "\\boxed{(1, 2)}", "So the point is $(1, 2)$.", True),
    ("truth_reply", "\\boxed{(2, 1)}", "So the point is $(1, 2)$.", False),
    ("truth_reply", "\\boxed{72}", "48/2 = 24 clips in May.\n48+24 = 72 in all.\n#### 72", True),
    ("truth_reply", "\\boxed{24}", "48/2 = 24 clips in May.\n48+24 = 72 in all.\n#### 72", False),
    ("truth_reply", "\\boxed{7}", "<answer>7</answer>", True),
    ("truth_reply", "\\boxed{Evelyn}", "Evelyn", True),
    # a closing number keeps its unit's power out of the value (`m^2` as `m²`)
    ("closing_unit", "so it is 1,250.5 m^2", "1250.5", True),
    ("closing_unit", "so it is 1,250.5 m^2", "1250.52", False),
    # a long decimal in scientific notation stands for the exact value it is cut from
    ("long_scientific", "\\boxed{1.428571428571 \\times 10^{-1}}", "\\frac{1}{7}", True),
    ("long_scientific", "\\boxed{1.43 \\times 10^{-1}}", "\\frac{1}{7}", False),
]


@pytest.mark.parametrize(("rule", "response", "truth", "equal"), PAIRS)
def test_rule(rule, response, truth, equal):
    verdict = verify(response, truth, "math")
    assert verdict.correct is equal, (rule, verdict.reason, verdict.extracted)


def test_every_rule_has_a_negative_twin():
    rules = {rule for rule, *_ in PAIRS}
    refused = {rule for rule, _, _, equal in PAIRS if not equal}
    assert rules == refused


@pytest.mark.parametrize(
    ("text", "unit"),
    [("12cm", "cm"), ("12 apples", "apples"), ("2 x", ""), ("\\frac{1}{2} miles", "miles")],
)
def test_units_are_recorded_and_letters_are_not(text, unit):
    assert normalize(text).unit == unit


def test_items_split_only_at_the_top_level():
    assert split_items("(1, 2), \\{3, 4\\}, f(5, 6)") == ["(1, 2)", " \\{3, 4\\}", " f(5, 6)"]
