"""Decide whether two answers are the same mathematical object.

`equivalent(answer, truth)` normalises and parses both sides, then compares by kind:

- numbers exactly (`1/2004!` and `1/2006!` differ however close they are); a ground truth written as a
  rounded decimal (`0.333`) accepts an exact answer that rounds to it (`1/3`), never another decimal;
- expressions with variables by evaluating both at fixed points (`2(x+1)` = `2x+2`), at integers when
  they round in `n`, `m` or `k` (`\\lceil n/2 \\rceil` = `\\lfloor (n+1)/2 \\rfloor`);
- equations by their sides (`x = 3` answers `3`), inequalities as intervals (`x > 3` = `(3, \\infty)`);
- sets (`\\{\\}` or a bare list) unordered, tuples and intervals ordered with their brackets, matrices
  entry by entry;
- multiple-choice letters and plain words case- and space-insensitively;
- a percent sign may be dropped (`50\\%` = `50` = `0.5`), as may degrees and trailing units.

It returns a `Match(equal, reason)` with reason `equivalent`, `different`, `hedged` or `unparseable`.
Call it through `MathVerifier`, which bounds its time: this function alone is not time-bounded.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.core.evalf import PrecisionExhausted

from .latex_fallback import parse_fallback
from .normalize import (
    DEPTH,
    Answer,
    normalize,
    split_items,
    split_modulus,
    strip_delimiters,
    unit_scale,
    unit_size,
    unwrap,
)
from .numeric import MAX_EXACT_POWER, MP, TOLERANCE, NotNumeric, as_mp, close, evaluate
from .parse import (
    Matrix,
    PlusMinus,
    Relation,
    Seq,
    TooLarge,
    Union,
    Unparseable,
    is_words,
    parse,
)
from .sympy_syntax import looks_like_sympy, parse_sympy

# Fixed points at which expressions in variables are compared (fixed, so verdicts are deterministic).
_PROBES = ("0.5773", "1.3117", "-0.8421", "2.2361", "7.3891", "12.817", "-4.6692", "3.1623")
# Two far out too where a value is piecewise, so that `|x+5|` is not `x+5` and `\min(x, 13)` is not `x`,
# and an integer, so that `\lfloor x \rfloor` is not `\lceil x \rceil - 1`.
_FAR_PROBES = ("-13.0417", "27.9473", "6")
_PIECEWISE = (
    sympy.Abs,
    sympy.Min,
    sympy.Max,
    sympy.floor,
    sympy.ceiling,
    sympy.sign,
    sympy.Piecewise,
)
# Answers that round (floor, ceiling) in variables named as integers usually are (`n`, `m`, `k`): they
# are compared at every integer from 3 to 42 (every residue of a divisor up to 40: `\lfloor (n+1)/10
# \rfloor` is not `\lfloor n/10 \rfloor`) and two large ones (`\lfloor n/100 \rfloor` is not 0).
_INTEGER_NAMES = {"n", "m", "k"}
_INTEGER_PROBES = tuple(str(n) for n in range(3, 43)) + ("120", "1001")
MIN_LONG_DECIMAL = 6  # a decimal answer this long may stand for an exact value it rounds from
MAX_RATIO_OPS = 60  # equations larger than this are not tested for a variable ratio
MAX_ITEMS = 32  # longer lists are not compared item by item (each pair is a comparison)
MAX_SOLVED_DEGREE = 2  # a ground-truth inequality of higher degree is not solved (time)
_CHOICE = re.compile(r"^(?:(?i:option|choice)\s+)?\(?([A-J])\)?$")  # `B`, `(B)`, `option B`
_ANSWER_CHOICE = re.compile(r"^(?:(?:option|choice)\s+)?\(?([A-Ja-j])(?:\)|\.|:|$)", re.IGNORECASE)
_DECIMAL = re.compile(r"^-?(\d*)\.(\d+)$")
_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_CONGRUENT = re.compile(r"^\s*[a-zA-Z]\s*\\equiv\s*")  # `n \\equiv 2`: the residue 2
_TIMES_POWER_OF_TEN = r"\s*(?:\\times|\\cdot)\s*10\s*\^\s*\{?\s*(-?\d+)\s*\}?"  # and its exponent
# `2.998 \\times 10^{8}`: the mantissa and the exponent
_SCIENTIFIC = re.compile(rf"^(-?\d+(?:\.\d+)?){_TIMES_POWER_OF_TEN}$")
# A decimal anywhere in an answer, with its exponent when written in scientific notation.
_LONG_DECIMAL = re.compile(rf"(?<![\d.])(\d*)\.(\d+)(?:{_TIMES_POWER_OF_TEN})?")
_CHOICE_LIST = re.compile(r"^\(?[A-J]\)?(?:\s*(?:,|and)\s*\(?[A-J]\)?)+$")
_BASED_NUMERAL = re.compile(r"^(\d[0-9A-Za-z]*)_\{?\d{1,2}\}?$")
_HEDGE = re.compile(
    r"\s(?:or|and/or)(?:\s+equivalently)?\s|\\text\{\s*or\s*\}|\\vee", re.IGNORECASE
)
# `1 and 2` lists its items; so does a ground truth `(11,7) or (7,11)` (it names every answer).
_CONJUNCTION = re.compile(r"\\land|\\wedge|(?<![a-zA-Z\\])and(?![a-zA-Z])|\\text\{\s*and\s*\}")
_BOUND = re.compile(r"^([a-zA-Z])\s*(<|>|<=|>=|\\leq|\\geq)\s*([^<>=]+)$")
_BOUND_OPS = {"\\leq": "<=", "\\geq": ">="}
# The serial comma before the last item joins nothing more (`1, 2, and 3`, `1, 2, or 3`).
_AND = re.compile(r"(?<![a-zA-Z\\])\s*(?:,\s*)?and\s*(?![a-zA-Z])")
_OR = re.compile(r"(?<![a-zA-Z\\])\s*(?:,\s*)?or\s*(?![a-zA-Z])")
# Between groups of assignments: `p=5, q=2; p=7, q=2`, `a=3, b=4 or a=4, b=3`.
_GROUP_BREAK = re.compile(r";|,?\s+(?:or|and)\s+", re.IGNORECASE)
_SERIAL_HEDGE = re.compile(r",\s*(?=\s(?:or|and/or)\s)", re.IGNORECASE)
# An answer that counts things by name: `2 \\text{ hours } 30 \\text{ minutes}`, `5 dimes and 3 quarters`.
_NAME_WORD = r"(?!(?:and|or)\b)[a-zA-Z]{2,}"
_COUNT = re.compile(rf"(\d+(?:\.\d+)?)\s*({_NAME_WORD}(?:\s+{_NAME_WORD})?)")
_COUNTS = re.compile(rf"^\s*{_COUNT.pattern}(?:\s*(?:,|;|\band\b)?\s*{_COUNT.pattern})+\s*\.?$")
# An option and its content (`(B) 17`, `B. y = 17`, `C: 4`): as a ground truth, answered by that
# option's letter; as an answer to a value, its content.
_LABELLED = re.compile(r"^(?:\(([A-J])\)\s*|([A-J])[.):]\s+)(\S.*)$")
# A ground truth that states its value's rounding (`\frac{7}{\pi} \approx 2.23`) accepts it too.
_APPROX_TAIL = re.compile(r"\\approx\s*(-?\d*\.\d+)\s*$")


@dataclass(frozen=True)
class Match:
    """Whether two answers are equivalent, and the one-word reason."""

    equal: bool
    reason: str


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _counts(text: str) -> dict[str, Fraction] | None:
    """What an answer counts by name when it names two things or more (`{hour: 2, minute: 30}`;
    a plural is its singular), else None. Each number belongs to its name, so the names are kept:
    once dropped as units, `2 hours 30` reads as a product."""
    plain = re.sub(r"\\[ ,;:!]|~", " ", unwrap(strip_delimiters(text)))
    if not _COUNTS.match(plain):
        return None
    counts = {}
    for number, name in _COUNT.findall(plain):
        name = name.lower().removesuffix("s")
        if name in counts:
            return None
        counts[name] = Fraction(number)
    return counts


def _verdict(equal: bool) -> Match:
    return Match(equal, "equivalent" if equal else "different")


def _counted_measure(counts: dict[str, Fraction]) -> tuple[str, Fraction] | None:
    """Counts of known units of one quantity as one measure in its base unit (`2 hours 30
    minutes`: 9000 seconds), else None."""
    sizes = [unit_size(name) or unit_size(name + "s") for name in counts]
    if None in sizes or len({quantity for quantity, _ in sizes}) != 1:
        return None
    return sizes[0][0], sum(n * size for n, (_, size) in zip(counts.values(), sizes, strict=True))


def _measure(text: str) -> tuple[str, Fraction] | None:
    """A number and its known unit as one measure in the base unit (`2.5 hours`), else None."""
    answer = normalize(text)
    size = unit_size(answer.unit)
    try:
        return (size[0], Fraction(answer.text) * size[1]) if size else None
    except (ValueError, ZeroDivisionError):
        return None


def _residue(text: str, modulus: str | None) -> str | None:
    """`text` without a modulus as it is; with one, the least residue of the integer it is (`128`
    mod `3`: `2`; `2^{10}` mod `7`: `2`; `n \\equiv 7` mod `5`: `2`), or None when it is no
    integer or the modulus no integer (`x^2`, `17 \\bmod n`)."""
    if not modulus:
        return text
    value = _integer(_CONGRUENT.sub("", text))
    if value is None or not _INTEGER.match(modulus) or int(modulus) == 0:
        return None
    return str(value % int(modulus))


def _integer(text: str) -> int | None:
    """The integer a constant answer is (`2^{10}`, `5!`), or None."""
    if _INTEGER.match(text):
        return int(text)
    try:
        value = parse(normalize(text).text)
    except (Unparseable, TooLarge):
        return None
    return int(value) if isinstance(value, sympy.Integer) else None


def _letter(text: str, pattern: re.Pattern) -> str | None:
    match = pattern.match(text.strip())
    return match.group(1).upper() if match else None


def equivalent(answer: str, truth: str, fallback: bool = False) -> Match:
    """Whether the extracted `answer` is equivalent to the ground truth `truth`. With `fallback`, a
    side our parser refuses is read by latex2sympy2_extended where installed (see
    `latex_fallback`; its results may need evaluating, so only the time-bounded worker asks)."""
    (answer, modulus_a), (truth, modulus_t) = split_modulus(answer), split_modulus(truth)
    if modulus_a and modulus_t and _compact(modulus_a) != _compact(modulus_t):
        return Match(False, "different")  # `7 \\pmod{12}` is `7`, not `7 \\pmod{13}`
    # `128 \\bmod 3` is 2; `19 \\pmod{12}` is `7 \\pmod{12}`, not a plain 19. A modulus is never
    # dropped: `2^{10} \\bmod 7` is not 1024, `x^2 \\bmod 5` not `x^2`.
    residues = _residue(answer, modulus_a), _residue(truth, modulus_t)
    if None not in residues:
        answer, truth = residues
    elif not (modulus_a and modulus_t):
        return Match(False, "different")
    counted = _counts(answer), _counts(truth)
    if None not in counted:  # `2 hours 30 minutes` is not `30 hours 2 minutes`
        return _verdict(counted[0] == counted[1])
    if counted != (None, None):  # `2 hours 30 minutes` is `2.5 hours` and `150 minutes`
        measures = [
            _counted_measure(c) if c else _measure(text)
            for c, text in zip(counted, (answer, truth), strict=True)
        ]
        if None not in measures:
            return _verdict(measures[0] == measures[1])
    a, t = normalize(answer), normalize(truth)
    if not a.text:
        return Match(False, "no_answer")
    scale = unit_scale(a, t)  # `5 km` is `5000 m`, not `5 m`; `5 km` is never `5 kg`
    if scale is None:
        return Match(False, "different")
    if scale == 1 and (_compact(a.text) == _compact(t.text) or _same_numeral(answer, truth)):
        return Match(True, "equivalent")
    parts = _in_order(a.text, t.text, fallback)
    if parts is not None:  # `3; 2`: the parts of a question, in order
        return _verdict(parts)
    in_sympy_syntax = _sympy_values(answer, truth, a, t)
    if in_sympy_syntax is not None:
        equal = _equal(*in_sympy_syntax, None)
        return _verdict(equal)
    several = _choice_letters(t.text)
    if several:  # `A, C` is answered by `(C), (A)` or `AC`, not by `A` or `A, B`
        equal = _choice_letters(a.text, run=True) == several
        return _verdict(equal)
    if _choice_letters(a.text) and _choice_letters(t.text, run=True):  # `B, D` answers `BD`
        equal = _choice_letters(a.text) == _choice_letters(t.text, run=True)
        return _verdict(equal)
    choice = _letter(t.text, _CHOICE)
    if choice:
        equal = _letter(a.text, _ANSWER_CHOICE) == choice
        return _verdict(equal)
    labelled_truth = _LABELLED.match(t.text)
    if labelled_truth:
        letter = labelled_truth.group(1) or labelled_truth.group(2)
        if _letter(a.text, _CHOICE):  # `B` answers `B. y = 17`; `C` does not
            equal = _letter(a.text, _CHOICE) == letter
            return _verdict(equal)
        answer_label = _LABELLED.match(a.text)
        if answer_label and (answer_label.group(1) or answer_label.group(2)) != letter:
            return Match(False, "different")
        t = Answer(labelled_truth.group(3), t.percent, t.degrees, t.unit)
    labelled = _LABELLED.match(a.text)
    if labelled:  # `(B) 12`, `C: \\frac35` against the value: the value
        a = Answer(labelled.group(3), a.percent, a.degrees, a.unit)
    truth_solutions = _solutions(t.text) if _HEDGE.search(f" {t.text} ") else None
    if truth_solutions is not None:  # `x \\le -1 \\text{ or } x \\ge 3` is what it solves to
        try:
            answer_value = _solutions(a.text) or _parse_labelled(a.text)
        except Unparseable:
            return Match(False, "unparseable")
        equal = _equal(answer_value, truth_solutions, None)
        return _verdict(equal)
    if _HEDGE.search(f" {t.text} ") and not _HEDGE.search(f" {a.text} "):
        same = _same_alternatives(strip_delimiters(truth))  # `\\frac12 or 0.5`: one value twice
        if same is not None:
            return equivalent(answer, same, fallback)
    solutions = _solutions(a.text) if _HEDGE.search(f" {a.text} ") else None
    if solutions is not None:  # `x = 1 or x = -1`, `x < 3 or x > 5`: every solution
        try:  # the ground truth's values may be listed: `1, -1`, `1 \text{ or } -1`
            equal = _equal(solutions, _parse_labelled(_OR.sub(", ", _AND.sub(", ", t.text))), None)
        except Unparseable:
            return Match(False, "unparseable")
        return _verdict(equal)
    if _HEDGE.search(f" {a.text} ") and not _HEDGE.search(f" {t.text} "):
        if "," not in t.text:
            same = _same_alternatives(answer)  # as written: `\\frac12 \\text{ or } 50\\%`
            if same is None:
                return Match(False, "hedged")
            return equivalent(same, truth, fallback)
        listed = _HEDGE.sub(", ", _SERIAL_HEDGE.sub("", a.text))
        a = Answer(listed, a.percent, a.degrees)  # "1 or 2" (and "1, 2, or 3") answers "1, 2"
    a, t = (Answer(_as_chain(x.text), x.percent, x.degrees, x.unit) for x in (a, t))
    if not is_words(t.text) and not _grouped(t.text):
        t = Answer(_OR.sub(", ", _AND.sub(", ", t.text)), t.percent, t.degrees, t.unit)
    if not is_words(a.text) and not _grouped(a.text):
        a = Answer(_AND.sub(", ", a.text), a.percent, a.degrees, a.unit)
    if is_words(t.text) or is_words(a.text):
        equal = _compact(a.text).lower() == _compact(t.text).lower()
        return _verdict(equal)
    try:
        truth_value = _parse_labelled(t.text, fallback)
        answer_value = _parse_labelled(a.text, fallback)
    except Unparseable:
        equal = _item_by_item(a.text, t.text, fallback)
        return Match(equal, "equivalent") if equal else Match(False, "unparseable")
    numbers = isinstance(answer_value, sympy.Basic) and isinstance(truth_value, sympy.Basic)
    if scale != 1:
        if not numbers:
            return Match(False, "different")
        answer_value = answer_value * sympy.Rational(scale.numerator, scale.denominator)
    answer_value = _snap_long_decimals(answer_value, a.text, truth_value)
    truth_value = _snap_long_decimals(truth_value, t.text, answer_value, rounded=True)
    equal = _equal(answer_value, truth_value, _decimal_places(t.text))
    names = [_name_of(value) for value in (answer_value, truth_value)]
    angles = [_named_value(value) for value in (answer_value, truth_value)]
    if None not in names and names[0] != names[1]:
        angles = [None, None]  # `C = \\frac{\\pi}{4}` does not answer `B = 45^\\circ`
    if not equal and a.degrees != t.degrees and all(isinstance(v, sympy.Basic) for v in angles):
        radian = sympy.pi / 180  # `\\frac{\\pi}{4}` (or `B = \\frac{\\pi}{4}`) answers `45^\\circ`
        if a.degrees:
            equal = _equal(angles[0] * radian, angles[1], None)
        else:
            equal = _equal(angles[0], angles[1] * radian, None)
    figures = _significant_figures(t.text)
    if not equal and numbers and figures and answer_value.is_number:
        equal = _rounds_to_figures(answer_value, truth_value, figures)
    if not equal and a.percent != t.percent:
        scale = sympy.Rational(1, 100)
        if t.percent and isinstance(truth_value, sympy.Basic):
            equal = _equal(answer_value, truth_value * scale, None)
        elif a.percent and isinstance(answer_value, sympy.Basic):
            equal = _equal(answer_value * scale, truth_value, None)
    if not equal:
        equal = _item_by_item(a.text, t.text, fallback)
    stated = _APPROX_TAIL.search(t.text)
    if not equal and stated and isinstance(answer_value, sympy.Basic) and answer_value.is_number:
        equal = _equal(
            answer_value, _parse_labelled(stated.group(1)), _decimal_places(stated.group(1))
        )
    return _verdict(equal)


def _in_order(answer: str, truth: str, fallback: bool) -> bool | None:
    """A ground truth whose parts are separated by `;` (`3; 2`, the answers to a question's parts)
    against an answer of as many parts (`;`, `,` or "and" between them): part by part, in order.
    None when the ground truth has no such parts, they are groups of assignments (`p=5, q=2; p=7,
    q=2`, a set), or the counts differ."""
    parts_t = split_items(truth, ";")
    if len(parts_t) < 2 or _grouped(truth):
        return None
    parts_a = split_items(answer, ";")
    if len(parts_a) == 1:
        parts_a = split_items(_AND.sub(", ", answer))  # `a = 2 and b = 3`
    if len(parts_a) != len(parts_t) or len(parts_t) > MAX_ITEMS:
        return None
    return all(equivalent(x, y, fallback).equal for x, y in zip(parts_a, parts_t, strict=True))


def _item_by_item(answer: str, truth: str, fallback: bool) -> bool:
    """Two lists, tuples or sets of the same brackets compared item by item with every rule, so what
    holds for one answer holds inside a list (`\\frac13, \\sqrt3` answers `0.333, 1.732`); bare lists
    and sets in any order."""
    brackets = [_brackets(text) for text in (answer, truth)]
    if None in brackets or brackets[0][:2] != brackets[1][:2]:
        return False
    (opening, _, inner_a), (_, _, inner_t) = brackets
    items_a, items_t = split_items(inner_a), split_items(inner_t)
    if len(items_a) != len(items_t) or not 2 <= len(items_t) <= MAX_ITEMS:
        return False

    def same(item: str, other: str) -> bool:  # a set is never its one member here (`_same_item`)
        sets = [_brackets(text)[0] == "\\{" for text in (item, other)]
        return sets[0] == sets[1] and equivalent(item, other, fallback).equal

    if opening in {"", "\\{"}:
        remaining = list(items_t)
        for item in items_a:
            found = next((i for i, t in enumerate(remaining) if same(item, t)), None)
            if found is None:
                return False
            del remaining[found]
        return True
    return all(same(x, y) for x, y in zip(items_a, items_t, strict=True))


def _brackets(text: str) -> tuple[str, str, str] | None:
    """The brackets around a whole list and what they enclose (`("(", ")", "1, 2")`; a bare list has
    none); None when the brackets do not enclose it all."""
    text = text.strip()
    for opening, closing in (("\\{", "\\}"), ("(", ")"), ("[", "]"), ("(", "]"), ("[", ")")):
        if text.startswith(opening) and text.endswith(closing):
            inner = text[len(opening) : -len(closing)]
            depth = 0
            for char in inner:
                depth += DEPTH.get(char, 0)
                if depth < 0:
                    return None
            return (opening, closing, inner) if depth == 0 else None
    return "", "", text


def _choice_letters(text: str, run: bool = False) -> set[str] | None:
    """The letters of a list of two or more choices (`A, C`, `(A) and (C)`), else None. With `run`,
    also of distinct letters written in order with nothing between (`ACD`): said against a list."""
    letters = text.strip()
    if _CHOICE_LIST.match(letters):
        return set(re.findall(r"[A-J]", letters))
    if run and re.fullmatch(r"[A-J]{2,10}", letters) and list(letters) == sorted(set(letters)):
        return set(letters)
    return None


def _as_chain(text: str) -> str:
    """Two bounds on one letter joined by "and" (`x > 1 \\land x < 3`, `x \\geq 0 and x < 5`) as the
    chain they mean (`1 < x < 3`); any other text unchanged."""
    parts = [part.strip() for part in _CONJUNCTION.split(text)]
    bounds = [_BOUND.match(part) for part in parts]
    if len(parts) != 2 or not all(bounds) or bounds[0].group(1) != bounds[1].group(1):
        return text
    below, above = {}, {}
    for bound in bounds:
        letter, op, value = bound.groups()
        op = _BOUND_OPS.get(op, op)
        if op in {">", ">="}:
            below[_FLIPPED[op]] = value
        else:
            above[op] = value
    if len(below) != 1 or len(above) != 1:
        return text
    (low_op, low), (high_op, high) = next(iter(below.items())), next(iter(above.items()))
    latex = {"<": "<", "<=": "\\leq"}
    return f"{low} {latex[low_op]} {bounds[0].group(1)} {latex[high_op]} {high}"


def _same_alternatives(text: str) -> str | None:
    """The first of alternatives joined by "or" when they are all one value (`\\frac12 or 0.5`: a
    hedge between equal answers is no hedge), else None."""
    parts = [part.strip() for part in _HEDGE.split(f" {text} ") if part.strip()]
    if len(parts) < 2 or not all(equivalent(part, parts[0]).equal for part in parts[1:]):
        return None
    return parts[0]


def _solutions(text: str):
    """Alternatives joined by "or" that are the solutions of one letter: `x = 1 or x = -1` is the set
    `{1, -1}`, `x < 3 or x > 5` the union of two intervals; None for anything else (a hedge)."""
    try:
        parts = _HEDGE.split(f" {_SERIAL_HEDGE.sub('', text)} ")
        parts = [parse(part.strip()) for part in parts if part.strip()]
    except Unparseable:
        return None
    letters = {_condition_letter(p) for p in parts}
    if len(parts) < 2 or len(letters) != 1 or None in letters:
        return None
    if all(p.ops == ("=",) for p in parts):
        return Seq("{", "}", tuple(p.parts[1] for p in parts))
    if all(op in _CONDITIONS for p in parts for op in p.ops):
        return Union(tuple(parts))  # `x < 1 or x > 2`, `-1 < x < 0 or 0 < x < 1`
    return None


def _condition_letter(value) -> str | None:
    """The letter a relation is a condition on: named first (`x > 1`, `x = 2`, `x \\in (0, 1)`) or
    in the middle of a chain of bounds (`-1 < x < 0`); None for anything else."""
    if not isinstance(value, Relation):
        return None
    if len(value.parts) == 2 and _is_name(value.parts[0]):
        return str(value.parts[0])
    bounds = len(value.parts) == 3 and all(op in _BOUNDS for op in value.ops)
    return str(value.parts[1]) if bounds and isinstance(value.parts[1], sympy.Symbol) else None


def _sympy_values(answer: str, truth: str, a: Answer, t: Answer) -> tuple | None:
    """Both sides parsed, a side in Python/sympy syntax by sympy's reader (`m1*v1` names `m1`), when
    either side is written so; None when neither is, or a side does not parse."""
    raw = [strip_delimiters(answer), strip_delimiters(truth)]
    if not any(looks_like_sympy(text) for text in raw):
        return None
    try:
        return tuple(
            parse_sympy(text) if looks_like_sympy(text) else _parse_labelled(norm.text)
            for text, norm in zip(raw, (a, t), strict=True)
        )
    except Unparseable:
        return None


def _parse_labelled(text: str, fallback: bool = False):
    """The parsed answer; one whose label does not parse (`A:B = 4`, `\\angle ABC = 30`) is its value
    after the last `=`. Solutions written as assignments in groups (`p=5, q=2; p=7, q=2`) are the
    set of their tuples, `{(5, 2), (7, 2)}`. With `fallback`, text our parser refuses for any reason
    but size (`\\sum`, `\\int`, `\\lim`, a construct it does not know) is read by latex2sympy2_extended
    (see `latex_fallback`)."""
    groups = _assignment_groups(text) if _GROUP_BREAK.search(text) else None
    if groups is not None:
        return groups
    try:
        return parse(text)
    except Unparseable as refused:
        if fallback and not isinstance(refused, TooLarge):
            try:
                return parse_fallback(text)
            except Unparseable:
                pass
        if "=" not in text:
            raise
        return parse(text.rsplit("=", 1)[1])


def _same_numeral(answer: str, truth: str) -> bool:
    """A numeral with its base written (`1011_2`) answers, or is answered by, its bare digits."""
    texts = [strip_delimiters(text) for text in (answer, truth)]
    for based, bare in (texts, texts[::-1]):
        match = _BASED_NUMERAL.match(based)
        if match and match.group(1) == bare:
            return True
    return False


def _significant_figures(text: str) -> int | None:
    """How many significant figures a ground truth in scientific notation gives (`2.998 \\times
    10^{8}`: 4), when it gives at least two; else None."""
    match = _SCIENTIFIC.match(text)
    if not match:
        return None
    figures = len(match.group(1).replace(".", "").lstrip("-").lstrip("0"))
    return figures if figures >= 2 else None


def _rounds_to_figures(value: sympy.Basic, truth: sympy.Basic, figures: int) -> bool:
    """`value` rounded to the ground truth's significant figures is the ground truth (`299792458`
    answers `2.998 \\times 10^{8}`; `3.00 \\times 10^{8}` does not: it rounds to `3.000`)."""
    try:
        if truth == 0 or not value.is_real:
            return False
        exponent = sympy.floor(sympy.log(abs(truth), 10)) - (figures - 1)
        scaled = (value / sympy.Integer(10) ** exponent).evalf(figures + 30)
        rounded = sympy.floor(scaled + sympy.Rational(1, 2))
        return bool(rounded * sympy.Integer(10) ** exponent == truth)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return False


def _grouped(text: str) -> bool:
    """Whether `text` is groups of assignments (see `_assignment_groups`)."""
    return bool(_GROUP_BREAK.search(text)) and _assignment_groups(text) is not None


def _assignment_groups(text: str) -> Seq | None:
    """`p=5, q=2; p=7, q=2` (or `p=5, q=2 \\text{ or } p=7, q=2`) as the set `{(5, 2), (7, 2)}`;
    None unless every group assigns the same names (`a = 2; b = 3` is a list)."""
    tuples, names = [], set()
    for group in _GROUP_BREAK.split(text):
        try:
            value = parse(group.strip())
        except Unparseable:
            return None
        items = value.items if isinstance(value, Seq) and not value.open else (value,)
        if not all(
            isinstance(i, Relation) and i.ops == ("=",) and _is_name(i.parts[0]) for i in items
        ):
            return None
        values = tuple(i.parts[1] for i in items)
        tuples.append(values[0] if len(values) == 1 else Seq("(", ")", values))  # `x=1 or x=2`
        names.add(tuple(str(i.parts[0]) for i in items))
    return Seq("{", "}", tuple(tuples)) if len(names) == 1 else None


def _snap_long_decimals(value, text: str, other, rounded: bool = False):
    """The answer `value` with each long decimal written in its `text` (MIN_LONG_DECIMAL significant
    digits or more) replaced by the exact number of the ground truth (`other`) it is rounded or cut
    from, so `0.0833333333` is `\\frac{1}{12}` and `1.414214` is `\\sqrt{2}`, inside relations, lists,
    sets, intervals and matrices too (`x = 1.414214`, `y = 0.5x + 0.333333`), and in scientific
    notation (`2.314814815 \\times 10^{-3}` is `\\frac{1}{432}`). A number that has a finite decimal
    form is matched only exactly (`0.500001` is not `\\frac12`), and a short decimal never (`3.1416` is
    not `\\pi`). With `rounded`, the same for a ground truth's long decimals against the answer's
    exact numbers, which must round to them, as for a whole ground truth (`1.4142135` is a cut of
    `\\sqrt{2}`, not its rounding)."""
    decimals = _long_decimals(text)
    if not decimals:
        return value
    exact = [n for n in _numbers(other) if n.is_real and not (n.is_Rational and _finite_decimal(n))]
    close = _rounds_to if rounded else _within
    swaps = {}
    for decimal, places in decimals.items():
        for number in exact:
            if close(abs(number), decimal, places):
                swaps.update({decimal: abs(number), -decimal: -abs(number)})
    return _with_numbers(value, swaps) if swaps else value


def _long_decimals(text: str) -> dict:
    """The decimals in `text` of at least MIN_LONG_DECIMAL significant digits, as exact positive
    values, each with its number of decimal places (`2.314814815 \\times 10^{-3}`: 12)."""
    found = {}
    for whole, fraction, exponent in _LONG_DECIMAL.findall(text):
        if len((whole + fraction).lstrip("0")) >= MIN_LONG_DECIMAL:
            shift = int(exponent or 0)
            value = sympy.Rational(f"{whole or 0}.{fraction}") * sympy.Integer(10) ** shift
            found[value] = len(fraction) - shift
    return found


def _within(number: sympy.Basic, decimal: sympy.Rational, places: int) -> bool:
    """Whether `number` rounds or cuts to `decimal` at its `places`."""
    try:
        return bool(abs(decimal - number).evalf(30) < sympy.Rational(1, 10**places))
    except (TypeError, ValueError):
        return False


def _numbers(value) -> set:
    """Every number in a parsed value (the numbers of its sympy parts, and their sub-expressions)."""
    if isinstance(value, sympy.Basic):
        return {node for node in sympy.preorder_traversal(value) if node.is_number}
    return set().union(*(_numbers(part) for part in _parts(value)))


def _parts(value) -> tuple:
    """The values inside a structure (none inside anything else)."""
    if isinstance(value, Seq):
        return value.items
    if isinstance(value, Relation | Union):
        return value.parts
    if isinstance(value, Matrix):
        return tuple(x for row in value.rows for x in row)
    return ()


def _with_numbers(value, swaps: dict):
    """`value` with the numbers in `swaps` replaced, wherever they are in it."""
    if isinstance(value, sympy.Basic):
        return value.xreplace(swaps)
    if isinstance(value, Seq):
        return Seq(value.open, value.close, tuple(_with_numbers(i, swaps) for i in value.items))
    if isinstance(value, Relation):
        return Relation(tuple(_with_numbers(p, swaps) for p in value.parts), value.ops)
    if isinstance(value, Union):
        return Union(tuple(_with_numbers(p, swaps) for p in value.parts))
    if isinstance(value, Matrix):
        return Matrix(tuple(tuple(_with_numbers(x, swaps) for x in row) for row in value.rows))
    return value


def _decimal_places(text: str) -> int | None:
    """How many decimals a ground truth like `0.333` gives (3 significant digits at least), else None."""
    match = _DECIMAL.match(text)
    if not match:
        return None
    significant = len((match.group(1) + match.group(2)).lstrip("0"))
    return len(match.group(2)) if significant >= 3 else None


def _equal(a, b, places: int | None) -> bool:
    """Structural equality of parsed values (see the module docstring)."""
    if isinstance(a, sympy.Basic) and isinstance(b, sympy.Basic):
        return _same_number_or_expression(a, b, places)
    a, b = _condition(a), _condition(b)
    if not isinstance(a, Relation | Seq | Union | Matrix) and not isinstance(
        b, Relation | Seq | Union | Matrix
    ):
        return _equal(a, b, places)  # a relation that was only an `\\approx` tail
    if _conditions(a) or _conditions(b):  # `x > 1, x \\neq 2`: where every condition holds
        intervals = _as_intervals(a), _as_intervals(b, solve=True)
        return None not in intervals and _unordered(*intervals)
    if isinstance(a, Relation) or isinstance(b, Relation):
        return _relations(a, b)
    if isinstance(a, Seq) and isinstance(b, Seq):
        return _sequences(a, b)
    if isinstance(a, Seq) and len(a.items) == 1 and a.open == "{":
        return _equal(a.items[0], b, places)
    if isinstance(b, Seq) and len(b.items) == 1 and b.open == "{":
        return _equal(a, b.items[0], places)
    if isinstance(a, Union) and isinstance(b, Union):
        return _unordered(list(a.parts), list(b.parts))
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        return len(a.rows) == len(b.rows) and all(
            len(ra) == len(rb) and all(_equal(x, y, None) for x, y in zip(ra, rb, strict=True))
            for ra, rb in zip(a.rows, b.rows, strict=True)
        )
    vector, items = _vector(a, b) or _vector(b, a) or (None, None)
    if vector is not None:  # a one-column (or one-row) matrix is the tuple of its entries
        return len(vector) == len(items) and all(
            _equal(x, y, None) for x, y in zip(vector, items, strict=True)
        )
    return False


def _vector(matrix, seq) -> tuple | None:
    """The entries of a single-row or single-column `matrix`, and the items of the tuple or bare list
    `seq`, when they are those; else None."""
    if not (isinstance(matrix, Matrix) and isinstance(seq, Seq) and seq.open in {"(", ""}):
        return None
    rows = matrix.rows
    if len(rows) == 1:
        return rows[0], seq.items
    if all(len(row) == 1 for row in rows):
        return tuple(row[0] for row in rows), seq.items
    return None


def _condition(value):
    """A set given by one condition (`\\{n \\geq 13\\}`) is that condition; a relation is read as
    `_tidy` reads it; anything else is itself."""
    if isinstance(value, Seq) and value.open == "{" and len(value.items) == 1:
        if isinstance(value.items[0], Relation):
            value = value.items[0]
    return _tidy(value) if isinstance(value, Relation) else value


def _tidy(relation: Relation) -> Relation:
    """Drop an `\\approx` tail (`\\frac{7}{\\pi} \\approx 2.23` is `\\frac{7}{\\pi}`; `x \\approx 2.23`
    keeps its value) and read a chain of equalities by its ends (`x = 5+5+1 = 11` is `x = 11`)."""
    parts, ops = list(relation.parts), list(relation.ops)
    while ops and ops[-1] == "~" and (len(parts) > 2 or not _is_name(parts[0])):
        parts.pop()
        ops.pop()
    ops = ["=" if op == "~" else op for op in ops]
    if len(parts) > 2 and set(ops) == {"="}:
        parts, ops = [parts[0], parts[-1]], ["="]
    if len(parts) == 1:
        return parts[0]
    return Relation(tuple(parts), tuple(ops))


def _same_number_or_expression(a: sympy.Basic, b: sympy.Basic, places: int | None) -> bool:
    if a == b:
        return True
    if a.has(sympy.oo, -sympy.oo, sympy.zoo) or b.has(sympy.oo, -sympy.oo, sympy.zoo):
        return False
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    if not symbols:
        if a.is_Rational and b.is_Rational and places is None:
            return False
        return _same_number(a, b) or (places is not None and _rounds_to(a, b, places))
    if {str(s) for s in symbols} <= _INTEGER_NAMES and (_rounds(a) or _rounds(b)):
        # `\\lceil n/2 \\rceil` = `\\lfloor (n+1)/2 \\rfloor` for integers
        return _agree_at(a, b, symbols, _INTEGER_PROBES)
    if _agree_at(a, b, symbols, _probes(a, b)):
        return True
    return _branch_cut(a, b) and _agree_at(a, b, symbols, _probes(a, b, positive=True))


def _probes(*values: sympy.Basic, positive: bool = False) -> tuple:
    """The probe points for comparing `values`: the far ones too where one is piecewise; their
    absolute values with `positive` (see `_branch_cut`)."""
    probes = _PROBES + _FAR_PROBES if any(_piecewise(v) for v in values) else _PROBES
    return tuple(p.lstrip("-") for p in probes) if positive else probes


def _piecewise(value: sympy.Basic) -> bool:
    """Whether `value` may follow another branch far out: it takes an absolute value, a minimum, a
    rounding, ... or a root of a power (`\\sqrt{(x-20)^2}` is `|x - 20|`)."""
    if value.has(*_PIECEWISE):
        return True
    roots = [p for p in value.atoms(sympy.Pow) if not p.exp.is_integer]
    return any(p.base.has(sympy.Pow) for p in roots)


def _agree_at(a: sympy.Basic, b: sympy.Basic, symbols: list, probes: tuple) -> bool:
    return all(_agree(a, b, point) for point in _points(symbols, probes))


def _agree(a: sympy.Basic, b: sympy.Basic, point: dict) -> bool:
    """Whether `a` and `b` are equal at `point` (see `numeric.close`)."""
    try:
        x, y = evaluate(a, point), evaluate(b, point)
    except NotNumeric:
        return _close(_at(a, point), _at(b, point))
    return x is not None and y is not None and close(x, y)


def _points(symbols: list, probes: tuple) -> list[dict]:
    """One point per probe, each variable taking its own sequence of the probe values."""
    values = _fractions(probes)
    return [
        {s: values[(i + 3 * k) % len(values)] for k, s in enumerate(symbols)}
        for i in range(len(values))
    ]


@functools.lru_cache(maxsize=16)
def _fractions(probes: tuple) -> tuple[Fraction, ...]:
    return tuple(Fraction(p) for p in probes)


def _at(value: sympy.Basic, point: dict) -> sympy.Basic:
    """`value` at `point`, to 60 digits, by sympy (for what `numeric.evaluate` does not know). Where
    that is cheap (see `_exact_is_cheap`), the exact values are substituted and the result evaluated,
    several times faster than `evalf(subs=...)`."""
    point = {s: sympy.Rational(v) for s, v in point.items()}
    if _exact_is_cheap(value):
        return sympy.N(value.xreplace(point), 60)
    return value.evalf(60, subs=point)


@functools.lru_cache(maxsize=256)
def _exact_is_cheap(value: sympy.Basic) -> bool:
    """Whether every power in `value` has a small integer exponent. An exact root of a fraction is
    first factored, and an exact large power expanded (`x^{1000}` at 1.3117 has 4000 digits)."""
    return all(p.exp.is_Integer and abs(p.exp) <= MAX_EXACT_POWER for p in value.atoms(sympy.Pow))


def _branch_cut(*values: sympy.Basic) -> bool:
    """Whether every value takes a root (a non-integer power) and none an absolute value: then
    `\\sqrt{L/g}` and `\\sqrt{L}/\\sqrt{g}` differ only where a letter is negative, and are compared
    for positive letters, as physical quantities are. `\\sqrt{x^2}` is still not `x` (`x` takes no
    root), nor `|x|`."""

    def roots(value: sympy.Basic) -> bool:
        return any(not p.exp.is_integer for p in value.atoms(sympy.Pow))

    return all(roots(v) and not v.has(sympy.Abs) for v in values)


def _rounds(value: sympy.Basic) -> bool:
    return value.has(sympy.floor, sympy.ceiling)


def _finite_decimal(value: sympy.Rational) -> bool:
    q = int(value.q)
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1


def _rounds_to(value: sympy.Basic, decimal: sympy.Basic, places: int) -> bool:
    """`value` rounds to the ground-truth `decimal` at its places; a finite decimal must be exact."""
    if value.is_Rational and _finite_decimal(value):
        return False
    try:
        scaled = (value * 10**places).evalf(places + 30)
        rounded = sympy.floor(scaled + sympy.Rational(1, 2))
    except (TypeError, ValueError):
        return False
    return bool(rounded == decimal * 10**places)


def _same_number(a: sympy.Basic, b: sympy.Basic) -> bool:
    """Two exact numbers are equal: their difference is 0, or so small no digit of it can be found.

    sympy evaluates a nonzero difference to full relative precision however small it is, so
    `\\sqrt{10^{100}+1} - 10^{50}` (about 5e-51) is told apart from 0; a true identity
    (`\\log 8 - 3\\log 2`) evaluates to 0 or yields no digits, and is then checked as `_close` does.
    """
    try:
        difference = a - b
        if difference.is_Rational:
            return difference == 0
        return difference.evalf(60, strict=True) == 0
    except PrecisionExhausted:
        return _close(a, b)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return False


def _close(a: sympy.Basic, b: sympy.Basic) -> bool:
    """Numerically equal to 40 significant digits (exact numbers that differ never pass)."""
    try:
        difference = a - b
        if difference.is_Rational:
            return difference == 0
        delta = abs(sympy.N(difference, 60))
        scale = max(1, abs(sympy.N(a, 30)), abs(sympy.N(b, 30)))
        return bool(delta <= sympy.Float("1e-40") * scale)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return False


def _relations(a, b) -> bool:
    """Equations and inequalities, against each other or against a bare value/interval."""
    intervals_a, intervals_b = _as_intervals(a), _as_intervals(b, solve=True)
    if intervals_a is not None and intervals_b is not None:
        return _unordered(intervals_a, intervals_b)
    if isinstance(a, Relation) and isinstance(b, Relation):
        sides = (*a.parts, *b.parts)
        if len(sides) == 4 and all(isinstance(side, sympy.Basic) for side in sides):
            la, ra, lb, rb = sides
            solved = _solved_for(la, ra) | _solved_for(lb, rb)
            if _same_relation(la - ra, a.ops[0], lb - rb, b.ops[0], solved):
                return True
        # the same chain, part by part, read either way: `n \leq k \leq 3n`, `a < b < c` = `c > b > a`
        flipped = Relation(a.parts[::-1], tuple(_FLIPPED[op] for op in a.ops[::-1]))
        return any(
            chain.ops == b.ops
            and all(_equal(x, y, None) for x, y in zip(chain.parts, b.parts, strict=True))
            for chain in (a, flipped)
        )
    relation, value = (a, b) if isinstance(a, Relation) else (b, a)
    if relation.ops == ("in",) and _is_name(relation.parts[0]):
        return _equal(relation.parts[1], value, None)
    # `x = 3`, `|PQ| = 4`, `2^{10} = 1024` and `A^{-1} = M` answer their value
    if set(relation.ops) == {"="}:
        last = relation.parts[-1]
        entries = [x for row in last.rows for x in row] if isinstance(last, Matrix) else [last]
        constant = all(isinstance(x, sympy.Basic) and not x.free_symbols for x in entries)
        if constant or _is_name(relation.parts[0]):
            return _equal(last, value, None)
    return False


_BOUNDS = {"<", "<=", ">", ">="}
_CONDITIONS = _BOUNDS | {"!=", "in"}  # what a condition on one letter may say of it
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


def _solved_for(left: sympy.Basic, right: sympy.Basic) -> set:
    """The letter an equation is solved for: alone on one side and absent from the other."""
    return {
        side
        for side, other in ((left, right), (right, left))
        if isinstance(side, sympy.Symbol) and side not in other.free_symbols
    }


def _same_relation(
    f: sympy.Basic, op_f: str, g: sympy.Basic, op_g: str, solved: set = frozenset()
) -> bool:
    """Whether `f op_f 0` and `g op_g 0` are one relation: `g` is `f` times a nonzero constant `c`,
    with the same operator (the opposite one for an inequality when `c < 0`). So sides swapped,
    terms moved across and both sides scaled all compare equal (`2x + 4y - 3 = 0` is
    `y = -x/2 + 3/4`; `-x > -2` is `x < 2`), and nothing else does (`x^2 = 4` is not `x = 2`)."""
    ratio = _constant_ratio(f, g)
    if ratio is None:
        return op_f == op_g == "=" and _monomial_ratio(f, g, solved)
    if op_f in {"=", "!="}:
        return op_g == op_f
    return op_g == (op_f if ratio > 0 else _FLIPPED[op_f])


def _monomial_ratio(f: sympy.Basic, g: sympy.Basic, solved: set = frozenset()) -> bool:
    """Whether `f / g` is a constant times a product of the variables' powers: an equation solved
    for one of its letters (`F = m a` is `a = F / m`, assuming the letters divided by are nonzero),
    or, when one equation is solved for a letter, any factor free of that letter (`m_1 v_1 + m_2 v_2
    = (m_1 + m_2) v` is `v = (m_1 v_1 + m_2 v_2)/(m_1 + m_2)`; `x^2 = 4` is not `x = 2`: the
    factor `x + 2` holds `x`).

    Tested at the probe points first, which is fast and enough to refuse. A ratio that passes is
    confirmed exactly when a side has a large power or an exponential: their size at the probes can
    hide the other terms (`y = x^{1000}` is not `2y = 2x^{999}`)."""
    if sympy.count_ops(f) + sympy.count_ops(g) > MAX_RATIO_OPS:
        return False  # bounds the work where it runs in place, outside the timed worker
    if not _probed_monomial(f, g, solved):
        return False
    return (_moderate(f) and _moderate(g)) or _cancelled_monomial(f, g, solved)


def _probed_monomial(f: sympy.Basic, g: sympy.Basic, solved: set) -> bool:
    """`_monomial_ratio` at the probes: the ratio is free of a letter when moving that letter alone
    leaves it unchanged, and a monomial when each letter's exponent, read off by doubling the
    letter, predicts the ratio at every point."""
    symbols = sorted(f.free_symbols | g.free_symbols, key=str)
    points = _points(symbols, _probes(f, g))
    ratio = _ratio(f, g, points[0]) if symbols else None
    if ratio is None or ratio == 0:
        return False
    if any(_free_of(f, g, letter, points) for letter in solved):
        return not _roots_differ(f, g, symbols, points[0])
    exponents = {s: _exponent(f, g, s, points[0], ratio) for s in symbols}
    if None in exponents.values():
        return False
    constant = ratio / _monomial(points[0], exponents)
    for point in points[1:]:
        value = _ratio(f, g, point)
        if value is None or not close(value / _monomial(point, exponents), constant):
            return False
    return not _roots_differ(f, g, symbols, points[0])


def _roots_differ(f: sympy.Basic, g: sympy.Basic, symbols: list, point: dict) -> bool:
    """Whether a factor of the ratio adds solutions to one equation: with one letter set to 0, both
    sides are defined and exactly one vanishes (`x(x - 2) = 0` is not `x = 2`, `xy = 0` is not
    `x = 0`). A letter that a side divides by is taken as nonzero, as in `_monomial_ratio` (`PV = nRT`
    is `P = nRT/V`)."""
    for at in ({**point, s: Fraction(0)} for s in symbols):
        values = _value(f, at), _value(g, at)
        if None not in values and close(values[0], 0) != close(values[1], 0):
            return True
    return False


def _monomial(point: dict, exponents: dict):
    return MP.fprod(as_mp(point[s]) ** e for s, e in exponents.items())


def _cancelled_monomial(f: sympy.Basic, g: sympy.Basic, solved: set) -> bool:
    """`_monomial_ratio` exactly, from the ratio cancelled."""
    try:
        ratio = sympy.cancel(sympy.together(f / g))
    except (TypeError, ValueError, ZeroDivisionError, sympy.PolynomialError):
        return False
    if ratio == 0 or ratio.has(sympy.zoo, sympy.nan):
        return False
    if any(letter not in ratio.free_symbols for letter in solved):
        return True
    return all(
        (base.is_number and base != 0) or (isinstance(base, sympy.Symbol) and exp.is_Integer)
        for base, exp in ratio.as_powers_dict().items()
    )


def _moderate(value: sympy.Basic) -> bool:
    """Whether `value` has no exponential and no power above `MAX_EXACT_POWER` (roots are fine)."""
    powers = value.atoms(sympy.Pow)
    return not value.has(sympy.exp) and all(
        p.exp.is_Number and abs(p.exp) <= MAX_EXACT_POWER for p in powers
    )


def _free_of(f: sympy.Basic, g: sympy.Basic, letter, points: list[dict]) -> bool:
    """Whether the ratio `f / g` stays the same at each point when `letter` alone moves (to the
    value it has at the next point)."""
    for i, point in enumerate(points):
        moved = {**point, letter: points[(i + 1) % len(points)][letter]}
        here, there = _ratio(f, g, point), _ratio(f, g, moved)
        if here is None or there is None or not close(here, there):
            return False
    return True


def _exponent(f: sympy.Basic, g: sympy.Basic, letter, point: dict, ratio) -> int | None:
    """The power of `letter` in the ratio `f / g` if it has one: doubling the letter multiplies the
    ratio by a power of two."""
    doubled = _ratio(f, g, {**point, letter: 2 * point[letter]})
    factor = None if doubled is None else _real(doubled / ratio)
    if factor is None or factor <= 0:
        return None
    power = float(MP.log(factor, 2))
    return round(power) if abs(power - round(power)) < 1e-9 else None


def _ratio(f: sympy.Basic, g: sympy.Basic, point: dict):
    """`f / g` at `point` (see `_value`), or None where it is not a finite number."""
    denominator = _value(g, point)
    if denominator is None or denominator == 0:
        return None
    numerator = _value(f, point)
    return None if numerator is None else numerator / denominator


def _value(value: sympy.Basic, point: dict):
    """`value` at `point` as an `MP` number (complex where it is), or None where it is not a finite
    number. mpmath divides complex values far faster than sympy does."""
    try:
        number = evaluate(value, point)
    except NotNumeric:
        number = _sympy_value(value, point)
    return None if number is None else as_mp(number)


def _sympy_value(value: sympy.Basic, point: dict):
    try:
        value = _at(value, point)
        if value.is_Number:
            number = MP.mpmathify(value)
        else:
            real, imaginary = value.as_real_imag()
            number = MP.mpc(MP.mpmathify(real), MP.mpmathify(imaginary))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if MP.isfinite(number) else None


def _real(value):
    """The real number `value` is (to 40 digits), or None."""
    return MP.re(value) if abs(MP.im(value)) <= TOLERANCE * abs(value) else None


def _constant_ratio(f: sympy.Basic, g: sympy.Basic):
    """`f / g` when it is the same nonzero number at every probe point, else None (positive
    probes where both take roots, see `_branch_cut`)."""
    symbols = sorted(f.free_symbols | g.free_symbols, key=str)
    if not symbols:
        return None
    ratio = _ratio_at(f, g, symbols, _probes(f, g))
    if ratio is None and _branch_cut(f, g):
        ratio = _ratio_at(f, g, symbols, _probes(f, g, positive=True))
    return ratio


def _ratio_at(f: sympy.Basic, g: sympy.Basic, symbols: list, probes: tuple):
    ratio = None
    for point in _points(symbols, probes):
        value = _ratio(f, g, point)
        value = None if value is None else _real(value)
        if value is None or value == 0 or (ratio is not None and not close(value, ratio)):
            return None
        ratio = value if ratio is None else ratio
    return ratio


def _name_of(value) -> str | None:
    """The name a relation gives its value (`B = \\frac{\\pi}{4}`: `B`), or None."""
    if isinstance(value, Relation) and value.ops == ("=",) and _is_name(value.parts[0]):
        return str(value.parts[0])
    return None


def _named_value(value):
    """The value a relation names (`B = \\frac{\\pi}{4}`: `\\frac{\\pi}{4}`); any other value itself."""
    return value.parts[1] if _name_of(value) is not None else value


def _is_name(value) -> bool:
    """What stands left of `=` when an answer names its value: `x`, `a_1`, `f(x)` (read as f*x),
    or a tuple of names (`(x, y) = (1, 2)`)."""
    if isinstance(value, sympy.Symbol):
        return True
    if isinstance(value, Seq) and value.open == "(":
        return all(_is_name(item) for item in value.items)
    return isinstance(value, sympy.Mul) and all(isinstance(f, sympy.Symbol) for f in value.args)


def _as_intervals(value, solve: bool = False) -> list | None:
    """An interval, union of intervals, or one-variable inequality as a list of interval Seqs. With
    `solve` (a ground truth), an inequality in one letter is solved however it is written (`x^2 > 4`
    is `(-\\infty, -2) \\cup (2, \\infty)`); an answer must be solved already (a bound, a chain, or an
    absolute value of a linear expression), or restating the question would answer it."""
    if isinstance(value, Union):
        parts = [_as_intervals(part, solve) for part in value.parts]
        return None if any(p is None for p in parts) else [i for p in parts for i in p]
    if _conditions(value):
        parts = [_as_intervals(item, solve) for item in value.items]
        return None if any(p is None for p in parts) else _intersection(parts)
    if isinstance(value, Seq) and value.open in "([" and value.close in ")]" and value.open:
        return [value] if len(value.items) == 2 else None
    if isinstance(value, Relation):
        return _inequality(value, solve)
    return None


def _inequality(relation: Relation, solve: bool) -> list | None:
    ops = relation.ops
    parts = relation.parts
    if ops == ("in",):
        return _as_intervals(parts[1], solve)
    if ops == ("!=",) and _is_name(parts[0]) and isinstance(parts[1], sympy.Basic):
        if parts[1].is_real:  # `x \\neq 0` is every real but 0
            return [Seq("(", ")", (-sympy.oo, parts[1])), Seq("(", ")", (parts[1], sympy.oo))]
        return None
    if not all(op in {"<", "<=", ">", ">="} for op in ops) or not all(
        isinstance(p, sympy.Basic) for p in parts
    ):
        return None
    if len(parts) == 2 and any(p.has(sympy.Abs) for p in parts):
        return _solved_absolute(parts[0] - parts[1], ops[0])
    if len(parts) == 2 and not any(_is_name(p) for p in parts):
        parts, ops = _solved_linear(parts[0] - parts[1], ops[0])
    if any(op in {">", ">="} for op in ops):  # read right to left: `3 > x` is `x < 3`
        parts = parts[::-1]
        ops = tuple({">": "<", ">=": "<="}.get(op, "?") for op in ops[::-1])
        if "?" in ops:
            return None
    variables = [i for i, p in enumerate(parts) if _is_name(p)]  # `x`, `f(x)` (read as f*x)
    if len(parts) == 2 and variables == [0]:
        return [Seq("(", ")" if ops[0] == "<" else "]", (-sympy.oo, parts[1]))]
    if len(parts) == 2 and variables == [1]:
        return [Seq("(" if ops[0] == "<" else "[", ")", (parts[0], sympy.oo))]
    if len(parts) == 3 and variables == [1]:
        left = "(" if ops[0] == "<" else "["
        right = ")" if ops[1] == "<" else "]"
        return [Seq(left, right, (parts[0], parts[2]))]
    if solve and len(relation.parts) == 2:  # a ground truth left unsolved: `x^2 > 4`
        f = relation.parts[0] - relation.parts[1]
        return _solved_set(f, relation.ops[0]) if _one_letter_rational(f) else None
    return None


_SYMPY_RELATIONS = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}


def _solved_absolute(f: sympy.Basic, op: str) -> list | None:
    """`f op 0` with absolute values of expressions linear in one variable, as the intervals it holds
    on (`|x| > 1` is `(-\\infty, -1) \\cup (1, \\infty)`, `|x - 1| \\le 2` is `[-1, 3]`); None for
    anything else."""
    if len(f.free_symbols) != 1:
        return None
    (x,) = f.free_symbols
    inside = [a.args[0] for a in f.atoms(sympy.Abs)]
    if not all(sympy.degree(arg, x) == 1 for arg in inside if arg.is_polynomial(x)) or not all(
        arg.is_polynomial(x) for arg in inside
    ):
        return None
    return _solved_set(f, op)


def _conditions(value) -> bool:
    """Whether `value` is a bare list of two or more conditions on one letter that all must hold
    (`x > 1, x \\neq 2`, `-1 < x < 1, x \\neq 0`; a list of equations, `x = 1, x = 2`, lists
    solutions instead)."""
    if not (isinstance(value, Seq) and not value.open and len(value.items) >= 2):
        return False
    letters = {_condition_letter(item) for item in value.items}
    return (
        len(letters) == 1
        and None not in letters
        and all(op in _CONDITIONS for item in value.items for op in item.ops)
    )


def _intersection(conditions: list[list[Seq]]) -> list | None:
    """The intervals where every condition (a list of interval Seqs each) holds; None unless they
    are intervals."""
    sets = [
        sympy.Union(*(sympy.Interval(*i.items, i.open == "(", i.close == ")") for i in intervals))
        for intervals in conditions
    ]
    return _pieces(sympy.Intersection(*sets))


def _one_letter_rational(f: sympy.Basic) -> bool:
    """Whether `f` is a quotient of polynomials in one letter, of degree at most `MAX_SOLVED_DEGREE`."""
    if len(f.free_symbols) != 1 or f.has(sympy.Abs):
        return False
    (x,) = f.free_symbols
    if not f.is_rational_function(x):
        return False
    numerator, denominator = sympy.fraction(sympy.together(f))
    return all(sympy.degree(p, x) <= MAX_SOLVED_DEGREE for p in (numerator, denominator))


def _solved_set(f: sympy.Basic, op: str) -> list | None:
    """The intervals where `f op 0` holds, `f` in one letter; None unless they are intervals."""
    (x,) = f.free_symbols
    try:
        solved = sympy.solveset(_SYMPY_RELATIONS[op](f, 0), x, sympy.S.Reals)
    except (TypeError, ValueError, NotImplementedError):
        return None
    return _pieces(solved)


def _pieces(solved: sympy.Set) -> list | None:
    """A sympy set of reals as a list of interval Seqs; None unless it is a union of intervals."""
    pieces = solved.args if isinstance(solved, sympy.Union) else (solved,)
    if not all(isinstance(piece, sympy.Interval) for piece in pieces):
        return None
    return [
        Seq("(" if p.left_open else "[", ")" if p.right_open else "]", (p.start, p.end))
        for p in pieces
    ]


def _solved_linear(f: sympy.Basic, op: str) -> tuple[tuple, tuple]:
    """`f op 0`, with `f` linear in one variable, solved for it (`2x + 4 > 0` is `x > -2`);
    anything else is returned as it was."""
    unchanged = (f, sympy.Integer(0)), (op,)
    if len(f.free_symbols) != 1:
        return unchanged
    (x,) = f.free_symbols
    slope = sympy.diff(f, x)
    rest = sympy.expand(f - slope * x)
    if not slope.is_number or slope == 0 or rest.free_symbols or not slope.is_real:
        return unchanged
    return (x, -rest / slope), ((op if slope > 0 else _FLIPPED[op]),)


def _sequences(a: Seq, b: Seq) -> bool:
    a, b = _by_name(a, b), _by_name(b, a)
    opens = {a.open, b.open}
    if opens <= {"{", ""}:  # sets and bare lists: order does not matter
        items_a, items_b = _members(a), _members(b)
        solutions = all(isinstance(x, Seq) and x.open == "(" for x in items_a + items_b)
        if "{" in opens or (solutions and not _repeats(items_b)):  # a set: repeated members count
            # once (`1, 1, 2` is `\\{1, 2\\}`), as do tuples a ground truth lists once each
            return _covers(items_a, items_b) and _covers(items_b, items_a)
        return _unordered(items_a, items_b)  # `1, 1, 2` is not `1, 2, 2`
    listed = opens == {"", "["} and min(len(a.items), len(b.items)) > 2  # `[1, 2, 3]`: no interval
    if opens != {"", "("} and not listed and (a.open, a.close) != (b.open, b.close):
        return False  # `(1, 2)` is not `[1, 2]`; a bare list may answer a tuple
    return len(a.items) == len(b.items) and all(
        _same_item(x, y) for x, y in zip(a.items, b.items, strict=True)
    )


def _same_item(a, b) -> bool:
    """Items of a list or set compared: as answers are, except that a set is never its one member
    (`\\{5\\}` answers `5`, but `\\{\\{1\\}, 2\\}` is not `\\{1, 2\\}`)."""
    sets = [isinstance(item, Seq) and item.open == "{" for item in (a, b)]
    return sets[0] == sets[1] and _equal(a, b, None)


def _members(seq: Seq) -> list:
    """The items of a set or bare list, the values of a `\\pm` item among them (`\\pm 2, 3` is
    `-2, 2, 3`)."""
    return [
        v for item in seq.items for v in (item.items if isinstance(item, PlusMinus) else (item,))
    ]


def _covers(a: list, b: list) -> bool:
    """Whether every item of `b` equals some item of `a`."""
    return len(a) * len(b) <= MAX_ITEMS**2 and all(any(_same_item(x, y) for x in a) for y in b)


def _by_name(seq: Seq, other: Seq) -> Seq:
    """Assignments answering a tuple, in the order of their names (`y=3, x=2` answers `(2, 3)`, the
    pair (x, y)); `seq` itself otherwise."""
    items = seq.items
    if seq.open or other.open != "(" or len(items) != len(other.items):
        return seq
    if any(_is_name(item) for item in other.items):
        return seq
    if not all(isinstance(i, Relation) and i.ops == ("=",) for i in items):
        return seq
    names = [i.parts[0] for i in items]
    if not all(isinstance(n, sympy.Symbol) for n in names) or len(set(names)) < len(names):
        return seq
    ordered = sorted(items, key=lambda i: str(i.parts[0]))
    return Seq(seq.open, seq.close, tuple(ordered))


def _repeats(items: list) -> bool:
    """Whether a member is listed twice."""
    return any(_same_item(x, y) for i, x in enumerate(items) for y in items[i + 1 :])


def _unordered(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    remaining = list(b)
    for item in a:
        for index, other in enumerate(remaining):
            if _same_item(item, other):
                del remaining[index]
                break
        else:
            return False
    return True
