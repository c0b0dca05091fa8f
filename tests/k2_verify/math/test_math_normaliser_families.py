"""Round 5 of issue 12: rule families that math-verify 0.8.0's normaliser and extractor implement,
written here as our own cases, each beside its negative twin: combinatorics written as functions,
an inverse function as a label, a hedge between equal values, markdown bold, an unclosed box,
joined math spans closing a reply, plain powers, infinity as a word, a number before a noun, more
currency signs, spaced thousands in a sentence; adversarial sizes stay within the time bound."""

from __future__ import annotations

import time

import pytest

from k2_verify import verify
from k2_verify.math.extract import extract_answer
from k2_verify.math.normalize import normalize

# (rule, response, ground truth, equal)
PAIRS = [
    ("combination", "The answer is $\\boxed{C(6,3)}$", "20", True),
    ("combination", "The answer is $\\boxed{C(6,3)}$", "15", False),
    ("combination", "$\\boxed{C_{8}^{3}}$", "56", True),
    ("combination", "$\\boxed{C_{8}^{3}}$", "336", False),
    ("choose", "$\\boxed{{7 \\choose 2}}$", "21", True),
    ("choose", "$\\boxed{{7 \\choose 2}}$", "42", False),
    ("choose", "$\\boxed{n \\choose 2}$", "\\binom{n}{2}", True),
    ("choose", "$\\boxed{n \\choose 2}$", "\\binom{n}{3}", False),
    ("permutation", "$\\boxed{P(5,2)}$", "20", True),
    ("permutation", "$\\boxed{P(5,2)}$", "10", False),
    ("permutation", "$\\boxed{P(2,5)}$", "0", True),
    ("inverse", "So $f^{-1}(x) = \\frac{x-3}{2}$.", "\\frac{x-3}{2}", True),
    ("inverse", "So $f^{-1}(x) = \\frac{x-3}{2}$.", "\\frac{x+3}{2}", False),
    ("inverse", "$\\boxed{h^{-1}(x)=\\sqrt{x}}$", "h^{-1}(x) = \\sqrt{x}", True),
    ("inverse", "$\\boxed{h^{-1}(x)=\\sqrt{x}}$", "h^{-1}(x) = x^2", False),
    ("inverse", "$\\boxed{x^{-1}(x+1)}$", "\\frac{x+1}{x}", True),  # a power, not a label
    ("hedge_same", "The answer is $\\frac{1}{2}$ or $0.5$.", "1/2", True),
    ("hedge_same", "The answer is $\\frac{1}{2}$ or equivalently $0.5$.", "0.5", True),
    ("hedge_same", "The answer is $\\frac{1}{2}$ or $\\frac{1}{3}$.", "1/2", False),
    ("hedge_same", "The answer is $\\frac{1}{2}$ or $\\frac{1}{3}$.", "1/3", False),
    ("bold", "**Answer:** 17", "17", True),
    ("bold", "**Answer:** 17", "71", False),
    ("bold", "So, the final answer is **42**.", "42", True),
    ("bold", "The correct answer is **(C)**.", "A", False),
    ("bold", "The answer is x**2 + 1", "x^2+1", True),  # a power stays a power
    ("bold", "The answer is x**2 + 1", "x^2-1", False),
    ("unclosed_box", "The answer is \\boxed{42", "42", True),
    ("unclosed_box", "The answer is \\boxed{42", "43", False),
    ("joined", "The solutions are $x = 1$ and $x = 2$.", "1, 2", True),
    ("joined", "The solutions are $x = 1$ and $x = 2$.", "2", False),
    ("joined", "The solutions are $x = 1$ or $x = -4$.", "\\{-4, 1\\}", True),
    ("joined", "The solutions are $x = 1$ or $x = -4$.", "\\{4, 1\\}", False),
    ("plain_power", "The answer is 2^10.", "1024", True),
    ("plain_power", "The answer is 2^10.", "20", False),
    ("plain_power", "So we get 3^12.", "12", False),  # not the exponent alone
    ("plain_power", "$\\boxed{2^{10}}$", "1024", True),
    ("infinity", "$\\boxed{(2, infinity)}$", "(2,\\infty)", True),
    ("infinity", "$\\boxed{(2, inf)}$", "[2,\\infty)", False),
    ("infinity", "$\\boxed{\\inf S}$", "\\infty", False),  # the infimum is no infinity
    ("counted_noun", "So she has 15 apples left.", "15", True),
    ("counted_noun", "So she has 15 apples left.", "16", False),
    ("counted_noun", "She gave 3 apples to 5 friends.", "5", False),  # two numbers: no guess
    ("currency", "So the ticket costs ₹150 in all.", "150", True),
    ("currency", "So the ticket costs ₹150 in all.", "15", False),
    ("spaced_thousands", "The value is 1 234 567.", "1234567", True),
    ("spaced_thousands", "The value is 1 234 567.", "567", False),
    ("short_sentence", "Hence $x \\approx 2.24$.", "2.24", True),
    ("short_sentence", "Hence $x \\approx 2.24$.", "2.25", False),
    ("yes_no", "$\\boxed{\\text{No}}$", "no", True),
    ("yes_no", "$\\boxed{\\text{No}}$", "yes", False),
    ("cases", "$\\boxed{\\begin{cases} x = 1 \\\\ y = 2 \\end{cases}}$", "(1,2)", True),
    ("cases", "$\\boxed{\\begin{cases} x = 1 \\\\ y = 2 \\end{cases}}$", "(2,1)", False),
    ("approx", "$\\boxed{\\approx 3.14}$", "3.14", True),
    ("approx", "$\\boxed{\\approx 3.14}$", "3.15", False),
    ("format", "$\\boxed{\\color{red}{12}}$", "12", True),
    ("format", "$\\boxed{\\color{red}{12}}$", "21", False),
    ("format", "$\\boxed{\\hphantom{0}12}$", "120", False),
    ("format", "$\\boxed{\\underline{12}}$", "12", True),
    ("hedge_same", "$\\boxed{\\frac{1}{2}\\text{ or }50\\%}$", "0.5", True),
    ("hedge_same", "$\\boxed{\\frac{1}{2}\\text{ or }5\\%}$", "0.5", False),
    ("filler", "I think the answer is probably 12, since 3*4=12.", "12", True),
    ("filler", "I think the answer is probably 12, since 3*4=12.", "3", False),
    ("value_is_answer", "We get 26. Therefore, 27 is the answer.", "27", True),
    ("value_is_answer", "We get 26. Therefore, 27 is the answer.", "26", False),
    ("korean", "정답은 7입니다.", "7", True),
    ("korean", "정답은 7입니다.", "1", False),
    ("indonesian", "Jawabannya adalah 7.", "7", True),
    ("turkish", "Cevap: 7", "-7", False),
    ("trailing_percent", "The probability is $\\frac{3}{8}$, which is 37.5%.", "3/8", True),
    ("trailing_percent", "The probability is $\\frac{3}{8}$, which is 37.5%.", "0.5", False),
    ("prose_short", "It costs £15.", "15", True),
    ("prose_short", "So, 3 + 4 = 7.", "4", False),
    ("prose_short", "5 km", "5 m", False),  # a number and its unit is no sentence
    ("prose_short", "tanh(u/2)", "tanh(u/2)", True),
    ("bracket_list", "$\\boxed{[1,2,3]}$", "1, 2, 3", True),
    ("bracket_list", "$\\boxed{[1,2,3]}$", "1, 3, 2", False),  # a list keeps its order
    ("bracket_list", "$\\boxed{[1,2]}$", "1, 2", False),  # two items: an interval
    ("lor", "$\\boxed{x \\le 3 \\lor x > 5}$", "(-\\infty,3]\\cup(5,\\infty)", True),
    ("lor", "$\\boxed{x \\le 3 \\lor x > 5}$", "(-\\infty,3)\\cup(5,\\infty)", False),
    ("land", "$\\boxed{x > 1 \\land x < 3}$", "(1,3)", True),
    ("land", "$\\boxed{x > 1 \\wedge x \\le 3}$", "(1,3)", False),
    ("land", "$\\boxed{x \\geq 0 \\text{ and } x < 5}$", "[0,5)", True),
    ("land", "x > 1 and y < 3", "(1,3)", False),  # two letters: no interval
    ("land", "x > 1 and x > 3", "(1,3)", False),  # two lower bounds
    ("closing", "Step by step.\n\nThe smallest such n is 34, which can be verified.", "34", True),
    (
        "closing",
        "Step by step.\n\nThe smallest such n is 34, which can be verified.",
        "35",
        False,
    ),
    ("closing", "Step by step.\n\nShe needs 12 more boxes to finish the job.", "12", True),
    ("closing", "Step by step.\n\nShe packs 3 boxes of 12 eggs for the market.", "12", False),
    ("closing", "Step by step.\n\nShe packs 3 boxes of 12 eggs for the market.", "3", False),
    ("roman_i", "$\\boxed{3 + 2\\mathrm{i}}$", "3+2i", True),
    ("roman_i", "$\\boxed{3 + 2\\mathrm{i}}$", "3", False),  # no unit dropped
    ("percent_after_math", "The answer is $25$ percent.", "0.25", True),
    ("percent_after_math", "The answer is $25$ percent.", "25.5\\%", False),
    (
        "truth_or",
        "$\\boxed{(-\\infty, -1] \\cup [3, \\infty)}$",
        "x \\le -1 \\text{ or } x \\ge 3",
        True,
    ),
    (
        "truth_or",
        "$\\boxed{(-\\infty, -1) \\cup [3, \\infty)}$",
        "x \\le -1 \\text{ or } x \\ge 3",
        False,
    ),
    ("truth_or", "$\\boxed{\\{2, -2\\}}$", "x = 2 or x = -2", True),
    ("truth_or", "$\\boxed{2}$", "x = 2 or x = -2", False),  # one of two solutions
]


