"""Build `math_graders.jsonl`: what other projects' answer graders accept and refuse, as dev suites.

    python bench/data/build_math_graders.py      # rewrites math_graders.jsonl beside it

Each line: {"id", "suite", "category", "kind", "source", "response", "ground_truth", "label"}.
`suite` names the grader whose public code or tests taught the fact (`source` is its URL); the pairs
are written here by hand from what that grader's tests assert or its normalisation is built to accept
(units it strips, phrasings it extracts, tolerances it allows), each positive beside a negative twin
that changes the value. Labels are what a careful human grader says, which is what those graders aim
at: where a grader accepts more than that (a 1e-4 relative tolerance, string-level bracket removal)
the case is left out rather than labelled its way. Development data: rules may be fitted to it; the
honest figures are the held-out ones. Deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
T, F = True, False

SOURCES = {
    "qwen-math": "https://github.com/QwenLM/Qwen2.5-Math/blob/main/evaluation/grader.py",
    "minerva": "https://github.com/EleutherAI/lm-evaluation-harness/blob/main/lm_eval/tasks/minerva_math/utils.py",
    "verl": "https://github.com/volcengine/verl/blob/main/tests/utils/reward_score/test_numeric_canonicalization_on_cpu.py",
    "hendrycks": "https://github.com/volcengine/verl/blob/main/verl/utils/reward_score/math.py",
    "deepscaler": "https://github.com/rllm-org/rllm/blob/main/rllm/rewards/math_utils/utils.py",
    "gsm8k": "https://github.com/EleutherAI/lm-evaluation-harness/blob/main/lm_eval/tasks/gsm8k/gsm8k.yaml",
    "olympiadbench": "https://github.com/OpenBMB/OlympiadBench/blob/main/eval/auto_scoring_judge.py",
    "physics": "https://github.com/YangLabHKUST/UGPhysics",
    "sympy-eq": "https://docs.sympy.org/latest/modules/parsing.html",
}

# (suite, category, kind, response, ground truth, label)
CASES = [
    # --- Qwen2.5-Math math_equal: its unit tests and the pairs its author checked by hand ---
    ("qwen-math", "percent", "plain", "10%", "0.1", T),
    ("qwen-math", "percent", "plain", "10%", "0.2", F),
    ("qwen-math", "percent", "latex", "$\\boxed{10\\%}$", "10", T),
    ("qwen-math", "long_decimal", "plain", "0.0833333333333333", "\\frac{1}{12}", T),
    ("qwen-math", "long_decimal", "plain", "0.0833", "\\frac{1}{11}", F),
    ("qwen-math", "tuple", "latex", "(1,4.5)", "(1,\\frac{9}{2})", T),
    ("qwen-math", "tuple", "latex", "(1,4.6)", "(1,\\frac{9}{2})", F),
    ("qwen-math", "expression", "latex", "\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+2}{7}", T),
    ("qwen-math", "expression", "latex", "\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+7}{7}", F),
    ("qwen-math", "trig_identity", "latex", "\\sec^2(y)", "\\tan^2(y)+1", T),
    ("qwen-math", "trig_identity", "latex", "\\sec^2(y)", "\\tan^2(y)-1", F),
    (
        "qwen-math",
        "matrix",
        "latex",
        "\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\end{pmatrix}",
        "(\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\\\\\end{pmatrix})",
        T,
    ),
    (
        "qwen-math",
        "matrix",
        "latex",
        "\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\end{pmatrix}",
        "(\\begin{pmatrix}-\\frac{7}{4}&2\\\\4&\\frac{1}{4}\\\\\\end{pmatrix})",
        F,
    ),
    ("qwen-math", "plane_equation", "latex", "-34x-45y+20z-100=0", "34x+45y-20z+100=0", T),
    ("qwen-math", "plane_equation", "latex", "-34x-45y+20z-100=0", "34x+45y+20z+100=0", F),
    (
        "qwen-math",
        "radical",
        "latex",
        "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}",
        "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}",
        T,
    ),
    (
        "qwen-math",
        "radical",
        "latex",
        "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}",
        "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{195}}}{15+2\\sqrt{33}}",
        F,
    ),
    ("qwen-math", "factored", "latex", "(+5)(b+2)", "(a+5)(b+2)", F),
    ("qwen-math", "factored", "latex", "(5+a)(2+b)", "(a+5)(b+2)", T),
    ("qwen-math", "numbers", "latex", "\\frac{1+\\sqrt{5}}{2}", "2", F),
    ("qwen-math", "numbers", "latex", "1", "1\\sqrt{19}", F),
    ("qwen-math", "interval_decimal", "latex", "(0.6,2.6667]", "(\\frac{3}{5},\\frac{8}{3}]", T),
    ("qwen-math", "interval_decimal", "latex", "(0.6,2.6667)", "(\\frac{3}{5},\\frac{8}{3}]", F),
    ("qwen-math", "expression", "latex", "x+1", "x+2n+1", F),
    ("qwen-math", "simple_equation", "plain", "x = 10", "10", T),
    ("qwen-math", "simple_equation", "plain", "10", "x = 10", T),
    ("qwen-math", "simple_equation", "plain", "x = y", "x = z", F),
    ("qwen-math", "list", "plain", "[1, 2, 3]", "[1, 2, 3]", T),
    ("qwen-math", "list", "plain", "[1, 2, 3]", "[1, 2, 4]", F),
    ("qwen-math", "choice", "plain", "The correct option is (C).", "C", T),
    ("qwen-math", "choice", "plain", "The correct option is (D).", "C", F),
    ("qwen-math", "fraction_decimal", "latex", "\\frac{100}{3}", "33.3", T),
    ("qwen-math", "fraction_decimal", "latex", "\\frac{100}{3}", "33.4", F),
    # --- Minerva MATH (lm-evaluation-harness): its answer line and the words its normaliser drops --
    (
        "minerva",
        "answer_line",
        "latex",
        "Solution: ... Final Answer: The final answer is $[2,5)$. I hope it is correct.",
        "[2,5)",
        T,
    ),
    (
        "minerva",
        "answer_line",
        "latex",
        "Solution: ... Final Answer: The final answer is $[2,5]$. I hope it is correct.",
        "[2,5)",
        F,
    ),
    (
        "minerva",
        "answer_line",
        "latex",
        "Final Answer: The final answer is $-\\frac{2}{3}$. I hope it is correct.",
        "-\\frac23",
        T,
    ),
    ("minerva", "unit_words", "plain", "Final Answer: The final answer is 16 ways.", "16", T),
    ("minerva", "unit_words", "plain", "Final Answer: The final answer is 61 ways.", "16", F),
    ("minerva", "unit_words", "latex", "The answer is $12$ inches.", "12", T),
    ("minerva", "unit_words", "latex", "$\\boxed{12\\text{ inches}}$", "12", T),
    ("minerva", "unit_words", "latex", "$\\boxed{13\\text{ inches}}$", "12", F),
    ("minerva", "unit_words", "latex", "$\\boxed{45 \\text{ students}}$", "45", T),
    ("minerva", "unit_words", "latex", "$\\boxed{24 \\text{ square units}}$", "24", T),
    ("minerva", "unit_words", "latex", "$\\boxed{24 \\text{ square units}}$", "42", F),
    ("minerva", "unit_words", "latex", "$\\boxed{\\$18.90}$", "18.90", T),
    ("minerva", "unit_words", "latex", "$\\boxed{\\$18.90}$", "18.09", F),
    ("minerva", "unit_words", "latex", "$\\boxed{65 \\text{ mph}}$", "65", T),
    ("minerva", "unit_words", "latex", "$\\boxed{7\\text{ hours}}$", "7", T),
    ("minerva", "unit_words", "latex", "$\\boxed{40 \\text{ cents}}$", "40", T),
    ("minerva", "unit_words", "latex", "$\\boxed{40 \\text{ cents}}$", "4", F),
    ("minerva", "unit_words", "plain", "The answer is 5 digits.", "5", T),
    ("minerva", "unit_words", "latex", "$\\boxed{120 \\text{ pounds}}$", "120", T),
    ("minerva", "and_list", "latex", "$\\boxed{1 \\text{ and } 3}$", "1, 3", T),
    ("minerva", "and_list", "latex", "$\\boxed{1 \\text{ and } 4}$", "1, 3", F),
    ("minerva", "label", "latex", "Final Answer: The final answer is $k = 5$.", "5", T),
    ("minerva", "label", "latex", "Final Answer: The final answer is $k = 6$.", "5", F),
    ("minerva", "thousands", "plain", "Final Answer: The final answer is 100,000.", "100000", T),
    ("minerva", "thousands", "plain", "Final Answer: The final answer is 10,000.", "100000", F),
    ("minerva", "ordinal", "latex", "$\\boxed{5^{\\text{th}}}$", "5", T),
    ("minerva", "ordinal", "latex", "$\\boxed{6^{\\text{th}}}$", "5", F),
    ("minerva", "shorthand", "latex", "$\\boxed{\\frac32}$", "\\frac{3}{2}", T),
    ("minerva", "shorthand", "latex", "$\\boxed{\\sqrt3}$", "\\sqrt{3}", T),
    ("minerva", "shorthand", "latex", "$\\boxed{\\frac23}$", "\\frac{3}{2}", F),
    # --- verl: integer canonicalisation (its tests) and the Hendrycks normaliser it ships ---
    ("verl", "leading_zeros", "plain", "33", "\\boxed{033}", T),
    ("verl", "leading_zeros", "plain", "33", "\\boxed{+033}", T),
    ("verl", "leading_zeros", "plain", "0", "\\boxed{-0}", T),
    ("verl", "leading_zeros", "plain", "0", "\\boxed{000}", T),
    ("verl", "leading_zeros", "plain", "34", "\\boxed{033}", F),
    ("verl", "leading_zeros", "plain", "-33", "\\boxed{033}", F),
    ("hendrycks", "leading_point", "plain", "\\boxed{.5}", "0.5", T),
    ("hendrycks", "leading_point", "plain", "\\boxed{.5}", "5", F),
    ("hendrycks", "slash", "plain", "\\boxed{3/4}", "\\frac{3}{4}", T),
    ("hendrycks", "slash", "plain", "\\boxed{4/3}", "\\frac{3}{4}", F),
    ("hendrycks", "degrees", "latex", "\\boxed{90^{\\circ}}", "90", T),
    ("hendrycks", "degrees", "latex", "\\boxed{90^{\\circ}}", "45", F),
    ("hendrycks", "units", "latex", "\\boxed{5\\text{ cm}}", "5", T),
    ("hendrycks", "units", "latex", "\\boxed{6\\text{ cm}}", "5", F),
    ("hendrycks", "spaces", "latex", "\\boxed{\\left( 1, 2 \\right)}", "(1,2)", T),
    ("hendrycks", "spaces", "latex", "\\boxed{\\left( 2, 1 \\right)}", "(1,2)", F),
    ("hendrycks", "tfrac", "latex", "\\boxed{\\tfrac{1}{2}}", "\\frac12", T),
    ("hendrycks", "label", "latex", "\\boxed{x = 5}", "5", T),
    ("hendrycks", "label", "latex", "\\boxed{x = -5}", "5", F),
    # --- DeepScaleR / rLLM: mathd normalisation and the sympy grader ---
    ("deepscaler", "mixed_number", "plain", "\\boxed{7 3/4}", "\\frac{31}{4}", T),
    ("deepscaler", "mixed_number", "plain", "\\boxed{7 3/4}", "\\frac{21}{4}", F),
    ("deepscaler", "integer_float", "plain", "\\boxed{12.0}", "12", T),
    ("deepscaler", "integer_float", "plain", "\\boxed{12.5}", "12", F),
    ("deepscaler", "tuple_order", "latex", "\\boxed{(1, 2)}", "(1,2)", T),
    ("deepscaler", "tuple_order", "latex", "\\boxed{(2, 1)}", "(1,2)", F),
    ("deepscaler", "bracket_kind", "latex", "\\boxed{[1, 2]}", "(1, 2)", F),
    ("deepscaler", "pi_decimal", "latex", "\\boxed{3.14}", "\\pi", F),
    ("deepscaler", "pi_decimal", "latex", "\\boxed{\\pi}", "\\pi", T),
    ("deepscaler", "units", "latex", "\\boxed{15\\text{ degrees}}", "15", T),
    ("deepscaler", "units", "latex", "\\boxed{20 \\text{ minutes}}", "20", T),
    ("deepscaler", "units", "latex", "\\boxed{20 \\text{ minutes}}", "21", F),
    ("deepscaler", "sqrt_word", "plain", "\\boxed{2 sqrt(2)}", "2\\sqrt{2}", T),
    ("deepscaler", "sqrt_word", "plain", "\\boxed{2 sqrt(3)}", "2\\sqrt{2}", F),
    ("deepscaler", "text_answer", "latex", "\\boxed{\\text{(B)}}", "B", T),
    ("deepscaler", "text_answer", "latex", "\\boxed{\\text{(B)}}", "C", F),
    # --- GSM8K (lm-evaluation-harness): `#### 42` and "The answer is 42." ---
    ("gsm8k", "hashes", "plain", "She has 6 + 4 = 10 apples.\n#### 10", "10", T),
    ("gsm8k", "hashes", "plain", "She has 6 + 4 = 10 apples.\n#### 10", "11", F),
    ("gsm8k", "hashes", "plain", "It costs $1,200 in all.\n#### 1,200", "1200", T),
    ("gsm8k", "answer_is", "plain", "So 3 * 4 = 12 cookies. The answer is 12.", "12", T),
    ("gsm8k", "answer_is", "plain", "So 3 * 4 = 12 cookies. The answer is 12.", "13", F),
    ("gsm8k", "answer_is", "plain", "The total is $18. The answer is $18.", "18", T),
    ("gsm8k", "negative", "plain", "The change is -5 degrees.\n#### -5", "-5", T),
    ("gsm8k", "negative", "plain", "The change is -5 degrees.\n#### -5", "5", F),
    # --- OlympiadBench: approximations, units, unions, equations ---
    (
        "olympiadbench",
        "approx",
        "latex",
        "\\boxed{\\frac{\\sqrt{3}}{2} \\approx 0.866}",
        "\\frac{\\sqrt3}{2}",
        T,
    ),
    (
        "olympiadbench",
        "approx",
        "latex",
        "\\boxed{\\frac{\\sqrt{2}}{2} \\approx 0.707}",
        "\\frac{\\sqrt3}{2}",
        F,
    ),
    (
        "olympiadbench",
        "union_order",
        "latex",
        "\\boxed{[2, \\infty) \\cup (-\\infty, 1]}",
        "(-\\infty, 1] \\cup [2, \\infty)",
        T,
    ),
    (
        "olympiadbench",
        "union_order",
        "latex",
        "\\boxed{(2, \\infty) \\cup (-\\infty, 1]}",
        "(-\\infty, 1] \\cup [2, \\infty)",
        F,
    ),
    ("olympiadbench", "equation", "latex", "\\boxed{y = 2x + 1}", "2x - y + 1 = 0", T),
    ("olympiadbench", "equation", "latex", "\\boxed{y = 2x - 1}", "2x - y + 1 = 0", F),
    ("olympiadbench", "units", "latex", "\\boxed{4.5 \\mathrm{~cm}}", "4.5", T),
    ("olympiadbench", "units", "latex", "\\boxed{5.4 \\mathrm{~cm}}", "4.5", F),
    ("olympiadbench", "multiple", "latex", "\\boxed{2}, \\boxed{3}", "2, 3", T),
    ("olympiadbench", "multiple", "latex", "\\boxed{2}, \\boxed{4}", "2, 3", F),
    ("olympiadbench", "sci", "latex", "\\boxed{1.5 \\times 10^{3}}", "1500", T),
    ("olympiadbench", "sci", "latex", "\\boxed{1.5 \\times 10^{4}}", "1500", F),
    ("olympiadbench", "chinese_cue", "latex", "故答案为 $\\frac{1}{4}$。", "\\frac14", T),
    ("olympiadbench", "chinese_cue", "latex", "故答案为 $\\frac{1}{3}$。", "\\frac14", F),
    # --- physics graders: values with units, scientific notation ---
    ("physics", "units", "latex", "\\boxed{9.8\\,\\mathrm{m/s^2}}", "9.8", T),
    ("physics", "units", "latex", "\\boxed{8.9\\,\\mathrm{m/s^2}}", "9.8", F),
    (
        "physics",
        "sci",
        "latex",
        "\\boxed{3.0 \\times 10^{8}\\,\\mathrm{m/s}}",
        "3 \\times 10^{8}",
        T,
    ),
    (
        "physics",
        "sci",
        "latex",
        "\\boxed{3.0 \\times 10^{7}\\,\\mathrm{m/s}}",
        "3 \\times 10^{8}",
        F,
    ),
    ("physics", "sci", "plain", "The answer is 6.67e-11.", "6.67 \\times 10^{-11}", T),
    ("physics", "sci", "plain", "The answer is 6.67e-12.", "6.67 \\times 10^{-11}", F),
    ("physics", "sci", "latex", "\\boxed{1.2 \\times 10^{-3} \\text{ kg}}", "0.0012", T),
    ("physics", "sci", "latex", "\\boxed{1.2 \\times 10^{-2} \\text{ kg}}", "0.0012", F),
    ("physics", "units", "latex", "\\boxed{2.5 \\text{ J}}", "2.5", T),
    ("physics", "units", "latex", "\\boxed{25 \\text{ J}}", "2.5", F),
    ("physics", "symbolic", "latex", "\\boxed{v = \\sqrt{\\frac{2 g h}{1}}}", "\\sqrt{2gh}", T),
    ("physics", "symbolic", "latex", "\\boxed{v = \\sqrt{g h}}", "\\sqrt{2gh}", F),
    (
        "physics",
        "symbolic",
        "latex",
        "\\boxed{T = 2\\pi\\sqrt{\\frac{L}{g}}}",
        "2 \\pi \\sqrt{L/g}",
        T,
    ),
    (
        "physics",
        "symbolic",
        "latex",
        "\\boxed{T = 2\\pi\\sqrt{\\frac{g}{L}}}",
        "2 \\pi \\sqrt{L/g}",
        F,
    ),
    ("physics", "symbolic", "latex", "\\boxed{\\frac{m v^{2}}{r}}", "m v^2 / r", T),
    ("physics", "symbolic", "latex", "\\boxed{\\frac{m v}{r}}", "m v^2 / r", F),
    # --- sympy-syntax equation pairs ---
    ("sympy-eq", "equation", "sympy", "Eq(x**2 + y**2, r**2)", "x**2 + y**2 == r**2", T),
    ("sympy-eq", "equation", "sympy", "Eq(x**2 + y**2, r)", "x**2 + y**2 == r**2", F),
    ("sympy-eq", "equation", "sympy", "y == m*x + b", "b + m*x == y", T),
    ("sympy-eq", "equation", "sympy", "y == m*x - b", "b + m*x == y", F),
    ("sympy-eq", "equation", "sympy", "E == m*c**2", "E == c**2*m", T),
    ("sympy-eq", "equation", "sympy", "E == m*c", "E == c**2*m", F),
    ("sympy-eq", "equation", "sympy", "F == G*m1*m2/r**2", "F*r**2 == G*m1*m2", T),
    ("sympy-eq", "equation", "sympy", "F == G*m1*m2/r", "F*r**2 == G*m1*m2", F),
    ("sympy-eq", "equation", "sympy", "T == 2*pi*sqrt(L/g)", "T == 2*pi*sqrt(L)/sqrt(g)", T),
    ("sympy-eq", "equation", "sympy", "T == 2*pi*sqrt(g/L)", "T == 2*pi*sqrt(L)/sqrt(g)", F),
    ("sympy-eq", "equation", "sympy", "v == v0 + a*t", "v - v0 == a*t", T),
    ("sympy-eq", "equation", "sympy", "v == v0 - a*t", "v - v0 == a*t", F),
    ("sympy-eq", "equation", "sympy", "y == exp(-k*t)", "y == E**(-k*t)", T),
    ("sympy-eq", "equation", "sympy", "y == exp(k*t)", "y == E**(-k*t)", F),
    (
        "sympy-eq",
        "equation",
        "sympy",
        "x == (-b + sqrt(b**2 - 4*a*c))/(2*a)",
        "x == -b/(2*a) + sqrt(b**2 - 4*a*c)/(2*a)",
        T,
    ),
    (
        "sympy-eq",
        "equation",
        "sympy",
        "x == (-b - sqrt(b**2 - 4*a*c))/(2*a)",
        "x == -b/(2*a) + sqrt(b**2 - 4*a*c)/(2*a)",
        F,
    ),
    ("sympy-eq", "expression", "sympy", "sin(x)**2 + cos(x)**2", "1", T),
    ("sympy-eq", "expression", "sympy", "sin(x)**2 - cos(x)**2", "1", F),
    ("sympy-eq", "expression", "sympy", "x*(x + 1)", "x**2 + x", T),
    ("sympy-eq", "expression", "sympy", "x*(x - 1)", "x**2 + x", F),
    ("sympy-eq", "equation", "sympy", "P*V == n*R*T", "P == n*R*T/V", T),
    ("sympy-eq", "equation", "sympy", "P*V == n*R*T", "P == n*R*V/T", F),
    ("sympy-eq", "inequality", "sympy", "x >= 3", "3 <= x", T),
    ("sympy-eq", "inequality", "sympy", "x > 3", "3 <= x", F),
    ("sympy-eq", "equation", "sympy", "Eq(a, (b + c)/2)", "2*a == b + c", T),
    ("sympy-eq", "equation", "sympy", "Eq(a, (b - c)/2)", "2*a == b + c", F),
]


def build() -> list[dict]:
    return [
        {
            "id": f"grader-{suite}-{index}",
            "suite": suite,
            "category": category,
            "kind": kind,
            "source": SOURCES[suite],
            "response": response,
            "ground_truth": truth,
            "label": label,
        }
        for index, (suite, category, kind, response, truth, label) in enumerate(CASES)
    ]


def main() -> None:
    rows = build()
    path = HERE / "math_graders.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    print(f"wrote {len(rows)} cases to {path}")


if __name__ == "__main__":
    main()
