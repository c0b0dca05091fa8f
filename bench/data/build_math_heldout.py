"""Build `math_heldout.jsonl`, a held-out labelled set for `bench/verify_math.py`.

    python bench/data/build_math_heldout.py      # rewrites math_heldout.jsonl beside it

Written without running or reading k2-verify's matching code, so it measures generalisation rather
than the cases the verifier was tuned on. Every case is derived mechanically from a real answer in
../shared/benchmarks (see the SOURCE.txt files there); labels follow from the rule that made the case:

- `aime`: the four AIME 2024 copies and three AIME 2025 copies are joined by problem; a response
  carries one copy's answer (`025`, `25`, `\\boxed{25}`, `0025`) and the ground truth is another
  copy's (positive). Negatives are near misses of the true answer: one digit changed, two digits
  swapped, off by one, a sign flip, a hedge ("25 or 52") and a right answer only inside `<think>`.
- `hmmt`: each LaTeX answer of HMMT Feb 2025 is transcribed once into a sympy expression (the
  `HMMT` table, cross-checked below against the LaTeX by numeric evaluation). Positives are other
  spellings of the same value: sympy's own LaTeX, plain text (`9*sqrt(23)/23`), `\\dfrac`, `a/b`,
  `k\\sqrt{n}` as `\\sqrt{k^2 n}`, one fraction over a common denominator, terms reordered, a
  mixed number, thousands separators, the full integer of `2^{25} \\cdot 26!`, roots as `\\pm`.
  Negatives change the value: one digit of the transcription changed (the new value is checked to
  differ), the last digit of a long integer changed (numbers that round alike), the reciprocal,
  a sign flip, one root of two.
- `omni`: Omni-MATH (difficulty >= 7) answers without prose. Positives are textual value-preserving
  rewrites of the ground truth: wrappers removed or added (`$`, `\\[ \\]`, `\\boxed{}`, braces),
  `\\dfrac`, `\\left`/`\\right` added or dropped, spaces removed, top-level terms rotated, `x = v`
  answered as `v`, inequalities answered as intervals, thousands separators. Negatives change the
  value: the first digit changed, floor and ceiling swapped, the sign of a top-level term flipped,
  a fraction inverted, a strict bound made non-strict (or an interval bound open vs closed).

Each answer is then wrapped the way models write responses: a `<think>` block that considers a wrong
candidate (or, for negatives, the right one) followed by `\\boxed{}`, "The final answer is", an
`<answer>` tag, "**Answer:**", or a display box. Cases are deterministic (fixed seed).
"""

from __future__ import annotations

import csv
import json
import random
import re
from difflib import SequenceMatcher
from pathlib import Path

import sympy as sp

HERE = Path(__file__).parent
SHARED = HERE.parents[2] / "shared" / "benchmarks"
if not SHARED.exists():
    SHARED = Path("/work/shared/benchmarks")

# HMMT Feb 2025 answers (answers.csv, in order), transcribed by hand into sympy source.
HMMT = {
    1: "103",
    2: "3375",
    3: "Rational(1, 576)",
    4: "-984",
    5: "890",
    6: "Rational(1311, 2017)",
    7: "9*sqrt(23)/23",
    8: "1 - 2/pi",
    9: "1037",
    10: "{(-1 + sqrt(17))/2, (-1 - sqrt(17))/2}",
    11: "56",
    12: "29",
    13: "105",
    14: "2304",
    15: "200",
    16: "6300",
    17: "2**25*factorial(26)",
    18: "Rational(2025, 101)",
    19: "Rational(4, 9)",
    20: "Rational(448, 3)",
    21: "26",
    22: "63",
    23: "8*sqrt(10)",
    24: "20",
    25: "sqrt(23) - 2*sqrt(3)",
    26: "9*sqrt(15)",
    27: "Rational(7, 18)",
    28: "sqrt(6)",
    29: "14 + 4*sqrt(37)",
    30: "sqrt(Rational(95, 24))",
}


def _sym(source: str):
    return sp.sympify(source, locals={"Rational": sp.Rational, "sqrt": sp.sqrt})


def _differs(a, b) -> bool:
    return abs(sp.N(a - b, 50)) > sp.Float("1e-40")


# --- response wrappers ----------------------------------------------------------------------------


