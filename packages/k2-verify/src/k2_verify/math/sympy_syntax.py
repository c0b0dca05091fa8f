"""Read answers written in Python/sympy syntax (`v_f == v_i + a*t`, `Eq(y, 2*x)`, `x**Rational(1, 2)`).

sympy's `parse_expr` reads this syntax best, but it evaluates its input as Python. So the text first
passes a whitelist tokenizer: numbers, names and the operators `+ - * / ** ^ ( ) ,` only. Every number
becomes an exact `Rational` and every name a placeholder bound to a sympy object (a function or
constant from `_NAMES`, else a `Symbol` of that name: `m1`, `v_f`, `lambda_` are names, not products),
so what `parse_expr` sees holds nothing but placeholders and arithmetic. Powers and factorials are
checked for size before anything is evaluated. `E`/`e` is Euler's number only as a base (`E**x`); `I`
is a name (`I == m*r**2`), as physics answers use them.

Relations (`==`, `=`, `<=`, `>=`, `<`, `>`, `!=`, `Eq(a, b)`, `Ne`, `Lt`, `Le`, `Gt`, `Ge`) become `Relation`s, so they compare as
relations do everywhere else (sides swapped, terms moved, both sides scaled).
"""

from __future__ import annotations

import math
import re

import sympy
from sympy.parsing.sympy_parser import parse_expr

from .normalize import split_items
from .parse import MAX_DIGITS, Relation, TooLarge, Unparseable, _check_power

_TOKEN = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^(),])"
    r"|(?P<space>\s+)"
)
_NAMES = {
    "sqrt": sympy.sqrt,
    "cbrt": sympy.cbrt,
    "root": sympy.root,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "log2": lambda x: sympy.log(x, 2),  # Python's `math.log2`, `math.log10`
    "log10": lambda x: sympy.log(x, 10),
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "cot": sympy.cot,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "atan2": sympy.atan2,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "Abs": sympy.Abs,
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "floor": sympy.floor,
    "ceiling": sympy.ceiling,
    "factorial": sympy.factorial,
    "binomial": sympy.binomial,
    "Rational": sympy.Rational,
    "Integer": sympy.Integer,
    "Float": sympy.Rational,  # exact, like every other number here
    "Min": sympy.Min,
    "Max": sympy.Max,
    "pi": sympy.pi,
    "oo": sympy.oo,
}
_RELATION = re.compile(r"==|<=|>=|!=|=|<|>")
_RELATION_CALL = re.compile(r"(Eq|Ne|Lt|Le|Gt|Ge)\s*\((.*)\)")  # `Eq(y, 2*x)`, `Lt(x, 3)`
_CALL_OPS = {"Eq": "=", "Ne": "!=", "Lt": "<", "Le": "<=", "Gt": ">", "Ge": ">="}
_OPS = {"==": "=", "=": "=", "<=": "<=", ">=": ">=", "!=": "!=", "<": "<", ">": ">"}
# What makes text Python/sympy syntax rather than plain math: `*`, `==`, or a sympy-only call.
_SYMPY_MARK = re.compile(
    r"\*|==|\b(?:Eq|Ne|Lt|Le|Gt|Ge|log2|log10|Rational|Integer|Float|factorial|binomial|Abs|oo|cbrt|root|atan2|asinh|acosh"
    r"|atanh|sign|ceiling|Min|Max)\b|\blog\([^()]*,"
)
MAX_FACTORIAL = 5000
_COUNTING = (sympy.factorial, sympy.binomial)  # their value grows past any bound with the argument
# All `parse_expr` may reach besides the placeholders: the classes its unevaluated output calls.
_GLOBALS = {"__builtins__": {}, "Add": sympy.Add, "Mul": sympy.Mul, "Pow": sympy.Pow,
            "Integer": sympy.Integer, "Rational": sympy.Rational}  # fmt: skip


def looks_like_sympy(text: str) -> bool:
    """Whether `text` is written in Python/sympy syntax (and nothing else: no LaTeX, no `$`)."""
    return (
        bool(_SYMPY_MARK.search(text)) and not re.search(r"[\\${}\[\]]", text) and len(text) <= 1000
    )