@pytest.mark.parametrize(
    ("rule", "response", "truth", "equal"), PAIRS, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAIRS)]
)
def test_family(rule, response, truth, equal):
    verdict = verify(response, truth, "math")
    assert verdict.correct is equal, (rule, verdict)


def test_combinatorics_are_rewritten_only_with_numbers_inside():
    assert normalize("C(6,3)").text == "\\binom{6}{3}"
    assert normalize("P(5,2)").text == "20"
    assert normalize("C(x, y)").text == "C(x, y)"  # a function of letters stays a function


def test_an_unclosed_box_reads_to_the_end_of_the_reply():
    extraction = extract_answer("We get \\boxed{\\frac{3}{4}$.")
    assert (extraction.answer, extraction.how) == ("\\frac{3}{4}", "boxed")


@pytest.mark.parametrize(
    "response",
    [
        "\\boxed{P(1000000000, 5)}",
        "\\boxed{C(1000000000, 500000000)}",
        "\\boxed{{100000000 \\choose 50000000}}",
        "\\boxed{P(100000, 90000)}",
    ],
)
def test_huge_combinatorics_stay_within_the_time_bound(response):
    start = time.monotonic()
    verdict = verify(response, "5", "math")
    assert not verdict.correct
    assert time.monotonic() - start < 8.0
