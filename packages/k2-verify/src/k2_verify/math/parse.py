"""Parse a normalised answer into a value that can be compared: a sympy expression or a structure.

`parse(text)` reads the LaTeX (and plain-text) math that answers are written in with a small
recursive-descent parser that builds sympy objects directly: model text is never `eval`ed, and every
construct it does not know makes the whole answer `Unparseable` (a number inside unknown LaTeX is not
silently picked out). Results:

- a sympy expression: `3`, `\\frac{\\sqrt{3}}{2}`, `2x+1`, `3+4i`, `\\pi/6`
- `Seq`: delimited items, `(1, 2]`, `[1, 2]`, `\\{1, 2\\}` (a set), or a bare list `1, 2`; a
  `PlusMinus` is the set of values of an expression with `\\pm` (`1 \\pm \\sqrt2`)
- `Relation`: `x = 3`, `y = 2x + 1`, `1 < x \\leq 2`
- `Union`: `(-\\infty, 0) \\cup (1, \\infty)`
- `Matrix`: `\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}`

Numbers too large to hold (`10^{10^{10}}`, `100000!`) raise `TooLarge` before sympy tries to build them,
as does nesting deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from dataclasses import dataclass

import sympy

MAX_DIGITS = 20_000  # an exact integer bigger than this is refused
MAX_DEPTH = 100  # nesting deeper than this is refused (recursion stays far from Python's limit)
MAX_MATRIX_POWER = 64  # a matrix power above this is not computed
MAX_MATRIX_SIZE = 6  # nor a power or determinant of a larger matrix


class Unparseable(ValueError):
    """The text is not math this parser understands."""


class TooLarge(Unparseable):
    """The text is too large to compute with: a number too large to hold, or nesting too deep."""


@dataclass(frozen=True)
class Seq:
    """Items between delimiters: `open`/`close` are `(`, `)`, `[`, `]`, `{`/`}` (a set), or empty."""

    open: str
    close: str
    items: tuple


@dataclass(frozen=True)
class PlusMinus(Seq):
    """The values of an expression with `\\pm` (`1 \\pm \\sqrt2`), or the points of a tuple with
    one `\\pm` member (`(\\pm 2, 0)`), a set: inside a list or a set they are members of it
    (`\\{\\pm 2, 3\\}` is `\\{-2, 2, 3\\}`)."""


@dataclass(frozen=True)
class Relation:
    """A chain like `x = 3` or `1 < x \\leq 2`: `parts` with `ops` between them (`=`, `<`, `<=`, ...)."""

    parts: tuple
    ops: tuple


@dataclass(frozen=True)
class Union:
    """Sets joined by `\\cup`."""

    parts: tuple


@dataclass(frozen=True)
class Matrix:
    """Rows of entries."""

    rows: tuple


_TOKEN = re.compile(
    r"(?P<num>\d+\.?\d*|\.\d+)"
    r"|(?P<cmd>\\\\|\\[a-zA-Z]+|\\[{}|%])"
    r"|(?P<op>[-+*/^_=<>!(),\[\]{}|&';:])"
    r"|(?P<letter>[a-zA-Z])"
    r"|(?P<space>\s+)"
)
_RELATIONS = {
    "=": "=",
    "<": "<",
    ">": ">",
    r"\leq": "<=",
    r"\geq": ">=",
    r"\neq": "!=",
    r"\approx": "~",  # a rounded value: an `\approx` tail is dropped when comparing
    r"\equiv": "=",
    r"\in": "in",
}
_FUNCTIONS = {
    r"\sin": sympy.sin,
    r"\cos": sympy.cos,
    r"\tan": sympy.tan,
    r"\cot": sympy.cot,
    r"\sec": sympy.sec,
    r"\csc": sympy.csc,
    r"\arcsin": sympy.asin,
    r"\arccos": sympy.acos,
    r"\arctan": sympy.atan,
    r"\sinh": sympy.sinh,
    r"\cosh": sympy.cosh,
    r"\tanh": sympy.tanh,
    r"\arcsinh": sympy.asinh,
    r"\arccosh": sympy.acosh,
    r"\arctanh": sympy.atanh,
    r"\ln": sympy.log,
    r"\log": sympy.log,
    r"\exp": sympy.exp,
    r"\floor": sympy.floor,  # not LaTeX: normalize spells `\operatorname{floor}` so
    r"\ceil": sympy.ceiling,
    r"\abs": sympy.Abs,  # not LaTeX: normalize spells sympy's `Abs(x)` / `abs(x)` so
}
_DOTS = {r"\ldots", r"\cdots", r"\dots"}
_EXTREMA = {
    r"\max": (sympy.Max, sympy.Function("max")),
    r"\min": (sympy.Min, sympy.Function("min")),
}
_ACCENTS = {
    r"\vec": "vec", r"\hat": "hat", r"\bar": "bar", r"\overline": "bar", r"\tilde": "tilde",
    r"\dot": "dot", r"\ddot": "ddot", r"\widehat": "hat", r"\widetilde": "tilde",
    r"\overrightarrow": "vec",
}  # fmt: skip
# `\\gcd(12, 18)`, `\\operatorname{lcm}(4, 6)`: of integers only.
_DIVISORS = {r"\gcd": sympy.gcd, r"\lcm": sympy.lcm}
_INVERSES = {r"\sin": sympy.asin, r"\cos": sympy.acos, r"\tan": sympy.atan}
_INVERSES |= {r"\sinh": sympy.asinh, r"\cosh": sympy.acosh, r"\tanh": sympy.atanh}
_CONSTANTS = {r"\pi": sympy.pi, r"\infty": sympy.oo, r"\imath": sympy.I}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
    "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
    "varrho", "varsigma", "Upsilon", "varGamma", "varDelta", "varTheta", "varLambda", "varXi",
    "varSigma", "varPhi", "varPsi", "varOmega", "varUpsilon",
}  # fmt: skip
# A letter's variant glyph is the same letter (`\varepsilon_0` is `\epsilon_0`, `\varphi` is `\phi`).
_GREEK_VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho"}
_GREEK_VARIANTS |= {"varsigma": "sigma"}
_MULTIPLY = {"*", r"\cdot", r"\times", r"\ast"}
_DIVIDE = {"/", r"\div"}
_OPENERS = {"(": ")", "[": "]", r"\{": r"\}", r"\langle": r"\rangle"}
_CLOSERS = {")", "]", r"\}", r"\rangle"}
_ROUNDING = {r"\lfloor": (r"\rfloor", sympy.floor), r"\lceil": (r"\rceil", sympy.ceiling)}
_MATRIX_ENVS = {
    "matrix",
    "pmatrix",
    "bmatrix",
    "Bmatrix",
    "vmatrix",
    "smallmatrix",
    "array",
}
_WORDS = re.compile(r"^[A-Za-z][A-Za-z\s'\-]*$")


def tokenize(text: str) -> list[tuple[str, str]]:
    """`(kind, text)` pairs: `num`, `cmd` (`\\frac`), `op`, `letter`; spaces are dropped."""
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise Unparseable(f"unexpected character {text[position]!r}")
        position = match.end()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
    return tokens


def is_words(text: str) -> bool:
    """True for plain words (`yes`, `No`, `no solution`, `Monday`) rather than math in letters (`x`,
    `ab`)."""
    if text.strip().lower() == "no":
        return True
    return bool(_WORDS.match(text)) and any(len(word) > 2 for word in re.split(r"[\s'\-]+", text))


def _check_power(base, exponent) -> None:
    """Refuse integer powers whose exact value would have more than MAX_DIGITS digits."""
    if not (base.is_number and exponent.is_number) or not exponent.is_real:
        return
    try:
        size = abs(float(exponent)) * math.log10(max(abs(complex(base)), 1e-300))
    except (OverflowError, TypeError, ValueError):
        raise TooLarge("power too large") from None
    if abs(size) > MAX_DIGITS:
        raise TooLarge("power too large")


# Commands that name a quantity, like a letter (`\\hbar \\omega`, `R_{\\odot}` the Sun's radius).
_NAMED_SYMBOLS = {r"\ell", r"\triangle", r"\angle", r"\hbar", r"\odot", r"\oplus", r"\star"}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------------
    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def kind(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        value = self.peek()
        if value is None or (expected is not None and value != expected):
            raise Unparseable(f"expected {expected or 'more'}, got {value}")
        self.position += 1
        return value

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TooLarge("nested too deeply")
        try:
            return parse()
        finally:
            self.depth -= 1

    # -- grammar -------------------------------------------------------------------------------
    def parse(self):
        value = self.items(closers={None})
        if self.peek() is not None:
            raise Unparseable(f"unexpected {self.peek()}")
        return value

    def items(self, closers):
        """Comma-separated items up to one of `closers` (a list of several is a bare `Seq`)."""
        items = [self.union()]
        while self.peek() in {",", ";"}:
            self.take()
            items.append(self.union())
        if self.peek() not in closers:
            raise Unparseable(f"unexpected {self.peek()}")
        return items[0] if len(items) == 1 else Seq("", "", tuple(items))

    def union(self):
        """Sets joined by `\\cup` and `\\setminus`, left to right, so a difference after a union
        removes from all of it (`(-\\infty, 2) \\cup (2, \\infty) \\setminus \\{-2\\}`)."""
        parts = [self.intersection()]
        while self.peek() in {r"\cup", r"\setminus"}:
            if self.take() == r"\cup":
                parts.append(self.intersection())
            else:
                whole = sympy.Union(*(as_sympy_set(part) for part in parts))
                parts = [from_sympy_set(whole - as_sympy_set(self.intersection()))]
        if len(parts) == 1:
            return parts[0]
        try:  # sets and intervals are joined (`\\{1\\} \\cup \\{2\\}` is `\\{1, 2\\}`)
            return from_sympy_set(sympy.Union(*(as_sympy_set(part) for part in parts)))
        except (Unparseable, TypeError, ValueError):
            return Union(tuple(parts))  # relations (`x < 0 \\cup x > 1`) stay as written

    def intersection(self):
        """`A \\cap B` of intervals and sets, computed (`[1, 2] \\cap [2, 3]` is `\\{2\\}`); its
        operands are read as sets, so `(1, 2)` is an interval here."""
        value = self.relation()
        while self.peek() == r"\cap":
            self.take()
            value = from_sympy_set(
                sympy.Intersection(as_sympy_set(value), as_sympy_set(self.relation()))
            )
        return value

    def relation(self):
        parts = [self.additive()]
        ops = []
        while self.peek() in _RELATIONS:
            ops.append(_RELATIONS[self.take()])
            parts.append(self.additive())
        return parts[0] if not ops else Relation(tuple(parts), tuple(ops))

    def additive(self):
        """Sums; `a \\pm b` becomes the set `{a + b, a - b}`."""
        sums = [sympy.Integer(0)]
        sign = {"+": 1, "-": -1, r"\pm": 0, r"\mp": 0}
        first = True
        while True:
            op = self.peek() if self.peek() in sign else ("+" if first else None)
            if op is None:
                break
            if self.peek() in sign:
                self.take()
            term = self.term()
            if len(sums) > 4:
                raise Unparseable("too many \\pm")
            if sign[op] == 0:
                sums = [s + t for s in sums for t in (_expr(term), -_expr(term))]
            elif first and isinstance(term, sympy.MatrixBase):
                sums = [sign[op] * term]  # a product with a matrix: `2A`, `-\\frac12 AB`
            elif first and isinstance(term, Matrix) and (self.peek() in sign or sign[op] < 0):
                sums = [sign[op] * _expr(term)]  # matrix arithmetic: `A + B`, `-A`
            elif first and sign[op] == 1 and not isinstance(term, sympy.Basic):
                return term  # a structure (a Seq, a Matrix) stands alone
            else:
                sums = [s + sign[op] * _expr(term) for s in sums]
            first = False
        return sums[0] if len(sums) == 1 else PlusMinus("{", "}", tuple(sums))

    def term(self):
        value = self.power()
        while True:
            op = self.peek()
            if op in _MULTIPLY:
                self.take()
                value = _combine(operator.mul, value, self.power())
            elif op in _DIVIDE:
                self.take()
                value = _combine(operator.truediv, value, self.power())
            elif self.starts_primary():
                value = _combine(operator.mul, value, self.power())
            else:
                return value

    def starts_primary(self) -> bool:
        kind, value = self.kind(), self.peek()
        if kind in {"num", "letter"}:
            return True
        if value in {"(", "[", r"\{", r"\langle", r"\lfloor", r"\lceil"}:
            return True  # `(2n + 1)[a + b]`: a bracket multiplies like a parenthesis
        return kind == "cmd" and value not in _RELATIONS and value not in _MULTIPLY | _DIVIDE | {
            r"\pm", r"\mp", r"\cup", r"\cap", r"\setminus", r"\}", r"\rangle", "\\\\", r"\end",
            r"\rightarrow",
            r"\rfloor", r"\rceil",
        }  # fmt: skip

    def power(self):
        base = self.postfix()
        if self.peek() != "^":
            return base
        self.take()
        exponent = self.nested(self.exponent)
        base, exponent = _expr(base), _expr(exponent)
        if isinstance(base, sympy.MatrixBase):  # `A^{-1}`, `A^3`, `A^T`
            return _matrix_power(base, exponent)
        _check_power(base, exponent)
        if exponent.is_Rational and exponent.q % 2 == 1 and base.is_extended_negative:
            return _root(base, sympy.Integer(exponent.q)) ** exponent.p  # `(-8)^{1/3}` is -2
        return sympy.Pow(base, exponent)

    def exponent(self):
        if self.peek() in {"-", "+"}:
            sign = -1 if self.take() == "-" else 1
            return sign * _expr(self.exponent())
        return self.argument()

    def postfix(self):
        value = self.nested(self.primary)
        while self.peek() == "!":
            self.take()
            value = _expr(value)
            if value.is_Integer and value > 5000:
                raise TooLarge("factorial too large")
            value = sympy.factorial(value)
        return value

    def argument(self):
        """A command's argument: `{...}`, or one character/token (`\\frac12`, `x^2`, `\\sqrt3`)."""
        if self.peek() == "{":
            self.take()
            value = self.nested(lambda: self.items(closers={"}"}))
            self.take("}")
            return value
        if self.kind() == "num" and len(self.peek()) > 1:
            digits = self.take()
            self.tokens.insert(self.position, ("num", digits[1:]))
            return sympy.Integer(digits[0])
        return self.nested(self.primary)

    def primary(self):
        kind, value = self.kind(), self.peek()
        if value is None:
            raise Unparseable("unexpected end")
        if kind == "num":
            self.take()
            return _number(value)
        if kind == "letter":
            return self.letter()
        if value in _OPENERS:
            return self.bracket()
        if value == "{":
            self.take()
            inner = self.nested(lambda: self.items(closers={"}"}))
            self.take("}")
            return inner
        if value in _ROUNDING:
            self.take()
            inner = self.nested(self.additive)
            self.take(_ROUNDING[value][0])
            return _ROUNDING[value][1](_expr(inner))
        if value == "|":
            self.take()
            inner = self.nested(self.additive)
            self.take("|")
            if isinstance(inner, Matrix):  # `\\left| \\begin{matrix} ... \\end{matrix} \\right|`
                return _determinant(inner)
            return sympy.Abs(_expr(inner))
        if kind == "cmd":
            return self.command()
        raise Unparseable(f"unexpected {value}")

    def letter(self):
        name = self.take()
        if self.peek() == "_":
            name += "_" + self.subscript()
        if name == "i":
            return sympy.I
        if name == "e":
            return sympy.E
        return sympy.Symbol(name)

    def subscript(self) -> str:
        """After `_`: the subscript as part of a name; letters in braces as written (`a_{ij}` is not
        `a_{ji}`), anything else as the value it reads (`x_{n+1}`)."""
        self.take("_")
        return self.braced_letters() or _subscript(self.nested(self.argument))

    def braced_letters(self) -> str | None:
        """Two or more letters in braces next (`{AB}`), taken and returned as written; else None."""
        end = self.position + 1
        while end < len(self.tokens) and self.tokens[end][0] == "letter":
            end += 1
        if self.peek() != "{" or end - self.position < 3 or end >= len(self.tokens):
            return None
        if self.tokens[end][1] != "}":
            return None
        letters = "".join(token for _, token in self.tokens[self.position + 1 : end])
        self.position = end + 1
        return letters

    def bracket(self):
        opener = self.take()
        if opener == r"\{" and self.peek() == r"\}":
            self.take()
            return Seq("{", "}", ())
        inner = self.nested(lambda: self.items(closers=_CLOSERS))
        closer = self.take()
        items = inner.items if isinstance(inner, Seq) and not inner.open else (inner,)
        if opener == r"\{":
            return Seq("{", "}", items)
        if opener == r"\langle":
            return Seq("(", ")", items)
        if len(items) == 1 and _OPENERS[opener] == closer:
            return items[0]
        signed = [i for i, item in enumerate(items) if isinstance(item, PlusMinus)]
        if (opener, closer) == ("(", ")") and len(signed) == 1:  # `(\\pm 2, 0)`: two points
            i = signed[0]
            return PlusMinus(
                "{",
                "}",
                tuple(Seq("(", ")", (*items[:i], v, *items[i + 1 :])) for v in items[i].items),
            )
        # An interval is open at an infinity, however its bracket is written: `[2, \\infty]`.
        if len(items) == 2 and opener in "([" and closer in ")]":
            opener = "(" if items[0] == -sympy.oo else opener
            closer = ")" if items[1] == sympy.oo else closer
        return Seq(opener, closer, items)

    def command(self):
        name = self.take()
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in {r"\emptyset", r"\varnothing"}:
            return Seq("{", "}", ())
        if (
            name in _ACCENTS
        ):  # `\\vec{v}`, `\\hat x`, `\\bar{z}` (= `\\overline{z}`) name a quantity
            letters = self.braced_letters()
            if letters:  # `\\vec{AB}` names the vector from A to B, not `\\vec{BA}`
                return sympy.Symbol(f"{_ACCENTS[name]}({letters})")
            marked = self.argument()
            if name in {r"\bar", r"\overline"} and isinstance(marked, sympy.Expr):
                if marked.is_number and marked.has(sympy.I):  # `\\overline{3+4i}` is 3-4i
                    return sympy.conjugate(marked)
            if not isinstance(marked, sympy.Symbol):
                raise Unparseable(f"{name} over something that is not a letter")
            return sympy.Symbol(f"{_ACCENTS[name]}({marked})")
        if name == r"\mathbb":  # the reals are an interval; `\\mathbb{Z}` names its set
            number_set = self.argument()
            if number_set == sympy.Symbol("R"):
                return Seq("(", ")", (-sympy.oo, sympy.oo))
            if not isinstance(number_set, sympy.Symbol):
                raise Unparseable("a number set that is not one letter")
            return sympy.Symbol(f"mathbb({number_set})")
        if name[1:] in _GREEK or name in _NAMED_SYMBOLS:  # `\mu_0`, `\angle_{ABC}`
            letter = name[1:]
            letter = _GREEK_VARIANTS.get(
                letter, letter.removeprefix("var") if letter[3:4].isupper() else letter
            )
            if self.peek() == "_":
                letter += "_" + self.subscript()
            return sympy.Symbol(letter)
        if name in _DOTS:  # an elided run of terms: the same on both sides or not at all
            return sympy.Symbol("dots")
        if name in _EXTREMA:
            return self.extremum(name)
        if name in _DIVISORS and self.peek() == "(":
            inner = self.bracket()
            items = [_expr(i) for i in (inner.items if isinstance(inner, Seq) else (inner,))]
            if len(items) < 2 or not all(item.is_Integer for item in items):
                raise Unparseable(f"{name} of anything but integers")
            return functools.reduce(_DIVISORS[name], items)
        if name == r"\frac":
            numerator, denominator = self.argument(), self.argument()
            if _is_derivative(numerator, denominator):
                raise Unparseable("a derivative")  # `\\frac{d}{dx}` is no fraction
            return _combine(operator.truediv, numerator, denominator)
        if name == r"\binom":
            n, k = _expr(self.argument()), _expr(self.argument())
            if n.is_Integer and n > 5000:
                raise TooLarge("binomial too large")
            return sympy.binomial(n, k)
        if name == r"\sqrt":
            index = sympy.Integer(2)
            if self.peek() == "[":
                self.take()
                index = _expr(self.nested(self.additive))
                self.take("]")
            return _root(_expr(self.argument()), index)
        if name in _FUNCTIONS:
            return self.function(name)
        if name == r"\det":
            return _determinant(self.argument())
        if name == r"\begin":
            return self.matrix()
        raise Unparseable(f"unknown command {name}")

    def function(self, name: str):
        function = _FUNCTIONS[name]
        base = None
        if name == r"\log" and self.peek() == "_":
            self.take()
            base = _expr(self.argument())
        power = None
        if self.peek() == "^":
            self.take()
            power = _expr(self.exponent())
            if power == -1 and name in _INVERSES:
                function, power = _INVERSES[name], None
        if self.peek() == "(":
            argument = _expr(self.bracket())
        else:  # `\\sin 2x` is sin(2x), `\\sin 2\\theta` sin(2θ); `\\sin x \\cos x` stops at `\\cos`
            argument = _expr(self.nested(self.power))
            while self.kind() in {"num", "letter"} or (self.peek() or "")[1:] in _GREEK | {"pi"}:
                argument = argument * _expr(self.nested(self.power))
        if name == r"\log" and base is None:
            # a bare `\log` is the common logarithm, as competitions write it
            base = sympy.Integer(10)
        value = function(argument) if base is None else sympy.log(argument, base)
        return value if power is None else value**power

    def extremum(self, name: str):
        """`\\max(a, b)` is the larger value; `\\max A` (of a set named A) stays an opaque term."""
        if self.peek() == "(":
            inner = self.bracket()
            items = inner.items if isinstance(inner, Seq) and inner.open == "(" else (inner,)
            return _EXTREMA[name][0](*(_expr(item) for item in items))
        return _EXTREMA[name][1](_expr(self.nested(self.power)))

    def matrix(self):
        self.take("{")
        env = ""
        while self.peek() not in {"}", None}:
            env += self.take()
        self.take("}")
        if env not in _MATRIX_ENVS:
            raise Unparseable(f"unknown environment {env}")
        if env == "array" and self.peek() == "{":  # column spec `{cc}`
            while self.take() != "}":
                pass
        rows, row = [], []
        while True:
            row.append(_expr(self.nested(self.additive)))
            separator = self.take()
            if separator == "&":
                continue
            rows.append(tuple(row))
            row = []
            if separator == r"\end":
                break
            if separator != "\\\\":
                raise Unparseable(f"unexpected {separator} in a matrix")
            if self.peek() == r"\end":
                self.take()
                break
        self.take("{")
        while self.take() != "}":
            pass
        if len({len(r) for r in rows}) != 1:
            raise Unparseable("ragged matrix")
        if env == "vmatrix":  # bars: the determinant
            return _determinant(Matrix(tuple(rows)))
        return Matrix(tuple(rows))


