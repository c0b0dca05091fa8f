"""Parsed values evaluated at probe points, fast.

`equivalence` compares two expressions in variables by evaluating both at a dozen fixed points, and
an equation takes some fifty evaluations. sympy's own evaluation (`evalf(subs=...)`, or substitution
then `N`) costs about 0.1 ms a call, most of a comparison's time; sympy's `lambdify` evaluates in
microseconds but compiles each expression first (about 1 ms), more than it saves for a dozen points.
`evaluate` walks the expression tree once per point instead: exactly, with Python fractions, while
every step is rational (sums, products, moderate integer powers), and in `MP`'s 80-digit arithmetic
from the first step that is not. It knows the functions answers are written with, on the same
branches as sympy (tested against sympy in `tests/k2_verify/math/test_numeric.py`); for anything else
it raises `NotNumeric`, and the caller evaluates with sympy.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import sympy

MP = mpmath.MPContext()  # the math verifier's own arithmetic (mpmath's global context is untouched)
MP.dps = 80
TOLERANCE = MP.mpf("1e-40")  # values this close, relative to their size, are equal
MAX_EXACT_POWER = 64  # an integer power up to this is computed exactly at a probe point
MAX_EXACT_BITS = 20_000  # ... unless the exact result would pass this size
MAX_EXACT_FACTORIAL = 1000

_FUNCTIONS = {
    sympy.sin: MP.sin,
    sympy.cos: MP.cos,
    sympy.tan: MP.tan,
    sympy.cot: MP.cot,
    sympy.sec: MP.sec,
    sympy.csc: MP.csc,
    sympy.asin: MP.asin,
    sympy.acos: MP.acos,
    sympy.atan: MP.atan,
    sympy.acot: MP.acot,
    sympy.asec: MP.asec,
    sympy.acsc: MP.acsc,
    sympy.sinh: MP.sinh,
    sympy.cosh: MP.cosh,
    sympy.tanh: MP.tanh,
    sympy.coth: MP.coth,
    sympy.sech: MP.sech,
    sympy.csch: MP.csch,
    sympy.asinh: MP.asinh,
    sympy.acosh: MP.acosh,
    sympy.atanh: MP.atanh,
    sympy.acoth: MP.acoth,
    sympy.exp: MP.exp,
    sympy.log: MP.log,
    sympy.gamma: MP.gamma,
    sympy.conjugate: MP.conj,
    sympy.re: MP.re,
    sympy.im: MP.im,
}
_CONSTANTS = {
    sympy.pi: MP.pi,
    sympy.E: MP.e,
    sympy.I: MP.mpc(0, 1),
    sympy.GoldenRatio: MP.phi,
    sympy.EulerGamma: MP.euler,
    sympy.Catalan: MP.catalan,
}


class NotNumeric(Exception):
    """`evaluate` does not know this part of the value (sympy does)."""


def evaluate(
    value: sympy.Basic, point: dict[sympy.Symbol, Fraction]
) -> Fraction | mpmath.mpf | None:
    """`value` with each variable set to its number in `point`: a `Fraction` while exact, else an
    `MP` number (complex where the value is), or None where it is undefined (a division by zero,
    a pole, a logarithm of 0) or too large for any number (`e^{e^{e^{100x}}}`). Raises `NotNumeric`
    for a part it does not know."""
    try:
        number = _walk(value, point)
    except (ZeroDivisionError, ValueError, OverflowError):
        return None
    if isinstance(number, Fraction) or MP.isfinite(number):
        return number
    return None


def as_mp(number: Fraction | mpmath.mpf) -> mpmath.mpf:
    """`number` in `MP`'s arithmetic."""
    if isinstance(number, Fraction):
        return MP.mpf(number.numerator) / number.denominator
    return number


def close(a: Fraction | mpmath.mpf, b: Fraction | mpmath.mpf) -> bool:
    """Two evaluated numbers are equal: exactly when both are exact, else to 40 significant digits."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    a, b = as_mp(a), as_mp(b)
    return abs(a - b) <= TOLERANCE * max(1, abs(a), abs(b))


def _walk(value: sympy.Basic, point: dict):
    if not isinstance(value, sympy.Basic):
        raise NotNumeric(f"not a sympy value: {type(value).__name__}")
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if value.is_Float:
        return MP.mpf(value)
    if value.is_Symbol:
        if value not in point:
            raise NotNumeric(f"no value for {value}")
        return point[value]
    if value.is_NumberSymbol or value is sympy.I:
        if value not in _CONSTANTS:
            raise NotNumeric(f"no value for {value}")
        return _CONSTANTS[value]
    if value.is_Add:
        return _sum([_walk(term, point) for term in value.args])
    if value.is_Mul:
        return _product([_walk(factor, point) for factor in value.args])
    if value.is_Pow:
        return _power(_walk(value.base, point), _walk(value.exp, point))
    args = [_walk(arg, point) for arg in value.args]
    function = type(value)
    if function in _FUNCTIONS and len(args) == 1:
        return _FUNCTIONS[function](as_mp(args[0]))
    return _exact_function(function, args)


def _sum(terms: list):
    if all(isinstance(t, Fraction) for t in terms):
        return sum(terms, Fraction(0))
    return MP.fsum(as_mp(t) for t in terms)


def _product(factors: list):
    if all(isinstance(f, Fraction) for f in factors):
        return math.prod(factors, start=Fraction(1))
    return MP.fprod(as_mp(f) for f in factors)


def _power(base, exponent):
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and exponent.denominator == 1:
        size = max(base.numerator.bit_length(), base.denominator.bit_length())
        if abs(exponent) <= MAX_EXACT_POWER and abs(exponent) * size <= MAX_EXACT_BITS:
            return base ** int(exponent)
    if base == 0 and _real(exponent) and as_mp(exponent) < 0:
        raise ZeroDivisionError("0 to a negative power")
    return MP.power(as_mp(base), as_mp(exponent))


def _exact_function(function, args: list):
    """Absolute values, signs, rounding, minima and maxima, factorials and binomials: exact on exact
    arguments, else on real ones."""
    if function is sympy.Abs and len(args) == 1:
        return abs(args[0])
    if not all(_real(a) for a in args):
        raise NotNumeric(f"{function.__name__} of a complex number")
    if function in (sympy.Min, sympy.Max):
        pick = min if function is sympy.Min else max
        return pick(args, key=as_mp)
    if len(args) != 1 and function is not sympy.binomial:
        raise NotNumeric(f"{function.__name__} of {len(args)} arguments")
    x = args[0]
    if function is sympy.sign:
        return Fraction((x > 0) - (x < 0))
    if function in (sympy.floor, sympy.ceiling) and isinstance(x, Fraction):
        return Fraction(math.floor(x) if function is sympy.floor else math.ceil(x))
    if function in (sympy.floor, sympy.ceiling):
        return MP.floor(x) if function is sympy.floor else MP.ceil(x)
    if function is sympy.factorial:
        if isinstance(x, Fraction) and x.denominator == 1 and 0 <= x <= MAX_EXACT_FACTORIAL:
            return Fraction(math.factorial(int(x)))
        return MP.factorial(as_mp(x))
    if function is sympy.binomial:
        n, k = args
        if all(isinstance(a, Fraction) and a.denominator == 1 for a in args) and 0 <= n <= 1000:
            return Fraction(math.comb(int(n), int(k)) if k >= 0 else 0)
        return MP.binomial(as_mp(n), as_mp(k))
    raise NotNumeric(f"no numeric rule for {function.__name__}")


def _real(number) -> bool:
    return isinstance(number, Fraction | MP.mpf) or number.imag == 0