def _wrap(answer: str, decoy: str, k: int) -> str:
    """A model-style response whose final answer is `answer`; `decoy` is only considered in thought."""
    think = (
        f"<think>\nLet me work through this. At first I get ${decoy}$, but let me recheck.\n"
        "After rechecking the computation I am confident.\n</think>\n\n"
    )
    styles = [
        f"{think}The final answer is $\\boxed{{{answer}}}$.",
        f"{think}<answer>${answer}$</answer>",
        f"{think}So the final answer is ${answer}$.",
        f"{think}**Answer:** $\\boxed{{{answer}}}$",
        f"Putting everything together, the result is\n\\[\n\\boxed{{{answer}}}\n\\]",
        f"{think}<answer>\nTherefore the answer is $\\boxed{{{answer}}}$.\n</answer>",
    ]
    return styles[k % len(styles)]


def _case(source, category, response, truth, label):
    return dict(
        category=category, source=source, response=response, ground_truth=truth, label=label
    )


# --- AIME -----------------------------------------------------------------------------------------


def _aime_copies() -> list[tuple[str, list[str]]]:
    """(contest, [the answer as each copy writes it]) per problem, copies joined by problem text."""

    def jsonl(path):
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def key(text):  # the copies differ in spacing, `$` and a few words
        return re.sub(r"[^A-Za-z]", "", text)[:200]

    def join(problems: list[str], answers: list[list[str]], copy: list[dict], field: str):
        for row in copy:  # each row goes to the most similar problem
            k = key(row["problem"])
            best = max(
                range(len(problems)), key=lambda i: SequenceMatcher(None, problems[i], k).ratio()
            )
            answers[best].append(str(row[field]))

    base24 = SHARED / "aime_2024"
    rllm = json.loads((base24 / "agentica-project__rllm/aime.json").read_text())
    problems = [key(row["problem"]) for row in rllm]
    answers24 = [[row["answer"]] for row in rllm]
    join(
        problems,
        answers24,
        jsonl(base24 / "mlfoundations__evalchemy/aime24.json"),
        "expected_answer",
    )
    qwen = jsonl(base24 / "QwenLM__Qwen2.5-Math/test.jsonl")
    join(problems, answers24, qwen, "answer")
    # QwQ's copy has the problem inside a prompt; it is in the same order as Qwen2.5-Math's.
    qwq = jsonl(base24 / "QwenLM__QwQ/aime24.jsonl")
    qwq = [dict(problem=a["problem"], answer=b["answer"]) for a, b in zip(qwen, qwq, strict=True)]
    join(problems, answers24, qwq, "answer")
    out = []
    for answers in answers24:
        assert len(answers) == 4 and len({int(a) for a in answers}) == 1, answers
        out.append(("aime24", answers))
    base25 = SHARED / "aime_2025"
    evalchemy = jsonl(base25 / "mlfoundations__evalchemy/aime25.json")
    qwq25 = [str(row["answer"]) for row in jsonl(base25 / "QwenLM__QwQ/aime25.jsonl")]
    arena = []
    for part in ("I", "II"):
        with (base25 / f"eth-sri__matharena/aime_2025_{part}/answers.csv").open() as f:
            arena += [row["answer"] for row in csv.DictReader(f)]
    for row, q, a in zip(evalchemy, qwq25, arena, strict=True):
        assert int(row["answer"]) == int(q) == int(a)
        out.append(("aime25", [row["answer"], q, a]))
    return out


def _digit_changed(number: str, rng: random.Random) -> str:
    i = rng.randrange(len(number))
    new = str((int(number[i]) + rng.randrange(1, 9)) % 10)
    changed = number[:i] + new + number[i + 1 :]
    return changed if int(changed) != int(number) else number[:i] + "1" + number[i + 1 :]


def _aime_cases(rng: random.Random) -> list[dict]:
    cases = []
    for n, (contest, answers) in enumerate(_aime_copies()):
        value = int(answers[0])
        truth = answers[n % len(answers)]
        shown = answers[(n + 1) % len(answers)]
        if n % 5 == 0:
            shown = f"{value:04d}"
        wrong = _digit_changed(str(value), rng)
        cases.append(_case(contest, "aime_copies", _wrap(shown, wrong, n), truth, True))
        kind = n % 6
        digits = str(value)
        if kind == 0:
            bad, category = wrong, "aime_digit"
        elif kind == 1 and len(set(digits)) > 1:
            i = next(i for i in range(len(digits) - 1, 0, -1) if digits[i] != digits[i - 1])
            bad = digits[: i - 1] + digits[i] + digits[i - 1] + digits[i + 1 :]
            category = "aime_swapped_digits"
        elif kind == 2:
            bad, category = str(value + 1), "aime_off_by_one"
        elif kind == 3:
            bad, category = str(-value), "aime_sign"
        elif kind == 4:
            bad, category = f"{value} \\text{{ or }} {wrong}", "aime_hedged"
        else:
            bad, category = wrong, "aime_digit"
        decoy = str(value)  # the right answer appears only in the thinking
        cases.append(_case(contest, category, _wrap(bad, decoy, n + 1), truth, False))
    return cases


