"""Normalise an answer string: strip LaTeX noise that never changes the value.

`normalize(text)` returns an `Answer`: the cleaned text, plus whether a percent sign or a degree sign was
removed (`50\\%` and `50` are both accepted for a ground truth of `50\\%`; `0.5` too) and the unit written
after the value (`5\\text{ km}`: `km`), so that two answers with different known units are told apart.
Python/sympy syntax becomes the LaTeX the parser reads (`x**2`, `sqrt(x)`, `tanh(u/2)`, `==`, `<=`,
`!=`). Everything here is plain string work, linear in the length of the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from k2_core.replies import braced, last_boxed

# Commands that only change size, and thin spaces (`1\\,000`); removed outright.
_NOISE = re.compile(
    r"\\(?:left|right|mleft|mright|middle|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg|displaystyle|textstyle|"
    r"scriptstyle|limits|nolimits|enspace|thinspace|negthinspace|hfill|mathstrut|textdollar|"
    r"tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge|hline|vline)(?![a-zA-Z])"
    r"|\\(?:color|hphantom|vphantom|phantom)\s*\{[^{}]*\}"  # a colour or an invisible box
)
_THIN_SPACE = re.compile(r"(?<!\\)\\[,:;!]")  # a space, as TeX sets it: `x\,dx` is `x dx`
# A backslash left at the very end (`185\\`, a line break `\\\\` or a space `\\ ` with nothing after).
_TRAILING_BACKSLASH = re.compile(r"(?:\\\\|\\)\s*$")
# A number of thousands, millions, ...: `3 million`, `2.5 billion`, `\text{1.5 million}`.
_SCALE_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_TEXT_OPEN = r"(\\(?:text|mathrm|textrm|mbox)\s*\{\s*)?"
_SCALED = re.compile(
    rf"(?<![\w.\\]){_TEXT_OPEN}(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?(?:\s|\\[,;:! ]|~)*{_TEXT_OPEN}"
    r"(thousand|million|billion|trillion)s?(?![a-zA-Z])(\s*\})?"
)
# Commands that separate words; replaced by a space.
# `a=2 \quad b=5`: a wide space between assignments separates them, as a comma does.
# `\\quad \\text{and} \\quad` between groups of assignments is the word alone.
_QUAD_WORD = re.compile(r"\\q?quad\s*\\text\s*\{\s*(and|or)\s*\}\s*\\q?quad")
_QUAD_LIST = re.compile(r"(=[^=,]*?)\s*\\q?quad\s*(?=[A-Za-z](?:_\{?\w+\}?)?\s*=)")
_SPACES = re.compile(r"\\q?quad|(?<!\\)\\ |~")  # no other command starts `quad`: `\\quadx_2` too
# Font and text wrappers whose content is the value: `\mathbf{v}` -> `v`, `\text{yes}` -> `yes`.
_WRAPPER = re.compile(
    r"\\(?:text|textbf|textit|textrm|texttt|textsf|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|"
    r"boldsymbol|bm|mathcal|mathscr|mathfrak|mbox|hbox|operatorname|emph|underline"
    r"|textcolor\s*\{[^{}]*\})\s*\{([^{}]*)\}"
)
_UNICODE = {
    "π": r"\pi ",
    "√": r"\sqrt ",
    "∞": r"\infty ",
    "≤": r"\leq ",
    "≥": r"\geq ",
    "⩾": r"\geq ",
    "⩽": r"\leq ",
    "≠": r"\neq ",
    "−": "-",
    "–": "-",
    "×": r"\times ",
    "·": r"\cdot ",
    "÷": r"\div ",
    "±": r"\pm ",
    "∓": r"\mp ",
    "⋅": r"\cdot ",
    "≈": r"\approx ",
    "∈": r"\in ",
    "∅": r"\emptyset ",
    "∖": r"\setminus ",
    "ℝ": r"\mathbb{R}",
    "…": r"\ldots ",
    "α": r"\alpha ",
    "β": r"\beta ",
    "γ": r"\gamma ",
    "θ": r"\theta ",
    "λ": r"\lambda ",
    "μ": r"\mu ",
    "ω": r"\omega ",
    "φ": r"\phi ",
    "∪": r"\cup ",
    "∩": r"\cap ",
    "\u200b": "",
    "∛": r"\sqrt[3]",
    "∜": r"\sqrt[4]",
    "ℤ": r"\mathbb{Z}",
    "ℕ": r"\mathbb{N}",
    "ℚ": r"\mathbb{Q}",
    "δ": r"\delta ",
    "ε": r"\epsilon ",
    "ρ": r"\rho ",
    "σ": r"\sigma ",
    "τ": r"\tau ",
    "Δ": r"\Delta ",
    "Ω": r"\Omega ",
    "€": "",
    "£": "",
    "¥": "",
    "₹": "",
    "₽": "",
    "₩": "",
}
# Python/sympy relations, in their LaTeX spelling; `!=` needs a space beside it (`5!=120` is 5! = 120).
# Unicode superscripts and subscripts (`x²`, `10⁻³`, `a₁₂`): a power and a subscript.
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUBSCRIPTS = re.compile("[₀₁₂₃₄₅₆₇₈₉]+")
_SCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺₀₁₂₃₄₅₆₇₈₉", "0123456789-+0123456789")
_PY_RELATIONS = re.compile(r"==|<=|>=|\s!=|!=\s|\\not\s*=")  # and LaTeX's `\not=`
_PY_RELATION_LATEX = {"==": "=", "<=": r" \leq ", ">=": r" \geq "}
_ALIASES = {
    r"\dfrac": r"\frac",
    r"\tfrac": r"\frac",
    r"\cfrac": r"\frac",
    r"\le": r"\leq",
    r"\ge": r"\geq",
    r"\leqslant": r"\leq",
    r"\geqslant": r"\geq",
    r"\top": "T",  # a transpose, `A^{\top}`
    r"\intercal": "T",
    r"\leqq": r"\leq",
    r"\geqq": r"\geq",
    r"\ne": r"\neq",
    r"\lt": "<",
    r"\gt": ">",
    r"\to": r"\rightarrow",
    r"\dbinom": r"\binom",
    r"\tbinom": r"\binom",
    r"\lbrace": r"\{",
    r"\rbrace": r"\}",
    r"\lbrack": "[",
    r"\overrightarrow": r"\vec",  # `\overrightarrow{AB}` is `\vec{AB}`, as written
    r"\lgroup": "(",
    r"\rgroup": ")",
    r"\rbrack": "]",
    r"\backslash": r"\setminus",  # `\mathbb{R} \backslash \{0\}`
    r"\vert": "|",
    r"\lvert": "|",
    r"\rvert": "|",
    r"\mid": "|",
    r"\lor": r"\vee",  # `x \le 3 \lor x > 5`: alternatives, as "or"
    r"\bigcup": r"\cup",
    r"\bigcap": r"\cap",
}
_COMMAND = re.compile(r"\\[a-zA-Z]+")
# `^\\circ` or `^{\\circ}`; a brace is taken only with its partner (`\\frac{\\sin 80^\\circ}{2}`).
_CIRCLE = r"\^\s*(?:\{\s*\\circ\s*\}|\\circ)"
# A bare `\circ` is a degree sign only after a number: `f \circ g` composes.
_DEGREE = re.compile(_CIRCLE + r"|(?<=\d)\s?\\circ|\\degree|°|\bdegrees?\b")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])")
_DEGREES_IN_TRIG = re.compile(r"(\d+(?:\.\d+)?)\s*(?:" + _CIRCLE + r"|°|\\degree)")
_PERCENT = re.compile(r"\\?%|\bpercent\b")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:(?:,|\{,\})\d{3})+(?![\d])")
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?\d+)(?![\w.])")
_FRAC_DIGITS = re.compile(r"\\frac\s*(\d)\s*(\d)")
_MIXED = re.compile(r"(?<![\w.}^_{])(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}")
_MIXED_PLAIN = re.compile(r"^(-?)(\d+)\s+(\d+)/(\d+)$")
# What a unit in \text{} or \mathrm{} may hold: `cm`, `m/s^2`, `m\,s^{-1}`, `kJ/(kg \cdot K)`, `\mu m`,
# `°F`, `o'clock`.
_UNIT_TEXT = (
    r"(?:°|\\mu|[a-zA-Z])(?:[a-zA-Z ./^\d{}()'°\-]|\\[,;:! ]|\\(?:cdot|mu|Omega)(?![a-zA-Z]))*"
)
# A trailing unit in \text{} (`5\text{ cm}`), or bare (`5 cm`, `12 square units`), after a value.
_TEXT_UNIT = re.compile(
    r"(?<=[\w})\]])(?:\s|\\[,;:!]|\\ |~)*\\(?:text|textbf|textit|textrm|textnormal|textsf|mbox|mathrm)"
    rf"\s*\{{\s*~?(?!\s*[ie]\s*\}})({_UNIT_TEXT})\}}(\^\{{?-?\d\}}?)?$"
)  # `2\mathrm{i}` and `\mathrm{e}` are the imaginary unit and Euler's number, not units
# A compound unit in physics style after a value: `\mathrm{m/s^2}`, `\mathrm{~m} / \mathrm{s}^{2}`,
# `\text{J s}`: unit wrappers joined by `/`, `\cdot`, powers and spaces, up to the end.
_UNIT_WORD = rf"\\(?:text|mathrm|textrm|mbox)\s*\{{\s*~?{_UNIT_TEXT}\}}(?:\^\{{?-?\d\}}?)?"
_COMPOUND_UNIT = re.compile(
    rf"(?<=[\d}}])(?:\s|\\[,;:!]|\\ |~)*{_UNIT_WORD}(?:\s*(?:/|\\cdot)?\s*{_UNIT_WORD})+$"
)
# Chinese and Japanese letters; the words that negate (`不是`), and those that, after a value, refuse,
# reject or operate on it (`x=3舍去`, `5ではない`, `5的平方根`, `10多个`, `3岁半`).
CJK_LETTERS = "\u3040-\u30ff\u3400-\u9fff"
CJK_NEGATION = re.compile(r"不|非|没|沒|无|無|未")
CJK_REFUSAL = re.compile(rf"{CJK_NEGATION.pattern}|否|舍|捨|错|錯|增根|多|半|的|な|ません|ず")
# Chinese or Japanese words after a value, to the end, with no digit or math among them (bounded).
_CJK_UNIT = re.compile(rf"(?<=[\d}})])\s*[{CJK_LETTERS}][^\d$\\]{{0,30}}$")
# A value (a number, or math ending in a digit, a brace or `\\pi`: `\\frac{1}{2} cm`, `12\\pi cubic
# inches`) and the words after it;
# glued to a number only a known unit (`12cm`, `3s`; `2x` stays a product).
_BARE_UNIT = re.compile(r"^([-+]?[\d.,/]+|.*(?:[\d}]|\\pi))\s+([a-zA-Z][a-zA-Z ]*)(\^\d)?$")
_GLUED_UNIT = re.compile(r"^([-+]?[\d.,]*\d)([a-zA-Z]+)(\^\d)?$")
# Units in their common spellings, for telling `5 km` from `5 m`; unknown words are not compared.
_UNITS = {
    "um": ("\\mu m", "µm", "μm", "micrometer", "micrometers", "micron", "microns"),
    "mm": ("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    "cm": ("cm", "centimeter", "centimeters", "centimetre", "centimetres"),
    "m": ("m", "meter", "meters", "metre", "metres"),
    "km": ("km", "kilometer", "kilometers", "kilometre", "kilometres"),
    "in": ("in", "inch", "inches"),
    "ft": ("ft", "foot", "feet"),
    "mi": ("mi", "mile", "miles"),
    "mg": ("mg", "milligram", "milligrams"),
    "g": ("g", "gram", "grams"),
    "kg": ("kg", "kilogram", "kilograms"),
    "ms": ("ms", "millisecond", "milliseconds"),
    "s": ("s", "sec", "second", "seconds"),
    "min": ("min", "minute", "minutes"),
    "h": ("h", "hr", "hour", "hours"),
    "day": ("day", "days"),
    "l": ("l", "liter", "liters", "litre", "litres"),
    "ml": ("ml", "milliliter", "milliliters", "millilitre", "millilitres"),
}
_UNIT_NAMES = {spelling: unit for unit, spellings in _UNITS.items() for spelling in spellings}
_UNIT_WORDS = {*_UNIT_NAMES, "sq", "cu"}  # with the qualifiers of `5 sq m`, `2 cu ft`
# Whole answers that name a number in words (`five`, `twenty-one`).
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {word: str(value) for value, word in enumerate(_ONES)} | {
    f"{tens}{joint}{_ONES[ones]}" if ones else tens: str(10 * n + ones)
    for n, tens in enumerate(_TENS, start=2)
    for ones in range(10)
    for joint in ("-", " ")
}
# Each known unit's quantity and size in that quantity's base unit, so `5 km` = `5000 m`.
_UNIT_SIZES = {
    "um": ("length", Fraction(1, 10**6)),
    "mm": ("length", Fraction(1, 1000)),
    "cm": ("length", Fraction(1, 100)),
    "m": ("length", Fraction(1)),
    "km": ("length", Fraction(1000)),
    "in": ("length", Fraction(254, 10000)),
    "ft": ("length", Fraction(3048, 10000)),
    "mi": ("length", Fraction(1609344, 1000)),
    "mg": ("mass", Fraction(1, 10**6)),
    "g": ("mass", Fraction(1, 1000)),
    "kg": ("mass", Fraction(1)),
    "ms": ("time", Fraction(1, 1000)),
    "s": ("time", Fraction(1)),
    "min": ("time", Fraction(60)),
    "h": ("time", Fraction(3600)),
    "day": ("time", Fraction(86400)),
    "l": ("volume", Fraction(1)),
    "ml": ("volume", Fraction(1, 1000)),
}
# Digit groups split by thin spaces (`12,\\!345`, `12\\,345`) or plain spaces (`12 345`, the whole answer).
_GROUPED = re.compile(r"(?<=\d),?\\[,!]\s*(?=\d{3}(?!\d))")
# `,\\!` joins digit groups of two as well (`56,\\!01,\\!78,\\!95,\\!760`, Indian grouping): outside
# brackets it is only ever a digit separator (`\\{10,\\!20,\\!30\\}` stays a set).
_THIN_COMMA_GROUPS = re.compile(r"(?<![\d.,({\[])\d{1,3}(?:,\\!\s*\d{2,3})+(?![\d,)}\]\\])")
_THIN_COMMA = re.compile(r",\\!\s*")
_SET_OPERATOR = re.compile(r"\\(?:cup|cap|setminus)(?![a-zA-Z])")
_OPERAND_STARTS = ("(", "[", ",", r"\cup", r"\cap", r"\setminus")
_SPACED_THOUSANDS = re.compile(r"^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$")
# A currency sign or code before a number: `\\$5`, `USD 500`, `Rs. 500`.
_CURRENCY = re.compile(
    r"^(?:\\?\$|(?:USD|EUR|GBP|INR|Rs|CAD|AUD|JPY|CNY|RMB|AED)\.?)\s*(?:\\[,;:!]\s*)*(?=\d)"
)
# Names written as plain text (`9*sqrt(23)/23`, `1 - 2/pi`) become the LaTeX commands they name.
_PLAIN_NAMES = re.compile(
    r"(?<![\\a-zA-Z])(sqrt|pi|sinh|cosh|tanh|sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|ln|log|exp"
    r"|alpha|beta|gamma|delta|epsilon|zeta|theta|kappa|lambda|sigma|tau|phi|omega|rho|psi)"
    r"(?![a-zA-Z])"
)
_SYMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "Abs": "abs"}
_ABS = re.compile(r"(?<![\\a-zA-Z])abs\s*(?=\()")  # `abs(x)`: the parser reads `|x|`
_PLAIN_POWER = re.compile(r"\*\*\s*(\d+)?")  # `2**25` is `2^{25}`
# Combinatorics written as functions: `C(6,3)`, `C_6^3` and `{6 \\choose 3}` are binomials, `P(5,2)`
# counts arrangements, `5!/(5-2)!`. Only with numbers inside, where the letter cannot be a function.
_CHOOSE = re.compile(r"\{\s*([^{}]+?)\s*\\choose\s*([^{}]+?)\s*\}|^(\S+)\s*\\choose\s*(\S+)$")
_COMBINATION = re.compile(r"(?<![\\a-zA-Z])C\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_COMBINATION_INDICES = re.compile(r"(?<![\\a-zA-Z])C_\{?(\d+)\}?\^\{?(\d+)\}?(?![\d}])")
_PERMUTATION = re.compile(r"(?<![\\a-zA-Z])P\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)")
# `f^{-1}(x) = ...` labels its value like `f(x) = ...`; the label is renamed, not read as `x/f`.
_INVERSE_LABEL = re.compile(
    r"(?<![\\a-zA-Z])([a-zA-Z])\^\{\s*-1\s*\}\s*(?:\\left)?\(\s*([a-zA-Z])\s*(?:\\right)?\)(?=\s*=)"
)
# A prime is part of a name (`y'`, `f''(x)`, `A'B'`; not `Bob's`), as is a derivative written as
# a fraction (`\frac{dy}{dx}` is `y'`): the second reader would drop them (`y'' = 6` as `y = 6`).
_SQUARED = r"\^\s*\{?\s*2\s*\}?"
_DERIVATIVE = re.compile(
    rf"\\frac\s*\{{\s*d\s*({_SQUARED})?\s*([a-zA-Z])\s*\}}\s*\{{\s*d\s*[a-zA-Z]\s*(?:{_SQUARED})?\s*\}}"
)
_PRIME = re.compile(r"(?<![a-zA-Z\\])([a-zA-Z])\s*('+|\^\s*\{\s*\\prime\s*\})")
# ... and of a named command, subscripted or not (`\\omega_{L}^{\\prime}`, `\\theta'`).
_PRIMED_COMMAND = re.compile(
    r"(\\[a-zA-Z]+)(?:_\{([A-Za-z]+)\}|_([A-Za-z]))?\s*('+|\^\s*\{\s*\\prime\s*\}|\^\s*\\prime(?![a-zA-Z]))"
)
# `2^10` means 2^{10} (LaTeX would read 2^1 0): a power of several digits is taken whole.
_LONG_EXPONENT = re.compile(r"(?<=[\w)}])\^(\d{2,})(?![\d.])")
# Infinity in words, and as sympy writes it (`oo`).
_INFINITY = re.compile(r"(?<![\\a-zA-Z])(?:infinity|inf|oo)(?![a-zA-Z])", re.IGNORECASE)
# Sets written the way people type them: a plain `U` joining intervals, a minus before a set
# (`\mathbb{R} - \{1\}`), the positive or negative reals (`\mathbb{R}^+`, `\mathbb{R}_{>0}`,
# `\mathbb{R}_{\geq 0}`) and the nonzero ones (`\mathbb{R}^*`).
_PLAIN_UNION = re.compile(r"(?<=[)\]])\s*U\s*(?=[(\[])")
_SET_MINUS = re.compile(r"(\\mathbb\s*\{?\s*R\s*\}?|[)\]])\s*-\s*(?=\\\{)")
_HALF_LINE = re.compile(
    r"\\mathbb\s*\{?\s*R\s*\}?\s*"
    r"(?:\^\s*\{?\s*([+*-])\s*\}?|_\s*\{?\s*([+-]|(?:[<>]=?|\\[gl]eq?(?![a-z]))\s*0)\s*\}?)"
)
_HALF_LINES = {  # `\mathbb{R}^*` (French) is every real but 0
    "+": r"(0, \infty)",
    ">0": r"(0, \infty)",
    ">=0": r"[0, \infty)",
    "-": r"(-\infty, 0)",
    "<0": r"(-\infty, 0)",
    "<=0": r"(-\infty, 0]",
    "*": r"(-\infty, 0) \cup (0, \infty)",
}
# "or" and "and" in Chinese, French and Russian (`x < 1 \text{或} x > 3`, `x = 1 ou x = 2`),
# wrapped in `\text{}` or not: the English words, which the comparison reads.
_IN_ENGLISH = {"或": "or", "或者": "or", "ou": "or", "или": "or"}
_IN_ENGLISH |= {"且": "and", "并且": "and", "et": "and", "и": "and"}
_OTHER_LANGUAGE = re.compile(
    r"\\(?:text|mbox|textrm|mathrm)\s*\{\s*(或者|或|并且|且|ou|или|et|и)\s*\}"
    r"|(或者|或|并且|且)|(?<!\S)(ou|или|et|и)(?!\S)"
)
_WHOLE_BOX = re.compile(r"^\\(?:boxed|fbox)\s*(?=\{)")
# `0.1\overline{6}` is a repeating decimal (1/6); `\overline{AB}` names a segment, `AB`.
_REPEATING = re.compile(r"(?<![\d.])(\d*)\.(\d*)\\overline\s*\{(\d+)\}")
_SEGMENT = re.compile(r"\\overline\s*\{([A-Z]+)\}")
# A remark in brackets after the answer: `m=-1 (discard m=3)`, `a=2 (since a>0)`, `x=4 (x=-1 rejected)`.
_REMARK = re.compile(
    r",?\s*\((?=[^()]*(?:\b(?:discard|discarded|reject|rejected|since|because|extraneous)\b|舍))"
    r"[^()]*\)\s*$",
    re.IGNORECASE,
)
_REJECTING = re.compile(r"discard|reject|extraneous|舍", re.IGNORECASE)
_SIGNED = re.compile(r"-?\d+(?:\.\d+)?")
# A point named before its coordinates, `P(2, -1)`, `M_1(0, 1, 2)`: the coordinates (with a number
# among them: `C(x, y)` stays a function).
_NAMED_POINT = re.compile(r"^[A-Z](?:_\{?\w+\}?|')?\s*(\(.*,.*\))$")
# `\angle ACD` names one angle: its letters keep their order (`\angle ADC` is another angle).
_ANGLE = re.compile(r"\\angle\s*\{?([A-Z]{1,3})\}?(?![A-Za-z])")
# A numeral in another base, `1011_2`, `A3_{16}` (it starts with a digit, so `b_{12}` stays a name).
# Whole answers written as words or set names that mean a value.
_WHOLE_WORDS = {
    "infinity": r"\infty",
    "inf": r"\infty",
    "-infinity": r"-\infty",
    r"\mathbb{r}": r"(-\infty, \infty)",
    r"\mathbb r": r"(-\infty, \infty)",
    **dict.fromkeys(("all real numbers", "all reals", "all real values"), r"(-\infty, \infty)"),
    **{
        f"no {real}{kind}": r"\emptyset"
        for real in ("", "real ")
        for kind in ("solution", "solutions")
    },
    **_NUMBER_WORDS,
}
# An interval in the French style, its reversed brackets open: `]2, 5[` is (2, 5), `[1, 3[` is [1, 3),
# alone or in a union.
_REVERSED_INTERVAL = re.compile(r"^([\[\]])\s*([^\[\]]+?)\s*[,;]\s*([^\[\]]+?)\s*([\[\]])$")
# A superscript written before the subscript (`x^2_1`, `a^{3}_{n}`) is that of the subscripted name.
_SCRIPT = r"(\{[^{}]*\}|[a-zA-Z0-9])"
_SUPERSCRIPT_FIRST = re.compile(rf"\^\s*{_SCRIPT}\s*_\s*{_SCRIPT}")
# An ordinal suffix after a number (`5^{\\text{th}}`, `5^{th}`, `21st`): the number.
_ORDINAL_WORD = r"(?:st|nd|rd|th)"
_ORDINAL = re.compile(
    rf"(?<=\d)(?:\^\s*(?:\{{\s*(?:\\(?:text|mathrm|textrm)\s*\{{\s*{_ORDINAL_WORD}\s*\}}|{_ORDINAL_WORD})\s*\}}"
    rf"|\\(?:text|mathrm|textrm)\s*\{{\s*{_ORDINAL_WORD}\s*\}})|{_ORDINAL_WORD}(?![a-zA-Z]))"
)
# `\\operatorname{lcm}` and a bare `gcd(` become the commands the parser knows, as do functions
# written as operator names (`\\operatorname{arcsin}`, sympy's `\\operatorname{asin}`, ISO's
# `\\operatorname{arsinh}`); `\\lg` is the base-10 logarithm.
_OPERATOR_SPELLINGS = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}
_OPERATOR_SPELLINGS |= {f"{prefix}{name}": f"arc{name}" for prefix in ("a", "ar", "arc")
                        for name in ("sinh", "cosh", "tanh")}  # fmt: skip
# (the closing brace after each name picks `sinh` over `sin`, whatever their order)
_OPERATOR_NAMES = "|".join(
    [*_OPERATOR_SPELLINGS, *"gcd lcm arcsin arccos arctan sinh cosh tanh sin cos tan cot".split()]
    + "sec csc ln log exp floor ceil".split()
)
_DIVISOR_NAMES = re.compile(
    rf"\\operatorname\s*\{{\s*({_OPERATOR_NAMES})\s*\}}|(?<![\\a-zA-Z])(gcd|lcm)(?=\s*\()"
    r"|\\(arsinh|arcosh|artanh)(?![a-zA-Z])"
)
_LG = re.compile(r"\\lg(?![a-zA-Z])")
# A qualifier naming the integers a periodic answer runs over (`\\frac{\\pi}{2} + k\\pi, k \\in
# \\mathbb{Z}`, `,\\ k \\in \\mathbb{Z}`, `\\ (k \\in \\mathbb{Z})`, `(k \\in Z)`,
# `\\text{ for } k \\in \\mathbb{Z}`): dropped.
_GAP = r"(?:\s|\\[,;:! ]|~|\\q?quad)*"
_INTEGER_QUALIFIER = re.compile(
    rf"{_GAP}(?:[,;]{_GAP}\(?|\(|\\text\s*\{{\s*(?:for|where)\s*\}}|\\(?:q?quad|[ ,;])\s*\(?)"
    r"\s*(?:\\forall\s*)?[a-zA-Z](?:\s*,\s*[a-zA-Z])*\s*\\in\s*(?:\\mathbb\s*\{?\s*)?Z\s*\}?\s*\)?\s*$"
)
_SET_BUILDER = re.compile(
    r"^\\\{\s*([a-zA-Z])\s*(?:\\in\s*\\mathbb\s*\{?R\}?\s*)?(?:\||:)\s*(.+?)\s*\\\}$"
)  # `\\{x \\mid x > 2\\}`, `\\{x \\in \\mathbb{R} : x > 2\\}`
# Environments that only align lines (`\\begin{aligned} x &= 2 \\end{aligned}`): their lines are a list.
_ALIGNED = re.compile(
    r"\\(?:begin|end)\s*\{\s*(?:aligned|align\*?|gathered|gather\*?|split|cases)\s*\}"
)
# A system in an array opened by a brace (`\left\{\begin{array}{l} x = 1 \\ y = 2 \end{array}\right.`)
# is a `cases`; an array in brackets stays a matrix.
_BRACED_ARRAY = re.compile(
    r"^\\left\s*\\\{\s*\\begin\s*\{\s*array\s*\}\s*\{[^{}]*\}(.*)"
    r"\\end\s*\{\s*array\s*\}\s*\\right\s*\.$",
    re.DOTALL,
)
# A value given as an approximation (`\\approx 3.14`): the value.
_LEADING_APPROX = re.compile(r"^(?:\\approx|\\simeq|\\sim|≈)\s*")
# A modulus after a residue: `7 \\pmod{12}`, `7 \\pmod 12`, `7 \\bmod 12`, `7 \\mod 12`, `(\\mod 12)`.
_MODULUS = re.compile(
    r"\s*(?:\(\s*)?\\(?:pmod|bmod|mod)\s*(\{[^{}]*\}|\d+|[a-zA-Z](?![a-zA-Z]))\s*\)?\s*$"
    r"|\s*\(\s*mod\s*(\d+)\s*\)\s*$"
)
_BASED = re.compile(r"(?<![\w.])(\d[0-9A-Za-z]*)_\{?(\d{1,2})\}?(?![\w}])")


@dataclass(frozen=True)
class Answer:
    """A normalised answer: `text` to parse, and the signs that were removed from it."""

    text: str
    percent: bool = False
    degrees: bool = False
    unit: str = ""


def _without_thousands_commas(match: re.Match) -> str:
    """`12,345` is 12345, but a bracketed pair is a pair: `(12,102)` is the interval or point."""
    start, end = match.span()  # a bounded look around: linear in the text
    before, after = match.string[max(0, start - 16) : start], match.string[end : end + 16]
    pair = before.rstrip().endswith(("(", "[")) and after.lstrip().startswith((")", "]"))
    if pair and match.group().count(",") == 1:
        return match.group()
    return match.group().replace("{,}", "").replace(",", "")


def split_modulus(text: str) -> tuple[str, str | None]:
    """`text` without a trailing modulus (`7 \\pmod{12}`), and the modulus (`12`), or None."""
    text = strip_delimiters(text)
    match = _MODULUS.search(text)
    if not match:
        return text, None
    modulus = (match.group(1) or match.group(2)).strip("{} ")
    return text[: match.start()], modulus


def unit_scale(a: Answer, b: Answer) -> Fraction | None:
    """What `a`'s value is multiplied by to be in `b`'s unit: 1 unless both name known units
    (`5 km` against `m`: 1000), None when those measure different quantities (`5 km`, `5 kg`)."""
    sized_a, sized_b = unit_size(a.unit), unit_size(b.unit)
    if sized_a is None or sized_b is None:
        return Fraction(1)
    (quantity_a, size_a), (quantity_b, size_b) = sized_a, sized_b
    return size_a / size_b if quantity_a == quantity_b else None


def unit_size(word: str) -> tuple[str, Fraction] | None:
    """The quantity a known unit measures and its size in that quantity's base unit (`km`:
    `("length", 1000)`; `hours`: `("time", 3600)`), or None."""
    unit = _UNIT_NAMES.get(word.lower())
    return _UNIT_SIZES[unit] if unit else None


def _is_unit(words: str, value: str, glued: bool) -> bool:
    """Whether the words after a value are its unit: a known unit, or words of three letters or
    more (`12 apples`, `6 square units`); a lone letter is a variable (`2 x` is 2x, `5 m` metres),
    and so is a lone unit letter after a value that holds letters (`\\pi r^2 h` is a volume).
    Glued to the number, a known unit or a word of four letters or more (`12cm`, `10weeks`; `2xyz`
    stays a product)."""
    if glued:
        return words.lower() in _UNIT_NAMES or len(words) >= 4
    if "\\int" in value:  # `\\int_0^1 x dx`: the variable of integration
        return False
    if len(words.strip()) == 1 and re.search(r"[a-zA-Z]", re.sub(r"\\[a-zA-Z]+", "", value)):
        return False
    return all(word.lower() in _UNIT_WORDS or len(word) >= 3 for word in words.split())


DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}  # how a bracket changes the nesting


def split_items(text: str, separator: str = ",") -> list[str]:
    """`text` split at its top-level commas, or `separator` (none inside brackets, braces or
    `\\{ \\}`)."""
    depth, items, start = 0, [], 0
    for index, char in enumerate(text):
        depth += DEPTH.get(char, 0)
        if char == separator and depth == 0:
            items.append(text[start:index])
            start = index + 1
    return [*items, text[start:]]


def _operator(match: re.Match) -> str:
    name = next(group for group in match.groups() if group)
    return "\\" + _OPERATOR_SPELLINGS.get(name, name)


def _half_line(match: re.Match) -> str:
    sign = (match.group(1) or match.group(2)).replace(" ", "")
    sign = re.sub(r"\\geq?", ">=", re.sub(r"\\leq?", "<=", sign))
    return _HALF_LINES[sign]


def _primed_command(match: re.Match) -> str:
    name, subscript = match.group(1), match.group(2) or match.group(3) or ""
    return f"{name}_{{{subscript}{'prime' * (match.group(4).count(chr(39)) or 1)}}}"


def _primed(match: re.Match) -> str:
    primes = match.group(2).count("'") or 1
    return f"{match.group(1)}_{{prime{primes}}}"


def _bare_sets(text: str) -> str:
    """`text` with each bare brace group that opens an operand (at the start, after `(`, `[`, `,`
    or a set operator, or first inside another such group) written as a set: `({1,2} \\cup {3})
    \\setminus {2}` is `(\\{1,2\\} \\cup \\{3\\}) \\setminus \\{2\\}`. A command's argument
    (`\\frac{1}{2}`) is no operand. One pass over the braces: linear in the text."""
    pairs, opened = {}, []
    for brace in re.finditer(r"(?<!\\)[{}]", text):
        if brace.group() == "{":
            opened.append(brace.start())
        elif opened:
            pairs[opened.pop()] = brace.start()
    sets: set[int] = set()
    for i in sorted(pairs):
        before = text[max(0, i - 16) : i]
        previous = i - (len(before) - len(before.rstrip())) - 1  # the last character before it
        if previous in sets or _opens_operand(text, i):
            sets.add(i)
    marks = {i: r"\{" for i in sets} | {pairs[i]: r"\}" for i in sets}
    return "".join(marks.get(i, char) for i, char in enumerate(text))


def _opens_operand(text: str, i: int) -> bool:
    before = text[max(0, i - 16) : i].rstrip()  # a bounded look back: linear in the text
    return (not before and i <= 16) or before.endswith(_OPERAND_STARTS)


def _one_set(text: str) -> str:
    """A set, alone or in a union, in the form the parser reads: `]2, 5[` as `(2, 5)`, `[1, 3[` as
    `[1, 3)`, `\\{x | x > 2\\}` as the condition `x > 2`; any other text unchanged."""
    builder = _SET_BUILDER.match(text)
    if builder and re.search(rf"(?<![a-zA-Z\\]){builder.group(1)}(?![a-zA-Z])", builder.group(2)):
        return _INTEGER_QUALIFIER.sub("", builder.group(2)).strip()
    reversed_interval = _REVERSED_INTERVAL.match(text)
    if not reversed_interval or reversed_interval.group(1, 4) == ("[", "]"):
        return text
    opening, low, high, closing = reversed_interval.groups()
    return f"{'(' if opening == ']' else '['}{low}, {high}{')' if closing == '[' else ']'}"


def _english(match: re.Match) -> str:
    word = next(group for group in match.groups() if group)
    return f" {_IN_ENGLISH[word]} "


def _replace_aliases(text: str) -> str:
    return _COMMAND.sub(lambda m: _ALIASES.get(m.group(0), m.group(0)), text)


def unwrap(text: str) -> str:
    """Remove font wrappers, innermost first (bounded: each pass removes at least one)."""
    for _ in range(20):
        new = _WRAPPER.sub(r"\1", text)
        if new == text:
            break
        text = new
    return text


def strip_delimiters(text: str) -> str:
    """`text` without its math delimiters (`$...$`, `\\(...\\)`, `\\[...\\]`) and a box around it all;
    a leading currency sign or code goes too (`\\$5`, `USD 500`)."""
    text = re.sub(r"^\\[\[(]|\\[\])]$", "", re.sub(r"(?<!\\)\$", "", text).strip()).strip()
    return _CURRENCY.sub("", _unbox(text)).replace("$", "")  # inside a box too: `\\boxed{\\$60}`


def _unbox(text: str) -> str:
    """The content of a `\\boxed{...}` (read by core's box scanner) or `{...}` that encloses the
    whole text (nested braces too)."""
    for _ in range(5):
        box = _WHOLE_BOX.match(text)
        start = box.end() if box else 0
        if not text.startswith("{", start) or braced(text, start) != text[start:]:
            break
        text = (last_boxed(text) if box else text[1:-1]).strip()
    return text


def _permutation(match: re.Match) -> str:
    n, k = int(match.group(1)), int(match.group(2))
    if k > n:
        return "0"
    return str(math.perm(n, k)) if k <= 50 else f"\\frac{{{n}!}}{{{n - k}!}}"  # few factors: exact


def _binom(n: str, k: str) -> str:
    return f"\\binom{{{n}}}{{{k}}}"


def _combinatorics(text: str) -> str:
    """`C(n,k)`, `C_n^k` and `{n \\choose k}` as `\\binom{n}{k}`; `P(n,k)` as `n!/(n-k)!`."""
    text = _CHOOSE.sub(lambda m: _binom(*(g for g in m.groups() if g)), text)
    text = _COMBINATION.sub(r"\\binom{\1}{\2}", text)
    text = _COMBINATION_INDICES.sub(r"\\binom{\1}{\2}", text)
    return _PERMUTATION.sub(_permutation, text)


def _angle(match: re.Match) -> str:
    """`\\angle ABC` as one name, `\\angle_{ABC}`; `\\angle CBA` is the same angle, so the ends of
    three letters are put in order."""
    letters = match.group(1)
    if len(letters) == 3 and letters[0] > letters[2]:
        letters = letters[::-1]
    return rf"\angle_{{{letters}}}"


def _repeating(match: re.Match) -> str:
    whole, fixed, period = match.group(1) or "0", match.group(2), match.group(3)
    numerator = int(whole + fixed + period) - int(whole + fixed)
    denominator = (10 ** len(period) - 1) * 10 ** len(fixed)
    return f"({numerator}/{denominator})"


def _based(match: re.Match) -> str:
    """A numeral in base 2..36 as its decimal value; left alone when a digit is not of that base."""
    digits, base = match.group(1), int(match.group(2))
    try:
        return str(int(digits, base)) if 2 <= base <= 36 else match.group()
    except ValueError:
        return match.group()


def _scaled(match: re.Match) -> str:
    """`2.5 million` as the number it names (`2500000`); a `\\text{` opened with it closes with it."""
    opened, whole, fraction, opened_late, word, closed = match.groups()
    if (opened or opened_late) and (not closed or (opened and opened_late)):
        return match.group()
    value = Fraction(whole.replace(",", "") + (fraction or "")) * 10 ** _SCALE_WORDS[word]
    number = str(value.numerator)
    if value.denominator != 1:  # `1.2345 thousand`: exact, never a word left to drop as a unit
        number = f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
    return number if opened or opened_late else number + (closed or "")


# A vulgar-fraction character (`⅓`, `¾`), after the whole part of a mixed number or not (`2½`).
_VULGAR = re.compile(r"(\d*)\s*([\u00bc-\u00be\u2150-\u215e])")


def _vulgar(match: re.Match) -> str:
    numerator, denominator = unicodedata.normalize("NFKC", match.group(2)).split("\u2044")
    value = int(match.group(1) or 0) + Fraction(int(numerator), int(denominator))
    return f"\\frac{{{value.numerator}}}{{{value.denominator}}}"


def _without_remark(text: str) -> str:
    """`text` without a bracketed remark after its one value (`m=-1 (discard m=3)`); nothing when
    the remark refuses that value itself (`x = -2 (extraneous)`). After a list it stays (each item
    is read so), and so does a remark that adds a value (`n = 5 (since n = 6 also works)`)."""
    remark = _REMARK.search(text)
    if not remark or re.search(r"\balso\b", remark.group(), re.IGNORECASE):
        return text
    value = text[: remark.start()]
    if len(split_items(value)) > 1 or re.search(r"\s(?:or|and)\s", value):
        return text
    named = set(_SIGNED.findall(remark.group()))
    rejects = _REJECTING.search(remark.group())
    if rejects and (not named or named & set(_SIGNED.findall(value))):
        return ""  # `x = -2 (extraneous)`, `x = -2 (x = -2 rejected)`: the value itself is refused
    return value


def normalize(text: str) -> Answer:
    """Clean `text` (an extracted answer) into an `Answer`."""
    text = _TRAILING_BACKSLASH.sub("", text.strip())
    text = _SCALED.sub(_scaled, text)
    text = _DIVISOR_NAMES.sub(_operator, text.strip())
    text = _LG.sub(r"\\log_{10}", text)
    for char, replacement in _UNICODE.items():
        text = text.replace(char, replacement)
    text = _VULGAR.sub(_vulgar, text)
    text = _SUPERSCRIPTS.sub(lambda m: f"^{{{m.group().translate(_SCRIPT_DIGITS)}}}", text)
    text = _SUBSCRIPTS.sub(lambda m: f"_{{{m.group().translate(_SCRIPT_DIGITS)}}}", text)
    text = strip_delimiters(text)
    text = _INTEGER_QUALIFIER.sub("", text)
    text = _ORDINAL.sub("", text)
    text = _combinatorics(text)
    text = _INVERSE_LABEL.sub(r"\1_{inv}(\2)", text)
    text = _DERIVATIVE.sub(lambda m: m.group(2) + ("''" if m.group(1) else "'"), text)
    text = _PRIMED_COMMAND.sub(_primed_command, _PRIME.sub(_primed, text))
    text = _INFINITY.sub(r"\\infty ", text)
    text = _PLAIN_UNION.sub(r" \\cup ", text)
    text = _SET_MINUS.sub(r"\1 \\setminus ", text)
    text = _HALF_LINE.sub(_half_line, text)
    text = _LEADING_APPROX.sub("", text)
    text = _OTHER_LANGUAGE.sub(_english, text)
    text = _LONG_EXPONENT.sub(r"^{\1}", text)
    text = _BRACED_ARRAY.sub(r"\\begin{cases}\1\\end{cases}", text)
    if _ALIGNED.search(text):  # aligned lines are a list of what they say
        text = _ALIGNED.sub("", text).replace("&", "")
        text = ", ".join(line.strip() for line in text.split("\\\\") if line.strip())
    text = _PY_RELATIONS.sub(lambda m: _PY_RELATION_LATEX.get(m.group(), r" \neq "), text)
    for name, latex in _SYMPY_NAMES.items():
        text = re.sub(rf"(?<![\\a-zA-Z]){name}(?=\s*\()", latex, text)
    text = _PLAIN_NAMES.sub(r"\\\1 ", text)
    text = _PLAIN_POWER.sub(lambda m: f"^{{{m.group(1)}}}" if m.group(1) else "^", text)
    unit = ""
    compound = _COMPOUND_UNIT.search(text)
    if compound:  # a compound unit is dropped, never compared (`m/s^2` is no known unit)
        unit, text = compound.group().strip(), text[: compound.start()]
    text_unit = _TEXT_UNIT.search(text)
    if text_unit:
        unit = text_unit.group(1).strip().lower()
        text = text[: text_unit.start()]
    # `192公斤`, `13只鸟`, `(\\frac{2}{5}) 吨`: counters and units
    cjk_unit = _CJK_UNIT.search(text)
    if cjk_unit and not unit and not CJK_REFUSAL.search(cjk_unit.group()):
        unit, text = cjk_unit.group().strip(), text[: cjk_unit.start()]
    text = _THIN_COMMA_GROUPS.sub(lambda m: _THIN_COMMA.sub("", m.group()), text)
    text = _GROUPED.sub(",", text)
    text = _NOISE.sub("", text)
    text = _SPACES.sub(
        " ", _THIN_SPACE.sub(" ", _QUAD_LIST.sub(r"\1, ", _QUAD_WORD.sub(r" \1 ", text)))
    )
    text = _replace_aliases(text)
    if _TRIG.search(text):  # `\\sin 30^\\circ`: degrees become radians inside trig functions
        text = _DEGREES_IN_TRIG.sub(r"(\1\\pi/180)", text)
    text, degrees = _DEGREE.subn("", text)
    text, percent = _PERCENT.subn("", text)
    text = unwrap(text)
    text = _THOUSANDS.sub(_without_thousands_commas, text)
    text = _SCIENTIFIC.sub(r"\1\\times10^{\2}", text)
    text = _FRAC_DIGITS.sub(r"\\frac{\1}{\2}", text)
    text = _MIXED.sub(r"(\1+\\frac{\2}{\3})", text)
    text = _MIXED_PLAIN.sub(r"\1(\2+\3/\4)", text)
    bare_unit = _BARE_UNIT.match(text) or _GLUED_UNIT.match(text)
    if bare_unit and _is_unit(*bare_unit.group(2, 1), glued=bare_unit.re is _GLUED_UNIT):
        unit = unit or bare_unit.group(2).strip().lower()
        text = bare_unit.group(1)
    text = _SUPERSCRIPT_FIRST.sub(r"_\2^\1", text)
    text = _REPEATING.sub(_repeating, text)
    text = _SEGMENT.sub(r"\1", text)
    text = _without_remark(text)
    point = _NAMED_POINT.match(text)
    if point and split_items(point.group(1)) == [point.group(1)] and re.search(r"\d", text):
        text = point.group(1)
    text = _ANGLE.sub(_angle, text)
    text = _BASED.sub(_based, text)
    text = _ABS.sub(r"\\abs", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.rstrip(".;: ").strip()
    text = _WHOLE_WORDS.get(text.lower(), text)
    if _SET_OPERATOR.search(text):  # `{1, 2} \cap {2, 3}`: sets written with bare braces
        text = _bare_sets(text)
    pieces = [piece.strip() for piece in text.split(r"\cup")]
    text = r" \cup ".join(_one_set(piece) for piece in pieces)
    if _SPACED_THOUSANDS.match(text):
        text = text.replace(" ", "")
    return Answer(text, percent=bool(percent), degrees=bool(degrees), unit=unit)
