"""Round 8 of issue 12: solution sets written the ways graders and models write them, each beside its
negative twin. A ground-truth inequality is solved (as math-verify's grader reads a gold relation as
its set); an answer must already be solved. Sets typed with a plain `U`, a minus before a set, the
half-lines `\\mathbb{R}^+`, several conditions on one letter, and memberships joined by "or"."""

from __future__ import annotations

import pytest

from k2_verify import verify

CASES = [
    # a ground truth left unsolved is solved; an answer left unsolved restates the question
    ("solved_truth", "\\boxed{(-\\infty,-2)\\cup(2,\\infty)}", "x^2 > 4", True),
    ("solved_truth", "\\boxed{(-2,2)}", "x^2 > 4", False),
    ("solved_truth", "\\boxed{(1,2)}", "x^2 - 3x + 2 < 0", True),
    ("solved_truth", "\\boxed{[1,2]}", "x^2 - 3x + 2 < 0", False),
    ("solved_truth", "\\boxed{(0,1)}", "\\frac{1}{x} > 1", True),
    ("solved_truth", "\\boxed{-2 \\le x \\le 2}", "x^2 \\le 4", True),
    ("solved_truth", "\\boxed{-2 < x \\le 2}", "x^2 \\le 4", False),
    ("unsolved_answer", "\\boxed{x^2 \\le 4}", "[-2, 2]", False),
    ("unsolved_answer", "\\boxed{x^2 - 3x + 2 < 0}", "(1, 2)", False),
    ("high_degree", "\\boxed{(1, \\infty)}", "x^3 > 1", False),  # degree 3: not solved
    # a plain U between intervals is a union
    ("plain_union", "\\boxed{(-\\infty, 1) U (2, \\infty)}", "(-\\infty,1)\\cup(2,\\infty)", True),
    ("plain_union", "\\boxed{(-\\infty, 1) U (3, \\infty)}", "(-\\infty,1)\\cup(2,\\infty)", False),
    # a minus or a backslash before a set is a set difference
    ("set_minus", "\\boxed{\\mathbb{R} - \\{-1\\}}", "(-\\infty,-1)\\cup(-1,\\infty)", True),
    ("set_minus", "\\boxed{\\mathbb{R} - \\{1\\}}", "(-\\infty,-1)\\cup(-1,\\infty)", False),
    ("set_minus", "\\boxed{(0,2)\\backslash\\{1\\}}", "(0,1)\\cup(1,2)", True),
    ("set_minus", "\\boxed{(0,2)\\backslash\\{1\\}}", "(0,2)", False),
    ("set_minus", "\\boxed{x - 1}", "x - 1", True),  # arithmetic stays arithmetic
    # the positive and negative reals
    ("half_line", "\\boxed{(0, \\infty)}", "\\mathbb{R}^+", True),
    ("half_line", "\\boxed{[0, \\infty)}", "\\mathbb{R}^+", False),
    ("half_line", "\\boxed{x \\in \\mathbb{R}_{>0}}", "(0, \\infty)", True),
    ("half_line", "\\boxed{\\mathbb{R}^-}", "(-\\infty, 0)", True),
    ("half_line", "\\boxed{\\mathbb{R}^-}", "(0, \\infty)", False),
    # several conditions on one letter hold together
    ("conditions", "\\boxed{x > 1 \\text{ and } x \\neq 2}", "(1,2)\\cup(2,\\infty)", True),
    ("conditions", "\\boxed{x > 1 \\text{ and } x \\neq 2}", "(1,\\infty)", False),
    ("conditions", "\\boxed{(1,2)\\cup(2,\\infty)}", "x>1, x\\neq 2", True),
    ("conditions", "\\boxed{(1,\\infty)}", "x>1, x\\neq 2", False),
    ("conditions", "\\boxed{x \\geq 0, x \\ne 1}", "[0,1)\\cup(1,\\infty)", True),
    ("conditions", "\\boxed{x > 0, x \\ne 1}", "[0,1)\\cup(1,\\infty)", False),
    ("conditions", "\\boxed{x > 1, y \\neq 2}", "(1, \\infty)", False),  # two letters
    ("conditions", "\\boxed{x = 1, x = 2}", "\\{1, 2\\}", True),  # equations list solutions
    # memberships joined by "or" are a union
    (
        "or_in",
        "\\boxed{x \\in (-\\infty, 1) \\text{ or } x \\in (2, \\infty)}",
        "(-\\infty,1)\\cup(2,\\infty)",
        True,
    ),
    (
        "or_in",
        "\\boxed{x \\in (-\\infty, 1) \\text{ or } x \\in (2, \\infty)}",
        "(-\\infty,1]\\cup(2,\\infty)",
        False,
    ),
]


@pytest.mark.parametrize(("family", "response", "truth", "expected"), CASES)
def test_verdict(family, response, truth, expected):
    assert verify(response, truth, "math").correct is expected