# --- HMMT -----------------------------------------------------------------------------------------


def _hmmt_positives(expr, truth: str) -> list[tuple[str, str]]:
    """(rule, answer) spellings of the value `expr`, other than the ground truth itself."""
    if isinstance(expr, set):
        a, b = sorted(expr, key=lambda e: float(e))
        return [
            ("swapped_roots", f"{sp.latex(b)}, {sp.latex(a)}"),
            ("plus_minus", "\\frac{-1 \\pm \\sqrt{17}}{2}"),
            ("set_braces", f"\\left\\{{ {sp.latex(a)}, {sp.latex(b)} \\right\\}}"),
        ]
    out = []
    if expr.is_Integer:
        v = int(expr)
        if abs(v) >= 1000:
            out.append(("thousands_sep", f"{v:,}".replace(",", "{,}")))
            out.append(("thin_space", f"{v:,}".replace(",", "\\,")))
        for base in range(2, 40):
            k = round(sp.log(abs(v), base)) if v else 0
            if k >= 2 and base**k == abs(v):
                out.append(("power", f"{'-' if v < 0 else ''}{base}^{{{k}}}"))
                break
        out.append(("trailing_point", f"{v}.0"))
        if "\\cdot" in truth:  # a product the benchmark left unevaluated
            factors = [f.strip() for f in truth.split("\\cdot")]
            out = [
                ("full_integer", str(v)),
                ("commuted", " \\cdot ".join(reversed(factors))),
                ("times", " \\times ".join(factors)),
            ]
        return out
    if expr.is_Rational:
        p, q = expr.p, expr.q
        out += [("slash", f"{p}/{q}"), ("dfrac", f"\\dfrac{{{p}}}{{{q}}}")]
        if p > q:
            out.append(("mixed_number", f"{p // q}\\frac{{{p % q}}}{{{q}}}"))
        return out
    latex = sp.latex(expr)
    if latex.replace(" ", "") != truth.replace(" ", ""):
        out.append(("sympy_latex", latex))
    out.append(("plain_text", str(expr)))
    coeff, rest = expr.as_coeff_Mul()
    if rest.is_Pow and rest.exp == sp.S.Half and coeff.is_Integer and coeff > 1:
        out.append(("radical_absorbed", f"\\sqrt{{{coeff**2 * rest.base}}}"))
    together = sp.together(expr)
    if sp.fraction(together)[1] != 1 and together != expr:
        num, den = sp.fraction(together)
        out.append(("common_denominator", f"\\frac{{{sp.latex(num)}}}{{{sp.latex(den)}}}"))
    if expr.is_Add:
        out.append(("reordered", sp.latex(expr, order="rev-lex")))
    return out


def _hmmt_negatives(source: str, expr, rng: random.Random) -> list[tuple[str, str]]:
    if isinstance(expr, set):
        a, b = sorted(expr, key=lambda e: float(e))
        return [("one_root", sp.latex(b)), ("wrong_sign_root", "\\frac{1 \\pm \\sqrt{17}}{2}")]
    out = []
    digits = [m.start() for m in re.finditer(r"\d", source)]
    for _ in range(20):  # one digit of the transcription changed, until the value differs
        i = rng.choice(digits)
        changed = source[:i] + str((int(source[i]) + rng.randrange(1, 9)) % 10) + source[i + 1 :]
        try:
            new = _sym(changed)
        except (SyntaxError, TypeError, ValueError, ZeroDivisionError):
            continue
        if new.is_finite and new != 0 and _differs(new, expr):
            out.append(("digit", sp.latex(new)))
            break
    if expr.is_Integer and abs(expr) > 10**12:
        text = str(expr)
        out.append(("round_alike", text[:-1] + str((int(text[-1]) + 1) % 10)))
    elif expr.is_Rational and not expr.is_Integer:
        out.append(("reciprocal", sp.latex(1 / expr)))
    elif not expr.is_Integer:
        out.append(("sign", sp.latex(-expr)))
    else:
        out.append(("off_by_one", str(expr + 1)))
    return out


