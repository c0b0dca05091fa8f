"""A second reader for the LaTeX that `parse` refuses: latex2sympy2_extended, when it is installed.

latex2sympy2_extended is the maintained ANTLR-based LaTeX-to-sympy parser that math-verify builds on; it
knows constructs our small parser does not (`\\sum`, `\\int`, `\\lim`, derivatives, set operations,
`\\begin{array}`). It is an optional extra (`pip install k2-verify[latex]`), consulted only for an
answer `parse` refuses (for any reason but size), and only inside the time-bounded worker (its results
may need evaluating: `\\sum_{i=1}^{10} i`). A reading is kept only when every number written in the
answer is in it: like `parse`, which never picks a number out of LaTeX it cannot read, the second
reader may not skip what it cannot read (it reads `\\lim_{x \\to 2} x \\approx 7` as the limit alone).
Nor is it asked about a double superscript (`a^b^c`, on which it takes exponential time), and a reading
of more than `MAX_OPS` operations is refused as too large. It reads a ratio as its quotient (`3:2` is
`\\frac32`, never `\\frac23`). Kept readings are translated into `parse`'s values, so every comparison
rule (sets unordered, intervals by their brackets, relations in normal form) applies unchanged;
anything it returns that has no such translation stays unparseable.
"""

from __future__ import annotations

import importlib.util
import logging
import re

import sympy

from .parse import Matrix, Relation, Seq, TooLarge, Unparseable, from_sympy_set

log = logging.getLogger("k2.verify.math.latex_fallback")
_RELATIONS = {
    sympy.Equality: "=",
    sympy.StrictLessThan: "<",
    sympy.LessThan: "<=",
    sympy.StrictGreaterThan: ">",
    sympy.GreaterThan: ">=",
    sympy.Unequality: "!=",
}
_UNEVALUATED = (sympy.Sum, sympy.Product, sympy.Integral, sympy.Limit, sympy.Derivative)
_NUMBER = re.compile(r"\d+")
# `a^b^c` is no LaTeX ("Double superscript"), and the parser takes exponential time over a chain of them.
_DOUBLE_SCRIPT = re.compile(r"([\^_])\s*(?:[^\s{}\\^_]|\\[a-zA-Z]+|\{[^{}]*\})\s*\1")
MAX_OPS = 60  # a reading with more operations than this is refused (`a^{a^{a^{...}}}` runs past any limit)


def available() -> bool:
    """Whether latex2sympy2_extended is installed."""
    return importlib.util.find_spec("latex2sympy2_extended") is not None


def parse_fallback(text: str):
    """`text` read by latex2sympy2_extended, as a value of `parse`'s kinds; raises `Unparseable`."""
    if _DOUBLE_SCRIPT.search(text):
        raise Unparseable("a double superscript or subscript")  # LaTeX refuses it too
    if not available():
        raise Unparseable("latex2sympy2_extended is not installed")
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy

    config = ConversionConfig(lowercase_symbols=False, interpret_contains_as_eq=False)
    try:
        value = latex2sympy(text, conversion_config=config)
    except Exception as exc:  # noqa: BLE001  (any failure of the second reader is "unparseable")
        raise Unparseable(f"latex2sympy2_extended: {type(exc).__name__}") from None
    if not _keeps_numbers(text, value):
        raise Unparseable("latex2sympy2_extended skipped a number of the answer")
    if sympy.count_ops(value) > MAX_OPS:
        raise TooLarge("a reading too large to compare in time")
    return _translate(value)


def _keeps_numbers(text: str, value) -> bool:
    """Whether every number written in `text` appears in the reading `value`. The parser evaluates
    some numbers as it reads (`\\frac{10}{4}` is 5/2): those readings are refused too, which only
    leaves them unparseable."""
    read = str(value)
    return all(number in read for number in _NUMBER.findall(text))


def _translate(value):
    if isinstance(value, sympy.MatrixBase):
        return Matrix(tuple(tuple(_translate(x) for x in row) for row in value.tolist()))
    if isinstance(value, sympy.FiniteSet):
        return Seq("{", "}", tuple(_translate(item) for item in value.args))
    if isinstance(value, sympy.Set):
        return from_sympy_set(value)
    if type(value) in _RELATIONS:
        return Relation((_translate(value.lhs), _translate(value.rhs)), (_RELATIONS[type(value)],))
    if isinstance(value, sympy.Expr):
        if value.has(*_UNEVALUATED):
            value = value.doit()
        if value.has(*_UNEVALUATED):
            raise Unparseable("an unevaluated sum, integral, limit or derivative")
        return value
    raise Unparseable(f"latex2sympy2_extended gave a {type(value).__name__}")
