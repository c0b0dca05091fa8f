"""Equations compared at the probe points (round 10): a variable ratio is found numerically, and
confirmed exactly where a large power or an exponential could hide the other terms; sides that
take complex values at a probe still compare."""

import pytest

from k2_verify.math.equivalence import equivalent

CASES = [
    ("y = \\ln x", "2y = 2\\ln x", True),  # complex at the negative probes
    ("y = \\ln x", "2y = \\ln x", False),
    ("F = ma", "a = F/m", True),
    ("F = ma", "a = F m", False),
    ("PV = nRT", "P = \\frac{nRT}{V}", True),
    ("PV = nRT", "P = \\frac{nRV}{T}", False),
    ("x = \\frac{-b + \\sqrt{b^2 - 4ac}}{2a}", "2ax = -b + \\sqrt{b^2 - 4ac}", True),
    ("x = \\frac{-b - \\sqrt{b^2 - 4ac}}{2a}", "2ax = -b + \\sqrt{b^2 - 4ac}", False),
    ("y = x^{1000}", "2y = 2x^{1000}", True),
    ("y = x^{1000}", "2y = 2x^{999}", False),  # x^{1000} dwarfs y at every probe
    ("y = e^{100 k x}", "2y = 2 e^{100 k x}", True),
    ("y = e^{100 k x}", "2y = 2 x e^{100 k x}", False),
    ("x^2 = 4", "x = 2", False),
    # a factor of the ratio must not add solutions: one letter at 0 makes exactly one side vanish
    ("y = 0", "x = 0", False),
    ("x = 2", "x(x - 2) = 0", False),
    ("x^2 = 3x", "x = 3", False),
    ("xy = 0", "x = 0", False),
    ("y = x", "xy = x^2", False),
    ("x^3 = x", "x^2 = 1", False),
    ("PV = nRT", "V = \\frac{nRT}{P}", True),  # a letter divided by is nonzero
    ("E = mc^2", "m = \\frac{E}{c^2}", True),
    ("y = \\sqrt{x^2}", "y = x", False),
]


@pytest.mark.parametrize("answer, truth, equal", CASES)
def test_equations_compare_by_their_ratio(answer, truth, equal):
    assert equivalent(answer, truth).equal is equal


def test_sympy_syntax_equations_compare_alike():
    assert equivalent("F == G*m1*m2/r**2", "F*r**2 == G*m1*m2").equal
    assert not equivalent("F == G*m1*m2/r", "F*r**2 == G*m1*m2").equal
    assert equivalent("T == 2*pi*sqrt(L/g)", "T == 2*pi*sqrt(L)/sqrt(g)").equal
    assert not equivalent("T == 2*pi*sqrt(g/L)", "T == 2*pi*sqrt(L)/sqrt(g)").equal