def _hmmt_cases(rng: random.Random) -> list[dict]:
    path = SHARED / "hmmt_feb_2025/eth-sri__matharena/hmmt_feb_2025/answers.csv"
    with path.open() as f:
        truths = {int(row["id"]): row["answer"] for row in csv.DictReader(f)}
    cases, k = [], 0
    for pid, truth in truths.items():
        source = HMMT[pid]
        if source.startswith("{"):  # a set of values
            expr = {_sym(part) for part in source[1:-1].split(", ")}
        else:
            expr = _sym(source)
        negatives = _hmmt_negatives(source, expr, rng)
        decoy = negatives[0][1]
        for rule, answer in _hmmt_positives(expr, truth):
            cases.append(_case("hmmt25", f"hmmt_{rule}", _wrap(answer, decoy, k), truth, True))
            k += 1
        for rule, answer in negatives:
            cases.append(_case("hmmt25", f"hmmt_{rule}", _wrap(answer, truth, k), truth, False))
            k += 1
    return cases


# --- Omni-MATH ------------------------------------------------------------------------------------

WRAPPERS = [
    r"^\$(.*)\$$",
    r"^\\\[(.*)\\\]$",
    r"^\\\((.*)\\\)$",
    r"^\\boxed\{(.*)\}$",
    r"^\{(.*)\}$",
]


def _unwrap(answer: str) -> str:
    """The ground truth without the delimiters some Omni-MATH answers carry (`$..$`, `\\[..\\]`)."""
    answer = answer.strip()
    changed = True
    while changed:
        changed = False
        for pattern in WRAPPERS:
            m = re.match(pattern, answer, re.S)
            if m and _balanced(m.group(1)):
                answer, changed = m.group(1).strip(), True
    return answer


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _top_level_terms(text: str) -> list[str] | None:
    """`a + b - c` as ['a', '+b', '-c'] split at depth 0, or None when it is not a plain sum."""
    if re.search(r"[=<>,]|\\le|\\ge|\\mid|\\sum|\\text|\\pm|\\colon", text) or not _balanced(text):
        return None
    terms, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch in "+-" and depth == 0 and text[:i].strip() and text[:i].rstrip()[-1] not in "^_{(":
            terms.append(text[start:i].strip())
            start = i
    terms.append(text[start:].strip())
    return terms if len(terms) > 1 and all(t.lstrip("+-").strip() for t in terms) else None


def _rotated(terms: list[str]) -> str:
    first, rest = terms[0], terms[1:]
    head = rest[0].lstrip("+").strip()
    tail = " ".join(t[0] + " " + t[1:].strip() for t in rest[1:])
    first = first if first.startswith("-") else "+ " + first
    return " ".join(p for p in (head, tail, first) if p)


def _without_spaces(text: str) -> str:
    """`text` without spaces, except those that end a command before a letter (`\\leq r`)."""
    return re.sub(r"(\\[A-Za-z]+)?\s+", lambda m: m.group(1) + " " if m.group(1) else "", text)


def _omni_positive(answer: str, k: int) -> tuple[str, str] | None:
    rules = []
    if re.fullmatch(r"-?\d+", answer) and len(answer.lstrip("-")) >= 5:
        rules.append(("thousands_sep", f"{int(answer):,}".replace(",", "{,}")))
    m = re.fullmatch(r"([A-Za-z]|f\(x\))\s*=\s*(.+)", answer)
    if m:
        rules.append(("equation_rhs", m.group(2)))
    m = re.fullmatch(r"(-?[\w\\{}]+?)\s*(<|\\leq|\\le)\s*([a-z])\s*(<|\\leq|\\le)\s*(.+)", answer)
    if m:
        lo = "[" if m.group(2) != "<" else "("
        hi = "]" if m.group(4) != "<" else ")"
        rules.append(("interval", f"{lo}{m.group(1)}, {m.group(5)}{hi}"))
    m = re.fullmatch(
        r"([a-z]|\\lambda)\s*(<|>|\\geq|\\ge|\\leq|\\le)\s*((?:(?!\\[lg]e)[^<>=])+)", answer
    )
    if m:
        closed = m.group(2) not in "<>"
        bound = m.group(3)
        if m.group(2) in ("<", "\\le", "\\leq"):
            rules.append(("interval", f"(-\\infty, {bound}{']' if closed else ')'}"))
        else:
            rules.append(("interval", f"{'[' if closed else '('}{bound}, \\infty)"))
    terms = _top_level_terms(answer)
    if terms:
        rules.append(("terms_rotated", _rotated(terms)))
    if "\\frac" in answer:
        rules.append(("dfrac", answer.replace("\\frac", "\\dfrac")))
    if "\\left" in answer:
        rules.append(("no_left_right", re.sub(r"\\(left|right)\s*", "", answer)))
    elif re.search(r"\\lceil|\\lfloor|\(", answer):
        sized = re.sub(r"\\(lceil|lfloor)", r"\\left\\\1", answer)
        sized = re.sub(r"\\(rceil|rfloor)", r"\\right\\\1", sized)
        rules.append(("left_right", sized.replace("(", "\\left(").replace(")", "\\right)")))
    if " " in answer:
        rules.append(("no_spaces", _without_spaces(answer)))
    rules = [(r, a) for r, a in rules if a.strip() != answer.strip()]
    return rules[k % len(rules)] if rules else None