def as_sympy_set(value) -> sympy.Set:
    """An interval (`Seq` with brackets), set (`Seq` in braces) or `Union` as the sympy set it names."""
    if isinstance(value, Union):
        return sympy.Union(*(as_sympy_set(part) for part in value.parts))
    if isinstance(value, Seq) and value.open == "{":
        return sympy.FiniteSet(*(_expr(item) for item in value.items))
    if isinstance(value, Seq) and value.open in "([" and value.close and len(value.items) == 2:
        low, high = (_expr(item) for item in value.items)
        return sympy.Interval(low, high, value.open == "(", value.close == ")")
    raise Unparseable("a set operation on something that is not a set")


def from_sympy_set(value: sympy.Set):
    """A sympy set as `parse`'s values: intervals and sets as `Seq`, unions as `Union`."""
    if isinstance(value, sympy.FiniteSet):
        return Seq("{", "}", tuple(value.args))
    if value is sympy.S.EmptySet:
        return Seq("{", "}", ())
    if isinstance(value, sympy.Interval):
        opening, closing = "(" if value.left_open else "[", ")" if value.right_open else "]"
        return Seq(opening, closing, (value.start, value.end))
    if isinstance(value, sympy.Union):
        return Union(tuple(from_sympy_set(part) for part in value.args))
    raise Unparseable(f"a set sympy cannot write out ({type(value).__name__})")


