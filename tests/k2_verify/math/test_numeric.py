"""The probe-point evaluator against sympy: the same values on the same branches, exact where
sympy's are, None where sympy's are not finite, and sympy's own evaluation for what it does not know."""

import time
from fractions import Fraction

import pytest
import sympy

from k2_verify.math import numeric
from k2_verify.math.equivalence import _FAR_PROBES, _PROBES, equivalent
from k2_verify.math.numeric import NotNumeric, close, evaluate

x, y = sympy.symbols("x y")
POINTS = [Fraction(p) for p in _PROBES + _FAR_PROBES] + [Fraction(0), Fraction(-1), Fraction(1)]

EXPRESSIONS = [
    *(f(x) for f in numeric._FUNCTIONS),
    x ** sympy.Rational(1, 2),  # a negative base takes the principal branch, as in sympy
    x ** sympy.Rational(1, 3),
    x ** sympy.Rational(-2, 3),
    sympy.E ** (x * y),
    sympy.pi * x + sympy.I * y,
    sympy.GoldenRatio * x - sympy.EulerGamma + sympy.Catalan,
    sympy.Abs(x - 3 * sympy.I),
    sympy.Min(x, y, 2),
    sympy.Max(x, -y),
    sympy.floor(x * y),
    sympy.ceiling(sympy.sqrt(2) * x),
    sympy.sign(x - y),
    sympy.factorial(sympy.Abs(x)),
    sympy.binomial(sympy.Abs(y) + 4, 3),
    sympy.Float("0.125", 30) * x**3 - x / y,
    sympy.log(x, 10) + sympy.exp(-x),
]


def sympy_value(expression, point):
    value = sympy.N(expression.subs(point), 40)
    return complex(value) if value.is_finite else None


@pytest.mark.parametrize("expression", EXPRESSIONS, ids=str)
def test_the_same_value_as_sympy_at_every_probe(expression):
    for a in POINTS:
        point = {x: a, y: POINTS[(POINTS.index(a) + 3) % len(POINTS)]}
        expected = sympy_value(expression, {s: sympy.Rational(v) for s, v in point.items()})
        got = evaluate(expression, point)
        if expected is None:
            assert got is None, (expression, point)
            continue
        assert got is not None, (expression, point)
        got = complex(numeric.as_mp(got))
        assert abs(got - expected) <= 1e-25 * max(1, abs(expected)), (expression, point)


def test_rational_steps_stay_exact():
    value = evaluate((x**2 - 1) / (x + 3) + sympy.Rational(1, 7) * x**64, {x: Fraction(7, 3)})
    assert isinstance(value, Fraction)
    assert value == Fraction(40, 48) + Fraction(1, 7) * Fraction(7, 3) ** 64
    # a difference no 80-digit number holds is told apart
    assert not close(evaluate(x + sympy.Rational(1, 10**90), {x: Fraction(2)}), Fraction(2))
    assert close(evaluate(sympy.sqrt(x) ** 2, {x: Fraction(2)}), Fraction(2))


def test_a_huge_exact_power_is_computed_in_floating_point():
    tower = ((x + 1) ** 64 + 1) ** 64 + 1  # exactly: a numerator of about 300,000 digits
    started = time.perf_counter()
    value = evaluate(tower**64, {x: Fraction(13117, 10000)})
    assert time.perf_counter() - started < 0.5
    assert not isinstance(value, Fraction) and value > 10**1000


def test_undefined_values_are_none():
    assert evaluate(1 / x, {x: Fraction(0)}) is None
    assert evaluate(sympy.log(x), {x: Fraction(0)}) is None
    assert evaluate(sympy.gamma(x), {x: Fraction(-2)}) is None
    assert evaluate(x ** sympy.Rational(-1, 2), {x: Fraction(0)}) is None
    assert evaluate(sympy.exp(sympy.exp(sympy.exp(100 * x))), {x: Fraction(2)}) is None  # overflows


def test_what_it_does_not_know_is_left_to_sympy():
    with pytest.raises(NotNumeric):
        evaluate(sympy.Function("f")(x), {x: Fraction(1)})
    with pytest.raises(NotNumeric):
        evaluate(x + y, {x: Fraction(1)})  # no value for y
    with pytest.raises(NotNumeric):
        evaluate(sympy.floor(sympy.sqrt(x)), {x: Fraction(-1)})  # a complex argument
    # equivalence falls back on sympy for these, and still compares them
    assert equivalent("\\operatorname{erf}(x) + x", "x + \\operatorname{erf}(x)").equal
    assert not equivalent("\\operatorname{erf}(x) + x", "x + \\operatorname{erf}(2x)").equal


@pytest.mark.parametrize(
    ("answer", "truth", "equal"),
    [
        ("T = 2\\pi\\sqrt{L/g}", "T = \\frac{2\\pi\\sqrt{L}}{\\sqrt{g}}", True),
        ("T = 2\\pi\\sqrt{g/L}", "T = \\frac{2\\pi\\sqrt{L}}{\\sqrt{g}}", False),
        ("\\lfloor x \\rfloor", "\\lceil x \\rceil - 1", False),
        ("\\binom{n}{2}", "\\frac{n(n-1)}{2}", True),
        ("\\binom{n}{2}", "\\frac{n(n+1)}{2}", False),
        ("x + 10^{-50}", "x", False),
        ("\\sin^2 x + \\cos^2 x", "1", True),
        ("\\sinh^2 x - \\cosh^2 x", "1", False),
    ],
)
def test_comparisons_through_the_evaluator(answer, truth, equal):
    assert equivalent(answer, truth).equal is equal