def _omni_negative(answer: str, k: int) -> tuple[str, str] | None:
    rules = []
    m = re.search(r"\d", answer)
    if m:
        d = int(m.group())
        new = str(d + 1) if d < 9 else "8"
        if not re.fullmatch(r"-?\d+", answer) or int(answer[: m.start()] + new + answer[m.end() :]):
            rules.append(("first_digit", answer[: m.start()] + new + answer[m.end() :]))
    if "\\lceil" in answer or "\\lfloor" in answer:
        swap = {"lceil": "lfloor", "rceil": "rfloor", "lfloor": "lceil", "rfloor": "rceil"}
        swapped = re.sub(
            r"\\(lceil|rceil|lfloor|rfloor)", lambda m: "\\" + swap[m.group(1)], answer
        )
        rules.append(("floor_ceil", swapped))
    terms = _top_level_terms(answer)
    if terms:
        flipped = terms[1]
        flipped = ("-" if flipped[0] == "+" else "+") + flipped[1:]
        rules.append(("term_sign", " ".join([terms[0], flipped, *terms[2:]])))
    m = re.fullmatch(r"\\frac\{(\d+)\}\{(\d+)\}", answer)
    if m:
        rules.append(("inverted", f"\\frac{{{m.group(2)}}}{{{m.group(1)}}}"))
    m = re.fullmatch(
        r"([a-z]|\\lambda)\s*(<|>|\\geq|\\ge|\\leq|\\le)\s*((?:(?!\\[lg]e)[^<>=])+)", answer
    )
    if m:
        other = {"<": "\\le", ">": "\\ge", "\\ge": ">", "\\geq": ">", "\\le": "<", "\\leq": "<"}
        rules.append(("bound_strictness", f"{m.group(1)} {other[m.group(2)]} {m.group(3)}"))
        if m.group(2) in ("<", "\\le", "\\leq"):
            rules.append(
                ("interval_bound", f"(-\\infty, {m.group(3)}{')' if m.group(2) != '<' else ']'}")
            )
    m = re.fullmatch(r"(-?\w+)\s*(<|\\leq|\\le)\s*([a-z])\s*(<|\\leq|\\le)\s*(.+)", answer)
    if m:
        lo = "(" if m.group(2) != "<" else "["
        rules.append(("interval_bound", f"{lo}{m.group(1)}, {m.group(5)}]"))
    return rules[k % len(rules)] if rules else None


def _omni_cases() -> list[dict]:
    path = SHARED / "omni_math/KbsdJames__omni-math-rule/test.difficulty_ge_7.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    cases, seen = [], set()
    for n, row in enumerate(rows):
        truth = row["answer"]
        answer = _unwrap(truth)
        too_wordy = re.search(r"[A-Za-z]{5,}", re.sub(r"\\[A-Za-z]+", "", answer))
        if truth in seen or too_wordy or "\\sum" in answer or not _balanced(answer):
            continue
        seen.add(truth)
        integer = re.fullmatch(r"-?\d+", answer) is not None
        if integer and answer == truth and n % 3:  # most plain integers are alike: keep a third
            continue
        positive = ("unwrapped", answer) if answer != truth else _omni_positive(answer, n)
        negative = _omni_negative(answer, n)
        if positive is None or negative is None:
            continue
        rule, good = positive
        cases.append(_case("omni-math", f"omni_{rule}", _wrap(good, negative[1], n), truth, True))
        rule, bad = negative
        cases.append(_case("omni-math", f"omni_{rule}", _wrap(bad, answer, n + 1), truth, False))
    return cases


def build() -> list[dict]:
    rng = random.Random(20250215)
    cases = _aime_cases(rng) + _hmmt_cases(rng) + _omni_cases()
    for i, case in enumerate(cases):
        case["id"] = f"heldout-{i}"
    return [{"id": c.pop("id"), **c} for c in cases]


if __name__ == "__main__":
    out = HERE / "math_heldout.jsonl"
    cases = build()
    out.write_text("".join(json.dumps(c) + "\n" for c in cases))
    positives = sum(c["label"] for c in cases)
    print(
        f"wrote {len(cases)} cases ({positives} correct, {len(cases) - positives} incorrect) to {out}"
    )