def _root(radicand: sympy.Basic, index: sympy.Basic) -> sympy.Basic:
    """The `index`-th root; an odd root of a negative number is the real one (`\\sqrt[3]{-8}` is -2),
    as in competition answers, not sympy's principal complex root."""
    if index.is_Integer and index % 2 == 1 and radicand.is_extended_negative:
        return -sympy.root(-radicand, index)
    return sympy.root(radicand, index)


def _is_derivative(numerator, denominator) -> bool:
    """Whether a fraction is Leibniz's operator `\\frac{d}{dx}` (or `\\frac{d^2}{dx^2}`): `d` (or its
    power) above, `d` times one letter (or its power) below. (`\\frac{dy}{dx}` is `y'` already.)"""
    if not isinstance(numerator, sympy.Basic) or not isinstance(denominator, sympy.Basic):
        return False
    d = sympy.Symbol("d")
    below = [factor.as_base_exp()[0] for factor in sympy.Mul.make_args(denominator)]
    one_letter = len(below) == 2 and d in below and all(b.is_Symbol for b in below)
    return one_letter and numerator.as_base_exp()[0] == d


def _matrix_power(matrix: sympy.MatrixBase, exponent: sympy.Basic) -> sympy.MatrixBase:
    if exponent == sympy.Symbol("T"):
        return matrix.T
    if not exponent.is_Integer or abs(exponent) > MAX_MATRIX_POWER or matrix.rows > MAX_MATRIX_SIZE:
        raise Unparseable("a matrix power that is not a small integer one")
    return matrix ** int(exponent)  # a singular matrix has no inverse: ValueError, unparseable


