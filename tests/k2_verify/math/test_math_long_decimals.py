"""Round 8 of issue 12: a long decimal (6 significant digits or more) stands for the exact value of
the ground truth it is rounded or cut from wherever it is written: alone, in a relation, a list, a
set, an interval, a matrix or an expression; and a ground truth's long decimal is answered by an exact
number that rounds to it. Each beside its negative twin."""

from __future__ import annotations

import pytest

from k2_verify import verify

CASES = [
    ("alone", "\\boxed{0.0833333333}", "\\frac{1}{12}", True),
    ("alone", "\\boxed{3.141593}", "\\pi", True),
    ("alone", "\\boxed{3.1416}", "\\pi", False),  # too short to stand for pi
    ("alone", "\\boxed{0.500001}", "\\frac12", False),  # a finite decimal must be exact
    ("scientific", "\\boxed{2.314814815 \\times 10^{-3}}", "\\frac{1}{432}", True),
    ("scientific", "\\boxed{2.31 \\times 10^{-3}}", "\\frac{1}{432}", False),
    ("relation", "\\boxed{x = 1.414214}", "\\sqrt{2}", True),
    ("relation", "\\boxed{x = 1.414314}", "\\sqrt{2}", False),
    ("relation", "\\boxed{x = 2.718282}", "e", True),
    ("expression", "\\boxed{y = 0.5x + 0.333333}", "y = \\frac{x}{2} + \\frac13", True),
    ("expression", "\\boxed{y = 0.5x + 0.333334}", "y = \\frac{x}{2} + \\frac13", True),  # rounded
    ("expression", "\\boxed{y = 0.5x + 0.333335}", "y = \\frac{x}{2} + \\frac13", False),
    ("plus_minus", "\\boxed{\\pm 1.414214}", "\\pm\\sqrt2", True),
    ("plus_minus", "\\boxed{\\pm 1.414214}", "\\pm\\sqrt3", False),
    ("set", "\\boxed{\\{1.414214\\}}", "\\sqrt{2}", True),
    ("list", "\\boxed{x_1 = 1.414214, x_2 = -1.414214}", "\\pm\\sqrt{2}", True),
    ("list", "\\boxed{x_1 = 1.414214, x_2 = 1.414214}", "\\pm\\sqrt{2}", False),
    (
        "union",
        "\\boxed{(-\\infty, -1.414214) \\cup (1.414214, \\infty)}",
        "(-\\infty,-\\sqrt{2})\\cup(\\sqrt{2},\\infty)",
        True,
    ),
    (
        "union",
        "\\boxed{(-\\infty, -1.414214] \\cup (1.414214, \\infty)}",
        "(-\\infty,-\\sqrt{2})\\cup(\\sqrt{2},\\infty)",
        False,
    ),
    ("chain", "\\boxed{-1.732051 < x < 1.732051}", "(-\\sqrt{3}, \\sqrt{3})", True),
    (
        "matrix",
        "\\boxed{\\begin{pmatrix} 0.333333 \\\\ 1 \\end{pmatrix}}",
        "\\begin{pmatrix} \\frac13 \\\\ 1 \\end{pmatrix}",
        True,
    ),
    (
        "matrix",
        "\\boxed{\\begin{pmatrix} 0.333333 \\\\ 1 \\end{pmatrix}}",
        "\\begin{pmatrix} \\frac13 \\\\ 2 \\end{pmatrix}",
        False,
    ),
    # a ground truth's long decimals: the answer's exact numbers must round to them
    ("truth_side", "\\boxed{y = \\frac{x}{2} + \\frac13}", "y = 0.5x + 0.333333", True),
    ("truth_side", "\\boxed{y = \\frac{x}{2} + \\frac13}", "y = 0.5x + 0.333334", False),
    ("truth_side", "\\boxed{\\sqrt{2}}", "x = 1.414214", True),
    ("truth_side", "\\boxed{\\sqrt{2}}", "x = 1.414213", False),  # a cut, not the rounding
    ("truth_side", "\\boxed{\\sqrt{2}}", "1.4142135", False),
    ("truth_side", "\\boxed{\\pm\\sqrt{2}}", "\\pm 1.414214", True),
]


@pytest.mark.parametrize(("family", "response", "truth", "expected"), CASES)
def test_verdict(family, response, truth, expected):
    assert verify(response, truth, "math").correct is expected