def parse_sympy(text: str):
    """The value of a sympy-syntax answer: a sympy expression or a `Relation`; raises `Unparseable`."""
    text = text.strip()
    call = _RELATION_CALL.fullmatch(text)
    if call:
        sides = split_items(call.group(2))
        if len(sides) != 2:
            raise Unparseable(f"{call.group(1)} takes two sides")
        return Relation((_expression(sides[0]), _expression(sides[1])), (_CALL_OPS[call.group(1)],))
    parts, ops, start = [], [], 0
    for match in _RELATION.finditer(text):
        parts.append(text[start : match.start()])
        ops.append(_OPS[match.group()])
        start = match.end()
    parts.append(text[start:])
    values = tuple(_expression(part) for part in parts)
    return Relation(values, tuple(ops)) if ops else values[0]


def _expression(text: str) -> sympy.Basic:
    """One side: tokenized against the whitelist, bound to placeholders, parsed, size-checked."""
    bindings: dict[str, object] = {}
    pieces = []
    position = 0
    tokens = list(_TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        if token.start() != position:
            raise Unparseable(f"unexpected {text[position]!r}")
        position = token.end()
        kind, value = token.lastgroup, token.group()
        if kind == "space":
            continue
        if kind == "op":
            pieces.append(value)
            continue
        placeholder = f"k2v{len(bindings)}"
        if kind == "num":
            bindings[placeholder] = sympy.Rational(value)
        else:
            following = next((t.group() for t in tokens[index + 1 :] if t.lastgroup != "space"), "")
            bindings[placeholder] = _name(value, following)
        pieces.append(placeholder)
    if position != len(text) or not pieces:
        raise Unparseable("not sympy syntax")
    source = " ".join(pieces).replace("^", "**")
    try:
        unevaluated = parse_expr(
            source,
            local_dict=dict(bindings),
            global_dict=dict(_GLOBALS),
            transformations=(),  # nothing to transform: every name and number is a placeholder
            evaluate=False,
        )
        _check_size(unevaluated)
        value = unevaluated.doit() if isinstance(unevaluated, sympy.Basic) else unevaluated
    except Unparseable:
        raise
    except (
        SyntaxError,
        NameError,
        TypeError,
        ValueError,
        AttributeError,
        ZeroDivisionError,
    ) as error:
        raise Unparseable(type(error).__name__) from None
    if not isinstance(value, sympy.Basic):
        raise Unparseable("not an expression")
    return value


def _name(name: str, following: str):
    if name in {"E", "e"}:
        return sympy.E if following in {"**", "^"} else sympy.Symbol(name)
    if name in _NAMES:
        value = _NAMES[name]
        return _guarded(value) if callable(value) and not isinstance(value, sympy.Basic) else value
    return sympy.Symbol(name)


def _guarded(function):
    """`function`, refusing arguments too large to compute with before it sees them (sympy
    evaluates function calls even when asked not to: `factorial(factorial(10))`)."""

    def call(*args):
        for arg in args:
            _check_size(arg)
        if function in _COUNTING:
            for arg in args:
                if sympy.sympify(arg).is_number and abs(sympy.sympify(arg)) > MAX_FACTORIAL:
                    raise TooLarge(f"{function.__name__} above {MAX_FACTORIAL}")
        return function(*args)

    return call


def _check_size(value) -> None:
    """Refuse powers and factorials whose exact value would be too large to compute."""
    if not isinstance(value, sympy.Basic):
        return
    for node in sympy.preorder_traversal(value):
        if isinstance(node, sympy.Pow):
            _check_power(*node.args)
        elif isinstance(node, sympy.Rational) and _digits(node) > MAX_DIGITS:
            raise TooLarge("number too large")


def _digits(number: sympy.Rational) -> int:
    """About how many digits the numerator and denominator have (without printing them)."""
    return int((abs(number.p).bit_length() + number.q.bit_length()) * math.log10(2))
