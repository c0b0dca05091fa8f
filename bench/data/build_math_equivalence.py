"""Build `math_equivalence.jsonl`, the labelled set that `bench/verify_math.py` scores.

    python bench/data/build_math_equivalence.py      # rewrites math_equivalence.jsonl beside it

Each line: {"id", "category", "source", "response", "ground_truth", "label"}, where `label` is what a
careful human grader decides (true: the response's final answer equals the ground truth). Two sources:

- `handwritten`: cases written for every category of issue 3 (extraction, number formats, structures,
  LaTeX noise, and the traps: round-alike numbers, numbers inside unknown LaTeX, hedging, empty
  responses), in both directions.
- `aime24`, `aime25`, `hmmt25`, `omni-math`: real ground truths from ../shared/benchmarks (see the
  SOURCE.txt files there), each turned into a correct response by value-preserving rewrites (`\\dfrac`,
  `\\left(`, thin spaces, a different extraction format) and into a wrong one by a value-changing edit
  (the last integer literal plus one). The rewrite rules are below; every generated wrong answer was
  checked by hand to change the value.

The set is deterministic: rerunning the script rewrites the same file.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).parent
SHARED = HERE.parents[2] / "shared" / "benchmarks"
if not SHARED.exists():
    SHARED = Path("/work/shared/benchmarks")

T, F = True, False

# (category, response, ground truth, label)
HANDWRITTEN = [
    # --- extraction ---------------------------------------------------------------------------
    ("extract_think", "<think>Maybe 12? No.</think>The answer is $\\boxed{13}$.", "13", T),
    ("extract_think", "<think>So \\boxed{13}</think> Final: \\boxed{12}", "13", F),
    ("extract_think", "<think>Let me compute... it is 7", "7", F),
    ("extract_answer_tag", "<think>work</think><answer>42</answer>", "42", T),
    ("extract_answer_tag", "<think>work</think><answer>The value is \\boxed{42}", "42", T),
    ("extract_answer_tag", "<answer>\n\\frac{3}{4}\n</answer>", "0.75", T),
    ("extract_answer_tag", "<think>42 it is</think><answer>41</answer>", "42", F),
    ("extract_boxed", "Thus $\\boxed{\\frac{\\sqrt{3}}{2}}$.", "\\frac{\\sqrt3}{2}", T),
    ("extract_boxed", "We get \\boxed{\\left\\{1, \\frac{2}{3}\\right\\}}", "\\{\\frac23, 1\\}", T),
    ("extract_boxed", "So the total is \\boxed{ 2^{10} }", "1024", T),
    ("extract_boxed", "So \\boxed{1025}", "1024", F),
    ("extract_fbox", "Answer \\fbox{17}", "17", T),
    ("extract_fbox", "Answer \\fbox{71}", "17", F),
    ("extract_phrase", "Summing up, the final answer is 256.", "256", T),
    ("extract_phrase", "The final answer is $\\frac{5}{6}$.", "\\frac56", T),
    ("extract_phrase", "Answer: 19", "19", T),
    ("extract_phrase", "After checking every case.\nAnswer: 91", "19", F),
    ("extract_phrase", "So the answer is 12 because the sum doubles.", "12", T),
    ("extract_trailing", "First 3 + 4 = 7.\nThen doubling gives 14", "14", T),
    ("extract_trailing", "We add the parts.\nSo we get $x^2 + 1$.", "x^2+1", T),
    ("extract_trailing", "We add 14 and 1.\nThe total comes to 15", "14", F),
    ("extract_bare", "42", "42", T),
    ("extract_bare", "x^2 - 1", "(x-1)(x+1)", T),
    ("extract_bare", "\\frac{1}{2}", "1/2", T),
    ("extract_bare", "43", "42", F),
    # --- numbers ------------------------------------------------------------------------------
    ("integers", "\\boxed{007}", "7", T),
    ("integers", "\\boxed{-5}", "-5", T),
    ("integers", "\\boxed{5}", "-5", F),
    ("integers", "\\boxed{70}", "7", F),
    ("decimals", "\\boxed{0.50}", "0.5", T),
    ("decimals", "\\boxed{.25}", "0.25", T),
    ("decimals", "\\boxed{3.14}", "3.141", F),
    ("decimals", "\\boxed{0.333}", "\\frac{1}{3}", F),
    ("decimals", "\\boxed{\\frac{1}{3}}", "0.333", T),
    ("decimals", "\\boxed{2.50}", "2.05", F),
    ("thousands", "\\boxed{1,000,000}", "1000000", T),
    ("thousands", "\\boxed{12{,}345}", "12345", T),
    ("thousands", "\\boxed{12\\,345}", "12345", T),
    ("thousands", "\\boxed{1,001}", "1000", F),
    ("fractions", "\\boxed{\\frac12}", "0.5", T),
    ("fractions", "\\boxed{\\dfrac{3}{4}}", "\\frac{3}{4}", T),
    ("fractions", "\\boxed{6/8}", "\\frac{3}{4}", T),
    ("fractions", "\\boxed{\\tfrac{2}{4}}", "\\frac{1}{2}", T),
    ("fractions", "\\boxed{\\frac{4}{3}}", "\\frac{3}{4}", F),
    ("fractions", "\\boxed{\\frac{1}{2005}}", "\\frac{1}{2004}", F),
    ("mixed_numbers", "\\boxed{2\\frac{1}{2}}", "\\frac{5}{2}", T),
    ("mixed_numbers", "\\boxed{3 \\frac{1}{4}}", "3.25", T),
    ("mixed_numbers", "\\boxed{2 1/2}", "2.5", T),
    ("mixed_numbers", "\\boxed{2\\frac{1}{2}}", "1", F),
    ("percentages", "\\boxed{25\\%}", "25", T),
    ("percentages", "\\boxed{25}", "25\\%", T),
    ("percentages", "\\boxed{0.25}", "25\\%", T),
    ("percentages", "\\boxed{30\\%}", "25\\%", F),
    ("scientific", "\\boxed{3 \\times 10^{5}}", "300000", T),
    ("scientific", "\\boxed{1.5e3}", "1500", T),
    ("scientific", "\\boxed{2.0 \\cdot 10^{-3}}", "0.002", T),
    ("scientific", "\\boxed{3 \\times 10^{6}}", "300000", F),
    ("radicals", "\\boxed{2\\sqrt{3}}", "\\sqrt{12}", T),
    ("radicals", "\\boxed{\\frac{\\sqrt{2}}{2}}", "\\frac{1}{\\sqrt{2}}", T),
    ("radicals", "\\boxed{\\sqrt[3]{8}}", "2", T),
    ("radicals", "\\boxed{3\\sqrt{2}}", "\\sqrt{12}", F),
    ("radicals", "\\boxed{\\sqrt{3}}", "\\sqrt[3]{3}", F),
    ("pi_e", "\\boxed{2\\pi}", "2 \\pi", T),
    ("pi_e", "\\boxed{\\frac{\\pi}{6}}", "\\pi/6", T),
    ("pi_e", "\\boxed{e^{2}}", "e^2", T),
    ("pi_e", "\\boxed{\\frac{\\pi}{3}}", "\\frac{\\pi}{6}", F),
    ("pi_e", "\\boxed{3.14}", "\\pi", F),
    ("trig", "\\boxed{\\frac{\\sqrt{3}}{2}}", "\\sin 60^\\circ", T),
    ("trig", "\\boxed{\\cos \\frac{\\pi}{3}}", "\\frac{1}{2}", T),
    ("trig", "\\boxed{\\tan(\\pi/4)}", "1", T),
    ("trig", "\\boxed{\\frac{\\sqrt{2}}{2}}", "\\sin(\\pi/3)", F),
    ("symbolic", "\\boxed{2(x+1)}", "2x+2", T),
    ("symbolic", "\\boxed{(a+b)^2}", "a^2+2ab+b^2", T),
    ("symbolic", "\\boxed{\\frac{n(n+1)}{2}}", "\\frac{n^2+n}{2}", T),
    ("symbolic", "\\boxed{x^2+2x+2}", "(x+1)^2", F),
    ("symbolic", "\\boxed{2^{n}}", "n^2", F),
    # --- relations and structures --------------------------------------------------------------
    ("equations", "\\boxed{x = 3}", "3", T),
    ("equations", "\\boxed{3}", "x=3", T),
    ("equations", "\\boxed{y = 2x + 1}", "y=1+2x", T),
    ("equations", "\\boxed{x = 4}", "3", F),
    ("equations", "\\boxed{y = 2x - 1}", "y=2x+1", F),
    ("intervals", "\\boxed{x > 3}", "(3, \\infty)", T),
    ("intervals", "\\boxed{[1, 2)}", "1 \\le x < 2", T),
    ("intervals", "\\boxed{(-\\infty, 0) \\cup (1, \\infty)}", "(1,\\infty)\\cup(-\\infty,0)", T),
    ("intervals", "\\boxed{x \\geq 3}", "(3, \\infty)", F),
    ("intervals", "\\boxed{[1, 2]}", "(1, 2)", F),
    ("intervals", "\\boxed{(1, 2]}", "[1, 2)", F),
    ("sets", "\\boxed{\\{3, 1, 2\\}}", "\\{1,2,3\\}", T),
    ("sets", "\\boxed{1, 2, 3}", "\\{3,2,1\\}", T),
    ("sets", "The solutions are \\boxed{x = 2 \\text{ or } x = -2}", "2, -2", T),
    ("sets", "\\boxed{\\{1, 2\\}}", "\\{1,2,3\\}", F),
    ("sets", "\\boxed{\\{1, 2, 4\\}}", "\\{1,2,3\\}", F),
    ("tuples", "\\boxed{(1, 2)}", "(1,2)", T),
    ("tuples", "\\boxed{\\left( 3, -\\frac{1}{2} \\right)}", "(3, -0.5)", T),
    ("tuples", "\\boxed{(2, 1)}", "(1,2)", F),
    ("tuples", "\\boxed{(1, 2, 3)}", "(1,2)", F),
    (
        "matrices",
        "\\boxed{\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}}",
        "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}",
        T,
    ),
    (
        "matrices",
        "\\boxed{\\begin{pmatrix} \\frac12 \\\\ 0 \\end{pmatrix}}",
        "\\begin{pmatrix}0.5\\\\0\\end{pmatrix}",
        T,
    ),
    (
        "matrices",
        "\\boxed{\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}}",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        F,
    ),
    ("complex", "\\boxed{3+4i}", "4i+3", T),
    ("complex", "\\boxed{\\frac{1+i}{2}}", "\\frac12+\\frac{i}{2}", T),
    ("complex", "\\boxed{3-4i}", "3+4i", F),
    ("degrees", "\\boxed{30^\\circ}", "30", T),
    ("degrees", "\\boxed{45}", "45^{\\circ}", T),
    ("degrees", "\\boxed{60^\\circ}", "30^\\circ", F),
    ("units_text", "\\boxed{12\\text{ cm}}", "12", T),
    ("units_text", "\\boxed{\\$5.50}", "5.5", T),
    ("units_text", "\\boxed{7 \\text{ apples}}", "7", T),
    ("units_text", "\\boxed{8\\text{ cm}}", "12", F),
    ("multiple_choice", "The answer is \\boxed{B}", "B", T),
    ("multiple_choice", "\\boxed{(C)}", "C", T),
    ("multiple_choice", "\\boxed{\\text{(D)}}", "D", T),
    ("multiple_choice", "Answer: (A) 12", "A", T),
    ("multiple_choice", "\\boxed{B}", "C", F),
    ("words", "\\boxed{\\text{Yes}}", "yes", T),
    ("words", "\\boxed{No Solution}", "no solution", T),
    ("words", "\\boxed{\\text{Monday}}", "Monday", T),
    ("words", "\\boxed{\\text{No}}", "yes", F),
    ("words", "\\boxed{Tuesday}", "Monday", F),
    ("latex_noise", "\\boxed{\\left(1, 2\\right)}", "(1,2)", T),
    ("latex_noise", "\\boxed{\\!12\\,}", "12", T),
    ("latex_noise", "\\boxed{\\displaystyle \\frac{1}{2}.}", "\\frac12", T),
    ("latex_noise", "\\boxed{\\mathbf{7}}", "7", T),
    ("latex_noise", "$\\boxed{\\left[ 0, 1 \\right]}$", "[0,1]", T),
    ("latex_noise", "\\boxed{\\left(0, 1\\right]}", "[0,1]", F),
    # --- traps: must not be accepted -----------------------------------------------------------
    ("round_alike", "\\boxed{\\frac{1}{2004!}}", "\\frac{1}{2006!}", F),
    ("round_alike", "\\boxed{1e-7}", "2e-7", F),
    ("round_alike", "\\boxed{1.0000001}", "1", F),
    ("round_alike", "\\boxed{10^{-20}}", "0", F),
    ("round_alike", "\\boxed{\\sqrt{2}}", "1.4142135", F),
    ("round_alike", "\\boxed{2^{60}+1}", "1152921504606846976", F),
    ("unparseable_number", "\\boxed{\\mathcal{Q}(12)}", "12", F),
    ("unparseable_number", "\\boxed{\\weird{3}}", "3", F),
    ("unparseable_number", "\\boxed{\\hat{5}}", "5", F),
    ("unparseable_number", "\\boxed{\\overline{7}}", "7", F),
    ("hedged", "It is \\boxed{1} or maybe \\boxed{2}.", "1", F),
    ("hedged", "So x is \\boxed{1 \\text{ or } 2}", "1", F),
    ("hedged", "The answer is 1 or 2", "2", F),
    ("hedged", "First \\boxed{\\frac12}, i.e. \\boxed{0.5}", "0.5", T),
    ("hedged", "(a) \\boxed{3} (b) \\boxed{5}", "3, 5", T),
    ("empty", "", "0", F),
    ("empty", "   \n ", "1", F),
    ("empty", "<think>I am not sure</think>", "1", F),
    ("empty", "\\boxed{}", "0", F),
]


# Written in one go after the verifier existed, and scored once before any fix (see README.md): a
# check on over-fitting to the cases above. Realistic model endings, mixed categories.
BLIND = [
    (
        "blind",
        "<think>\nOkay, 5 choose 2 is 10.\n</think>\n\nThere are $\\boxed{10}$ ways.",
        "10",
        T,
    ),
    ("blind", "<think>\nhmm\n</think>\n\nThere are $\\boxed{11}$ ways.", "10", F),
    ("blind", "The probability is $\\boxed{\\dfrac{5}{36}}$.", "\\frac{5}{36}", T),
    ("blind", "The probability is $\\boxed{\\dfrac{5}{32}}$.", "\\frac{5}{36}", F),
    ("blind", "So the area is $\\boxed{16\\pi}$ square units.", "16\\pi", T),
    ("blind", "So the area is $\\boxed{16\\pi \\text{ square units}}$.", "16\\pi", T),
    ("blind", "So the area is $\\boxed{8\\pi}$.", "16\\pi", F),
    ("blind", "Hence $x = \\boxed{-\\frac{3}{2}}$.", "-1.5", T),
    ("blind", "Hence $x = \\boxed{\\frac{3}{2}}$.", "-1.5", F),
    ("blind", "The roots are $\\boxed{2, 3}$.", "3, 2", T),
    ("blind", "The roots are $\\boxed{2, 4}$.", "3, 2", F),
    ("blind", "The ordered pair is $\\boxed{(-2, 5)}$.", "(-2,5)", T),
    ("blind", "The ordered pair is $\\boxed{(5, -2)}$.", "(-2,5)", F),
    ("blind", "**Final Answer**\n\\[\n\\boxed{\\sqrt{5}}\n\\]", "\\sqrt5", T),
    ("blind", "**Final Answer**\n\\[\n\\boxed{5}\n\\]", "\\sqrt5", F),
    ("blind", "The minimum value is $\\boxed{-\\dfrac{1}{4}}$", "-0.25", T),
    ("blind", "The minimum value is $\\boxed{\\dfrac{1}{4}}$", "-0.25", F),
    ("blind", "Thus the remainder is \\(\\boxed{1}\\).", "1", T),
    ("blind", "Thus the remainder is \\(\\boxed{0}\\).", "1", F),
    ("blind", "The sum equals $\\boxed{2^{11}-2}$.", "2046", T),
    ("blind", "The sum equals $\\boxed{2^{11}-1}$.", "2046", F),
    ("blind", "Therefore $\\boxed{\\frac{\\sqrt{6}}{3}}$.", "\\frac{2}{\\sqrt{6}}", T),
    ("blind", "Therefore $\\boxed{\\frac{\\sqrt{6}}{2}}$.", "\\frac{2}{\\sqrt{6}}", F),
    ("blind", "The domain is $\\boxed{[-2, 3]}$.", "-2 \\le x \\le 3", T),
    ("blind", "The domain is $\\boxed{(-2, 3)}$.", "-2 \\le x \\le 3", F),
    (
        "blind",
        "The solution set is $\\boxed{(-\\infty, -1] \\cup [4, \\infty)}$.",
        "(-\\infty,-1]\\cup[4,\\infty)",
        T,
    ),
    (
        "blind",
        "The solution set is $\\boxed{(-\\infty, -1) \\cup (4, \\infty)}$.",
        "(-\\infty,-1]\\cup[4,\\infty)",
        F,
    ),
    ("blind", "The answer is $\\boxed{\\textbf{(C)}\\ 24}$.", "C", T),
    ("blind", "The answer is $\\boxed{\\textbf{(D)}\\ 28}$.", "C", F),
    (
        "blind",
        "The inverse matrix is $\\boxed{\\begin{pmatrix} 2 & -1 \\\\ -1 & 1 \\end{pmatrix}}$.",
        "\\begin{pmatrix}2&-1\\\\-1&1\\end{pmatrix}",
        T,
    ),
    (
        "blind",
        "The inverse matrix is $\\boxed{\\begin{pmatrix} 2 & 1 \\\\ 1 & 1 \\end{pmatrix}}$.",
        "\\begin{pmatrix}2&-1\\\\-1&1\\end{pmatrix}",
        F,
    ),
    ("blind", "$z = \\boxed{1 - 2i}$", "1-2i", T),
    ("blind", "$z = \\boxed{1 + 2i}$", "1-2i", F),
    ("blind", "So $\\angle ABC = \\boxed{72^\\circ}$.", "72", T),
    ("blind", "So $\\angle ABC = \\boxed{108^\\circ}$.", "72", F),
    ("blind", "The function is $\\boxed{f(x) = x^2 + 1}$.", "x^2+1", T),
    ("blind", "The function is $\\boxed{f(x) = x^2 - 1}$.", "x^2+1", F),
    ("blind", "The answer is $\\boxed{\\text{odd}}$.", "\\text{odd}", T),
    ("blind", "The answer is $\\boxed{\\text{even}}$.", "\\text{odd}", F),
    ("blind", "We need $k \\geq \\boxed{5}$ so the least $k$ is 5.\n\nFinal: $\\boxed{5}$", "5", T),
    ("blind", "Probability $= \\boxed{0.125}$", "\\frac{1}{8}", T),
    ("blind", "Probability $= \\boxed{0.12}$", "\\frac{1}{8}", F),
    ("blind", "The speed is $\\boxed{45\\text{ mph}}$.", "45", T),
    ("blind", "The speed is $\\boxed{54\\text{ mph}}$.", "45", F),
    ("blind", "That is $\\boxed{12.5\\%}$.", "12.5", T),
    ("blind", "That is $\\boxed{125\\%}$.", "12.5", F),
    ("blind", "The value is $\\boxed{\\frac{1+\\sqrt{5}}{2}}$.", "\\frac{\\sqrt5+1}{2}", T),
    ("blind", "The value is $\\boxed{\\frac{1-\\sqrt{5}}{2}}$.", "\\frac{\\sqrt5+1}{2}", F),
    ("blind", "Total: $\\boxed{\\$1{,}250}$", "1250", T),
    ("blind", "Total: $\\boxed{\\$1{,}520}$", "1250", F),
    ("blind", "The answer is $\\boxed{x^2 - 5x + 6}$.", "(x-2)(x-3)", T),
    ("blind", "The answer is $\\boxed{x^2 + 5x + 6}$.", "(x-2)(x-3)", F),
    ("blind", "$\\log_2 8 = \\boxed{3}$", "3", T),
    ("blind", "The limit is $\\boxed{e}$.", "e", T),
    ("blind", "The limit is $\\boxed{1}$.", "e", F),
    ("blind", "Therefore, $\\boxed{\\ln 2}$.", "\\ln(2)", T),
    ("blind", "Therefore, $\\boxed{\\ln 3}$.", "\\ln(2)", F),
    ("blind", "The period is $\\boxed{\\pi}$.", "\\pi", T),
    ("blind", "The period is $\\boxed{2\\pi}$.", "\\pi", F),
    ("blind", "Answer: $\\boxed{\\frac{7}{2}}$ or equivalently $\\boxed{3.5}$", "3.5", T),
    ("blind", "Answer: $\\boxed{\\frac{7}{2}}$ or maybe $\\boxed{4}$", "3.5", F),
    ("blind", "I think the answer is 24, but it might be 25.", "24", F),
    ("blind", "$\\boxed{a = 3, b = 4}$", "(3, 4)", T),
    ("blind", "$\\boxed{a = 4, b = 3}$", "(3, 4)", F),
    ("blind", "$\\boxed{\\{-1, 0, 1\\}}$", "\\{0, 1, -1\\}", T),
    ("blind", "$\\boxed{\\{-1, 1\\}}$", "\\{0, 1, -1\\}", F),
    ("blind", "The largest is $\\boxed{999{,}999}$.", "999999", T),
    ("blind", "The largest is $\\boxed{99{,}999}$.", "999999", F),
    ("blind", "So $n = \\boxed{2^{10}}$.", "1024", T),
    ("blind", "So $n = \\boxed{2^{11}}$.", "1024", F),
    ("blind", "Volume $= \\boxed{\\frac{4}{3}\\pi r^3}$", "\\frac{4\\pi r^3}{3}", T),
    ("blind", "Volume $= \\boxed{\\frac{4}{3}\\pi r^2}$", "\\frac{4\\pi r^3}{3}", F),
    ("blind", "$\\boxed{\\sqrt{2}+\\sqrt{3}}$", "\\sqrt{5+2\\sqrt{6}}", T),
    ("blind", "$\\boxed{\\sqrt{5}}$", "\\sqrt{2}+\\sqrt{3}", F),
    ("blind", "$\\boxed{\\tfrac{1}{6}}$", "1/6", T),
    ("blind", "$\\boxed{1/5}$", "\\tfrac{1}{6}", F),
    ("blind", "So there are \\boxed{0} solutions.", "0", T),
    ("blind", "So there are \\boxed{\\text{no}} solutions.", "0", F),
    ("blind", "<answer>\nThe smallest such n is 17.\n</answer>", "17", T),
    ("blind", "<answer>\nThe smallest such n is 19.\n</answer>", "17", F),
]


def _aime() -> list[tuple[str, str]]:
    rows = []
    for name, path in (
        ("aime24", SHARED / "aime_2024/QwenLM__Qwen2.5-Math/test.jsonl"),
        ("aime25", SHARED / "aime_2025/mlfoundations__evalchemy/aime25.json"),
    ):
        for line in path.read_text().splitlines():
            rows.append((name, str(json.loads(line)["answer"]).strip()))
    return rows


def _hmmt() -> list[tuple[str, str]]:
    path = SHARED / "hmmt_feb_2025/eth-sri__matharena/hmmt_feb_2025/answers.csv"
    with path.open() as f:
        return [("hmmt25", row["answer"].strip()) for row in csv.DictReader(f)]


def _omni() -> list[tuple[str, str]]:
    """Short answers without prose from the Omni-MATH slice (long or wordy ones cannot be rewritten)."""
    path = SHARED / "omni_math/KbsdJames__omni-math-rule/test.difficulty_ge_7.jsonl"
    rows = []
    for line in path.read_text().splitlines():
        answer = json.loads(line)["answer"].strip()
        wordy = re.search(r"[a-zA-Z]{4,}", re.sub(r"\\[a-zA-Z]+", "", answer))
        if len(answer) <= 40 and re.search(r"\d", answer) and not wordy:
            rows.append(("omni-math", answer))
    return rows


# Value-preserving rewrites of a LaTeX answer, and the response formats a model writes.
def _rewrite(answer: str, k: int) -> str:
    rules = [
        lambda a: a.replace("\\frac", "\\dfrac"),
        lambda a: (
            a.replace("(", "\\left(").replace(")", "\\right)")
            if a.count("(") == a.count(")")
            else a
        ),
        lambda a: re.sub(r",\s*", ",\\; ", a),
        lambda a: a.replace("\\cdot", "\\times"),
        lambda a: re.sub(r"\\sqrt\{(\w)\}", r"\\sqrt\1", a),
        lambda a: f"{a}.",
    ]
    return rules[k % len(rules)](answer)


FORMATS = [
    "<think>Let me work it out carefully.</think>\nThe answer is $\\boxed{{{a}}}$.",
    "Therefore, the final answer is $\\boxed{{{a}}}$",
    "<think>...</think><answer>{a}</answer>",
    "We conclude.\n\nAnswer: ${a}$",
    "Putting it together gives \\[\\boxed{{{a}}}\\]",
]


def _bare(answer: str) -> str:
    """A ground truth as a model would write it inside a box: without `$`, `\\[`, `\\(` or `\\boxed`."""
    answer = re.sub(r"^\s*(\$+|\\\[|\\\()|(\$+|\\\]|\\\))\s*$", "", answer).strip()
    box = re.fullmatch(r"\\boxed\{(.*)\}", answer, re.DOTALL)
    return box.group(1) if box else answer


def _wrong(answer: str) -> str | None:
    """The answer with its last integer literal increased by one (None if it has none)."""
    numbers = list(re.finditer(r"\d+", answer))
    if not numbers:
        return None
    last = numbers[-1]
    return answer[: last.start()] + str(int(last.group()) + 1) + answer[last.end() :]


def build() -> list[dict]:
    cases = []
    for source, rows in (("handwritten", HANDWRITTEN), ("handwritten-blind", BLIND)):
        for category, response, truth, label in rows:
            cases.append(dict(category=category, source=source, response=response,
                              ground_truth=truth, label=label))  # fmt: skip
    for k, (source, truth) in enumerate(_aime() + _hmmt() + _omni()):
        answer = _bare(truth)
        template = FORMATS[k % len(FORMATS)]
        category = "benchmark_integer" if truth.lstrip("-").isdigit() else "benchmark_latex"
        cases.append(dict(category=category, source=source,
                          response=template.format(a=_rewrite(answer, k)), ground_truth=truth,
                          label=True))  # fmt: skip
        wrong = _wrong(answer)
        if wrong:
            cases.append(dict(category=category, source=source,
                              response=FORMATS[(k + 2) % len(FORMATS)].format(a=wrong),
                              ground_truth=truth, label=False))  # fmt: skip
    for index, case in enumerate(cases):
        case["id"] = f"{case['source']}-{index}"
    return cases


if __name__ == "__main__":
    cases = build()
    out = HERE / "math_equivalence.jsonl"
    with out.open("w") as f:
        for case in cases:
            f.write(json.dumps({k: case[k] for k in ("id", "category", "source", "response",
                                                     "ground_truth", "label")}) + "\n")  # fmt: skip
    print(f"{len(cases)} cases ({sum(c['label'] for c in cases)} correct) -> {out}")
