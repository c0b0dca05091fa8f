"""Round 9 of issue 12: sets, lists and systems written the ways graders and models write them, each
beside its negative twin. A set counts a repeated member once and takes the values of a `\\pm`
member; alternatives may be chains of bounds; "or"/"and" may be written in Chinese, French or Russian;
set differences, French intervals and set-builders work inside unions; a qualifier, a modulus
or a currency sign in a `$`-delimited ground truth is read; sympy's `oo` is infinity; a system may be
an array opened by `\\left\\{`; a prime is part of a name; a tuple with one `\\pm` member is two
points; Unicode superscripts and subscripts are powers and subscripts; in sympy
syntax `x**-1` is a power, `log2`/`log10` are read, and `Ne`, `Lt`, `Le`, `Gt`, `Ge` are relations."""

from __future__ import annotations

import pytest

from k2_verify import verify

CASES = [
    # a set counts a repeated member once; a tuple, or two bare lists, count every item
    ("set_repeats", "\\boxed{\\{1, 2\\}}", "\\{1, 1, 2\\}", True),
    ("set_repeats", "\\boxed{1, 1, 2}", "\\{1, 2\\}", True),
    ("set_repeats", "\\boxed{\\{1, 2\\}}", "\\{1, 2, 3\\}", False),
    ("set_repeats", "\\boxed{1, 2}", "1, 1, 2", False),  # two lists: a multiset (roots, say)
    ("set_repeats", "\\boxed{(1, 2)}", "(1, 1, 2)", False),
    # a `\pm` member of a set or list stands for both its values
    ("plus_minus_member", "\\boxed{\\{\\pm 2, 3\\}}", "\\{-2, 2, 3\\}", True),
    ("plus_minus_member", "\\boxed{\\pm 2, 3}", "-2, 2, 3", True),
    ("plus_minus_member", "\\boxed{\\{-1, 1\\}}", "\\{\\pm 1\\}", True),
    ("plus_minus_member", "\\boxed{\\pm 2, 3}", "2, 3", False),
    ("plus_minus_member", "\\boxed{\\{\\pm 2\\}}", "\\{2\\}", False),
    ("plus_minus_member", "\\boxed{\\{2, 3\\}}", "\\{\\pm 2, 3\\}", False),
    # a semicolon between single assignments lists them; groups of the same names are solutions
    ("semicolon_list", "\\boxed{a = 2; b = 3}", "a = 2, b = 3", True),
    ("semicolon_list", "\\boxed{a = 2; b = 4}", "a = 2, b = 3", False),
    ("semicolon_list", "\\boxed{p=5, q=2; p=7, q=2}", "(5, 2), (7, 2)", True),
    # alternatives may be chains of bounds on the letter
    ("or_chains", "\\boxed{-1<x<0 \\text{ or } 0<x<1}", "(-1,0)\\cup(0,1)", True),
    ("or_chains", "\\boxed{(-1,0)\\cup(0,1)}", "-1<x<0 \\text{ or } 0<x<1", True),
    ("or_chains", "\\boxed{\\{x|-1<x<0 \\text{ or } 0<x<1\\}}", "(-1,0)\\cup(0,1)", True),
    ("or_chains", "\\boxed{-1<x<0 \\text{ or } 0<x<1}", "(-1,1)", False),
    ("or_chains", "\\boxed{-1<x<0 \\text{ or } 0<x<2}", "(-1,0)\\cup(0,1)", False),
    ("or_chains", "\\boxed{-1<x<0 \\text{ or } 0<y<1}", "(-1,0)\\cup(0,1)", False),  # two letters
    ("condition_chains", "\\boxed{(-1,0)\\cup(0,1)}", "\\{x | -1 < x < 1, x \\neq 0\\}", True),
    ("condition_chains", "\\boxed{(-1,1)}", "\\{x | -1 < x < 1, x \\neq 0\\}", False),
    (
        "or_comma",
        "\\boxed{\\{x|x \\le 1, \\text{ or } x > 2\\}}",
        "(-\\infty,1]\\cup(2,\\infty)",
        True,
    ),
    # "or" and "and" in other languages
    (
        "other_language",
        "\\boxed{(-\\infty,-1]\\cup[3,+\\infty)}",
        "m \\leqslant -1 \\text{或} m \\geqslant 3",
        True,
    ),
    ("other_language", "\\boxed{[-1, 3]}", "m \\leqslant -1 \\text{或} m \\geqslant 3", False),
    (
        "other_language",
        "\\boxed{\\{x|x \\le 1 \\text{ 或 } x > 2\\}}",
        "(-\\infty,1]\\cup(2,\\infty)",
        True,
    ),
    ("other_language", "\\boxed{x = 1 \\text{ ou } x = 2}", "\\{1, 2\\}", True),
    ("other_language", "\\boxed{x = 1 \\text{ или } x = 2}", "\\{1, 2\\}", True),
    ("other_language", "\\boxed{x = 1 \\text{ ou } x = 3}", "\\{1, 2\\}", False),
    ("other_language", "\\boxed{x > 1 \\text{且} x < 3}", "(1, 3)", True),
    ("other_language", "\\boxed{x > 1 \\text{且} x < 3}", "(1, 3]", False),
    # half-lines and the nonzero reals
    ("half_line", "\\boxed{[0,\\infty)}", "\\mathbb{R}_{\\geq 0}", True),
    ("half_line", "\\boxed{(0,\\infty)}", "\\mathbb{R}_{\\geq 0}", False),
    ("half_line", "\\boxed{(-\\infty, 0]}", "\\mathbb{R}_{\\le 0}", True),
    ("half_line", "\\boxed{(-\\infty,0)\\cup(0,\\infty)}", "\\mathbb{R}^*", True),
    ("half_line", "\\boxed{(-\\infty,\\infty)}", "\\mathbb{R}^*", False),
    # a difference after a union removes from all of it; \bigcup is \cup
    (
        "union_difference",
        "\\boxed{(-\\infty, -2) \\cup (-2, 2) \\cup (2, \\infty)}",
        "(-\\infty, 2) \\cup (2, \\infty) \\setminus \\{-2\\}",
        True,
    ),
    (
        "union_difference",
        "\\boxed{(-\\infty, 2) \\cup (2, \\infty)}",
        "(-\\infty, 2) \\cup (2, \\infty) \\setminus \\{-2\\}",
        False,
    ),
    ("union_difference", "\\boxed{[1,2] \\cup [3,4] \\setminus \\{3\\}}", "[1,2]\\cup(3,4]", True),
    ("union_difference", "\\boxed{(1,3) \\setminus \\{2\\} \\cup \\{2\\}}", "(1,3)", True),
    ("big_cup", "\\boxed{(-\\infty, 1) \\bigcup (2,3)}", "(-\\infty, 1) \\cup (2, 3)", True),
    ("big_cup", "\\boxed{(-\\infty, 1) \\bigcup (2,3)}", "(-\\infty, 1) \\cup [2, 3)", False),
    # French intervals and set-builders inside a union
    ("french_union", "\\boxed{]-\\infty, 1[ \\cup ]2,3[}", "(-\\infty, 1) \\cup (2, 3)", True),
    ("french_union", "\\boxed{]-\\infty, 1[ \\cup ]2,3]}", "(-\\infty, 1) \\cup (2, 3)", False),
    (
        "builder_union",
        "\\boxed{\\{x|x \\le 1\\} \\cup \\{x | x > 2\\}}",
        "(-\\infty,1]\\cup(2,\\infty)",
        True,
    ),
    (
        "builder_union",
        "\\boxed{\\{x|x < 1\\} \\cup \\{x | x > 2\\}}",
        "(-\\infty,1]\\cup(2,\\infty)",
        False,
    ),
    # a qualifier or a modulus after a ground truth in `$...$` is read as without the dollars
    (
        "delimited_truth",
        "\\boxed{\\frac{\\pi}{4} + k\\pi}",
        "$\\frac{\\pi}{4} + k\\pi, k \\in \\mathbb{Z}$",
        True,
    ),
    (
        "delimited_truth",
        "\\boxed{\\frac{\\pi}{4} + 2k\\pi}",
        "$\\frac{\\pi}{4} + k\\pi, k \\in \\mathbb{Z}$",
        False,
    ),
    ("delimited_truth", "\\boxed{7}", "$7 \\pmod{12}$", True),
    ("delimited_truth", "\\boxed{7 \\pmod{13}}", "$7 \\pmod{12}$", False),
    ("delimited_truth", "\\boxed{5}", "$7 \\pmod{12}$", False),
    (
        "builder_qualifier",
        "\\boxed{\\{x | x=\\frac{\\pi}{4}+k\\pi, k \\in \\mathbb{Z}\\}}",
        "x=\\frac{\\pi}{4}+k\\pi, k \\in \\mathbb{Z}",
        True,
    ),
    # currency inside math delimiters; sympy's name for infinity
    ("currency_in_math", "\\boxed{12.5}", "$\\$12.50$", True),
    ("currency_in_math", "\\boxed{12.4}", "$\\$12.50$", False),
    ("sympy_infinity", "\\boxed{[2, \\infty)}", "[2, oo)", True),
    ("sympy_infinity", "\\boxed{(2, \\infty)}", "[2, oo)", False),
    # a prime is part of a name (the second reader dropped it: `y'' = 6` was `y = 6`)
    ("primes", "\\boxed{f'(x) = 2x}", "f(x) = 2x", False),
    ("primes", "\\boxed{y''}", "y'", False),
    ("primes", "\\boxed{A'B'}", "AB", False),
    ("primes", "\\boxed{f'(x) = 6x}", "6x", True),
    ("primes", "\\boxed{f'(x)=2x+1}", "f'(x) = 1 + 2x", True),
    ("primes", "\\boxed{y^{\\prime} = 2}", "y' = 2", True),
    ("primes", "\\boxed{\\text{Bob's}}", "Bob's", True),
    ("derivative_label", "\\boxed{\\frac{dy}{dx} = 6x}", "6x", True),
    ("derivative_label", "\\boxed{\\frac{dy}{dx} = 6x}", "y' = 6x", True),
    ("derivative_label", "\\boxed{\\frac{d^2y}{dx^2} = 6}", "y'' = 6", True),
    ("derivative_label", "\\boxed{\\frac{d^2y}{dx^2} = 6}", "y' = 6", False),
    # `\not=` is `\neq` (its label did not parse, so it was read as its value after `=`)
    ("not_equal", "\\boxed{x \\not= y}", "x = y", False),
    ("not_equal", "\\boxed{x \\not= 3}", "x \\neq 3", True),
    # letters in a subscript are kept in their order; `\circ` between letters composes
    ("subscript_letters", "\\boxed{a_{ij}}", "a_{ji}", False),
    ("subscript_letters", "\\boxed{\\mu_{ab}}", "\\mu_{ba}", False),
    ("subscript_letters", "\\boxed{a_{ij} = 3}", "3", True),
    ("subscript_letters", "\\boxed{x_{n+1}}", "x_{1+n}", True),
    ("composition", "\\boxed{f \\circ g}", "g \\circ f", False),
    ("composition", "\\boxed{30 \\circ}", "30^\\circ", True),
    # a tuple with one `\pm` member is two points
    ("plus_minus_point", "\\boxed{(\\pm 2, 0)}", "(2, 0), (-2, 0)", True),
    ("plus_minus_point", "\\boxed{(\\pm 2, 0), (0, \\pm 1)}", "(2,0),(-2,0),(0,1),(0,-1)", True),
    ("plus_minus_point", "\\boxed{(1 \\pm \\sqrt{2}, 3)}", "(1+\\sqrt2, 3), (1-\\sqrt2, 3)", True),
    ("plus_minus_point", "\\boxed{(\\pm 2, 0)}", "(2, 0)", False),
    ("plus_minus_point", "\\boxed{(\\pm 2, 0), (0, \\pm 1)}", "(2,0),(-2,0),(0,1)", False),
    ("plus_minus_point", "\\boxed{(\\pm 1, \\pm 2)}", "(1, 2), (-1, -2)", False),
    # Unicode superscripts, subscripts, cube roots and blackboard letters in plain text
    ("unicode_scripts", "The answer is 10⁻³.", "0.001", True),
    ("unicode_scripts", "The answer is 10⁻².", "0.001", False),
    ("unicode_scripts", "The answer is x¹⁰.", "x^{10}", True),
    ("unicode_scripts", "The answer is x¹⁰.", "x^{1}0", False),
    ("unicode_scripts", "The answer is a₁₂.", "a_{12}", True),
    ("unicode_scripts", "The answer is a₁₂.", "a_1", False),
    ("unicode_scripts", "The answer is ∛2.", "\\sqrt[3]{2}", True),
    ("unicode_scripts", "The answer is ∛2.", "\\sqrt{2}", False),
    ("unicode_scripts", "The answer is n ∈ ℤ.", "n \\in \\mathbb{Z}", True),
    # sympy syntax: a negative power is not markdown bold; Python's log2/log10; relation calls
    ("sympy_forms", "y == x**-1", "y*x == 1", True),
    ("sympy_forms", "y == x**-2", "y*x == 1", False),
    ("sympy_forms", "The answer is **-3**.", "-3", True),
    ("sympy_forms", "log2(8)", "3", True),
    ("sympy_forms", "log2(8)", "4", False),
    ("sympy_forms", "log10(1000)", "3", True),
    ("sympy_forms", "Ne(x, 3)", "x != 3", True),
    ("sympy_forms", "Ne(x, 3)", "x == 3", False),
    ("sympy_forms", "Lt(x, 3)", "x < 3", True),
    ("sympy_forms", "Lt(x, 3)", "x <= 3", False),
    ("sympy_forms", "Ge(x, 3)", "3 <= x", True),
    # a system in an array opened by a brace
    (
        "braced_array",
        "\\boxed{\\left\\{\\begin{array}{l} x = 1 \\\\ y = 2 \\end{array}\\right.}",
        "(1, 2)",
        True,
    ),
    (
        "braced_array",
        "\\boxed{\\left\\{\\begin{array}{ll} x = 1 \\\\ y = 2 \\end{array}\\right.}",
        "x=1, y=2",
        True,
    ),
    (
        "braced_array",
        "\\boxed{\\left\\{\\begin{array}{l} x = 1 \\\\ y = 3 \\end{array}\\right.}",
        "(1, 2)",
        False,
    ),
    (
        "braced_array",
        "\\boxed{\\left(\\begin{array}{cc} 1 & 2 \\end{array}\\right)}",
        "(1, 2)",
        True,
    ),  # a matrix
]


@pytest.mark.parametrize(("family", "response", "truth", "expected"), CASES)
def test_verdict(family, response, truth, expected):
    assert verify(response, truth, "math").correct is expected