def _determinant(value) -> sympy.Basic:
    if not isinstance(value, Matrix) or len(value.rows) != len(value.rows[0]):
        raise Unparseable("a determinant of something that is not a square matrix")
    if len(value.rows) > MAX_MATRIX_SIZE:
        raise TooLarge("a determinant too large to expand")
    return sympy.Matrix(value.rows).det()


def _subscript(value) -> str:
    return str(value).replace(" ", "")


def _number(text: str) -> sympy.Rational:
    if len(text) > MAX_DIGITS:
        raise TooLarge("number too long")
    return sympy.Rational(text.rstrip(".") or "0")


def _expr(value):
    if isinstance(value, Matrix):  # sums, products and powers of matrices are sympy's
        return sympy.ImmutableMatrix(value.rows)
    if not isinstance(value, sympy.Basic):
        raise Unparseable(f"cannot do arithmetic on {type(value).__name__}")
    return value


def _combine(operation, left, right):
    """`operation` on two values; on each sign when a side is a `\\pm` pair (`\\frac{1 \\pm \\sqrt5}{2}`)."""
    lefts = left.items if isinstance(left, PlusMinus) else (left,)
    rights = right.items if isinstance(right, PlusMinus) else (right,)
    values = tuple(operation(_expr(a), _expr(b)) for a in lefts for b in rights)
    if len(values) > 4:
        raise Unparseable("too many \\pm")
    return values[0] if len(values) == 1 else PlusMinus("{", "}", values)


def _computed_matrices(value):
    """`value` with each matrix that arithmetic made (a sympy matrix) as a `Matrix`, in relations
    too (`A = 2\\begin{pmatrix} ... \\end{pmatrix}`)."""
    if isinstance(value, sympy.MatrixBase):
        return Matrix(tuple(tuple(row) for row in value.tolist()))
    if isinstance(value, Relation):
        return Relation(tuple(_computed_matrices(part) for part in value.parts), value.ops)
    return value


def parse(text: str):
    """The value of a normalised answer; raises `Unparseable` (or `TooLarge`)."""
    if not text:
        raise Unparseable("empty")
    try:
        return _computed_matrices(_Parser(tokenize(text)).parse())
    except RecursionError:
        raise TooLarge("nested too deeply") from None
    except (
        TypeError,
        ValueError,
        ZeroDivisionError,
        AttributeError,
        OverflowError,
    ) as exc:
        if isinstance(exc, Unparseable):
            raise
        raise Unparseable(f"{type(exc).__name__}") from None
