"""Build `math_families.jsonl`: every extraction and comparison family of issue 12, both directions.

    python bench/data/build_math_families.py      # rewrites math_families.jsonl beside it

Each line: {"id", "category", "kind", "source", "response", "ground_truth", "label"}. `kind` is what
the answer is written in: `latex`, `plain` (plain-text math and words) or `sympy` (Python/sympy
syntax, equations mostly). Every family has positive cases (a careful grader accepts them) and
negative twins that differ in one value-changing way (`12` vs `12.5`, `\\sin` vs `\\cos`, a chain
whose last member differs, a swapped but unequal equation, another unit). Cases are written by hand
here; each family is then multiplied by the response wrappers below (a think block, chat-template
debris, a multilingual closing sentence), which never change the label. Deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
T, F = True, False

# (category, kind, response, ground truth, label)
CASES = [
    # --- extraction: eval-harness phrasing ---
    (
        "harness",
        "plain",
        "Final Answer: The final answer is 7.78. I hope it is correct.",
        "7.78",
        T,
    ),
    (
        "harness",
        "plain",
        "Final Answer: The final answer is 7.78. I hope it is correct.",
        "7.79",
        F,
    ),
    (
        "harness",
        "latex",
        "Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.",
        "0.75",
        T,
    ),
    (
        "harness",
        "latex",
        "Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.",
        "\\frac{4}{3}",
        F,
    ),
    ("harness", "plain", "Final Answer: The number of ways is 56. I hope it is correct.", "56", T),
    ("harness", "plain", "Final Answer: The number of ways is 56. I hope it is correct.", "65", F),
    ("harness", "latex", "Answer: $9$", "9", T),
    ("harness", "latex", "Answer: $9$", "-9", F),
    ("harness", "latex", "Answer \\[ 9 \\]", "9", T),
    ("harness", "latex", "Answer $$\n\\sqrt{2}\n$$", "\\sqrt2", T),
    ("harness", "latex", "Answer $$\n\\sqrt{2}\n$$", "\\sqrt3", F),
    ("harness", "plain", "the answer is (B) 12", "B", T),
    ("harness", "plain", "the answer is (B) 12", "12", T),
    ("harness", "plain", "the answer is (B) 12", "C", F),
    ("harness", "plain", "the answer is (B) 12", "13", F),
    (
        "harness",
        "latex",
        "We computed \\boxed{255} for the first CD. In total she has $10,455. "
        "Final Answer: The final answer is $10,455$. I hope it is correct.",
        "10455",
        T,
    ),
    (
        "harness",
        "latex",
        "We computed \\boxed{255} for the first CD. In total she has $10,455. "
        "Final Answer: The final answer is $10,455$. I hope it is correct.",
        "255",
        F,
    ),
    # --- extraction: chat-template debris ---
    ("debris", "plain", "So the total is 42.<|im_end|>", "42", T),
    ("debris", "plain", "So the total is 42.<|im_end|>", "24", F),
    (
        "debris",
        "plain",
        "Thus the answer is 5.<|im_end|>\n<|im_start|>user\nNow what is 7 + 1?",
        "5",
        T,
    ),
    (
        "debris",
        "plain",
        "Thus the answer is 5.<|im_end|>\n<|im_start|>user\nNow what is 7 + 1?",
        "8",
        F,
    ),
    ("debris", "latex", "The answer is $\\boxed{\\pi}$</s>", "\\pi", T),
    ("debris", "latex", "The answer is $\\boxed{\\pi}$</s>", "2\\pi", F),
    ("debris", "plain", "The probability is 2/3. <|eot_id|><|start_header_id|>user", "2/3", T),
    ("debris", "plain", "The probability is 2/3. <|eot_id|><|start_header_id|>user", "3/2", F),
    ("debris", "plain", "<|im_start|>assistant\n17<|im_end|>", "17", T),
    ("debris", "plain", "<|im_start|>assistant\n17<|im_end|>", "71", F),
    # --- extraction: closing sentence with inline math ---
    ("closing", "latex", "Therefore $x \\geq 5$ is the solution.", "x \\ge 5", T),
    ("closing", "latex", "Therefore $x \\geq 5$ is the solution.", "[5, \\infty)", T),
    ("closing", "latex", "Therefore $x \\geq 5$ is the solution.", "x > 5", F),
    ("closing", "latex", "Thus $x <= 2$ is our answer.", "x \\leq 2", T),
    ("closing", "latex", "Thus $x <= 2$ is our answer.", "x \\geq 2", F),
    ("closing", "latex", "So the area is $12\\sqrt{3}$ square units.", "12\\sqrt3", T),
    ("closing", "latex", "So the area is $12\\sqrt{3}$ square units.", "12\\sqrt2", F),
    # --- extraction: multilingual final answers ---
    ("multilingual", "latex", "计算可得。答案：$\\frac{1}{2}$", "0.5", T),
    ("multilingual", "latex", "计算可得。答案：$\\frac{1}{2}$", "0.25", F),
    ("multilingual", "plain", "所以 x 的值是 5。", "5", T),
    ("multilingual", "plain", "所以 x 的值是 5。", "6", F),
    ("multilingual", "plain", "最终答案是 12", "12", T),
    ("multilingual", "plain", "الجواب هو 7", "7", T),
    ("multilingual", "plain", "الجواب هو 7", "1", F),
    ("multilingual", "latex", "Donc la réponse est $42$.", "42", T),
    ("multilingual", "latex", "Donc la réponse est $42$.", "24", F),
    ("multilingual", "plain", "Ответ: 3", "3", T),
    ("multilingual", "plain", "Ответ: 3", "-3", F),
    ("multilingual", "plain", "Por lo tanto, la respuesta es 8.", "8", T),
    ("multilingual", "plain", "Por lo tanto, la respuesta es 8.", "9", F),
    ("multilingual", "latex", "Also ist die Antwort $\\sqrt{5}$.", "\\sqrt{5}", T),
    ("multilingual", "latex", "Logo, a resposta é $2\\pi$.", "2\\pi", T),
    ("multilingual", "latex", "Logo, a resposta é $2\\pi$.", "\\pi", F),
    # --- extraction: matrices and align* leftovers ---
    (
        "matrix",
        "latex",
        "\\begin{pmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{pmatrix}",
        "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}",
        T,
    ),
    (
        "matrix",
        "latex",
        "\\begin{pmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{pmatrix}",
        "\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}",
        F,
    ),
    (
        "matrix",
        "latex",
        "\\begin{align*}\nA &= \\boxed{\\begin{pmatrix} 0 & 3 \\\\ 0 & -1 "
        "\\end{pmatrix}}.\n\\end{align*}",
        "\\begin{pmatrix} 0 & 3 \\\\ 0 & -1 \\end{pmatrix}",
        T,
    ),
    (
        "matrix",
        "latex",
        "\\begin{align*}\nA &= \\boxed{\\begin{pmatrix} 0 & 3 \\\\ 0 & -1 "
        "\\end{pmatrix}}.\n\\end{align*}",
        "\\begin{pmatrix} 0 & 3 \\\\ 0 & 1 \\end{pmatrix}",
        F,
    ),
    (
        "matrix",
        "latex",
        "The vector is $\\begin{bmatrix} 2 \\\\ -1 \\end{bmatrix}$.",
        "\\begin{pmatrix}2\\\\-1\\end{pmatrix}",
        T,
    ),
    (
        "matrix",
        "latex",
        "The vector is $\\begin{bmatrix} 2 \\\\ -1 \\end{bmatrix}$.",
        "\\begin{pmatrix}-1\\\\2\\end{pmatrix}",
        F,
    ),
    # --- extraction: the same text on both sides ---
    (
        "identical",
        "latex",
        "\\boxed{\n\\begin{pmatrix} 0 & 3 \\end{pmatrix}\n}.\n\\end{align*}",
        "\\boxed{\n\\begin{pmatrix} 0 & 3 \\end{pmatrix}\n}.\n\\end{align*}",
        T,
    ),
    (
        "identical",
        "plain",
        "see figure 3 (the shaded region)",
        "see figure 3 (the shaded region)",
        T,
    ),
    (
        "identical",
        "plain",
        "see figure 3 (the shaded region)",
        "see figure 4 (the shaded region)",
        F,
    ),
    # --- ground truth written as a solution ---
    (
        "truth_solution",
        "latex",
        "\\boxed{20}",
        "Solving gives $x = 1/5$, or $\\boxed{20}$ percent.",
        T,
    ),
    (
        "truth_solution",
        "latex",
        "\\boxed{25}",
        "Solving gives $x = 1/5$, or $\\boxed{20}$ percent.",
        F,
    ),
    ("truth_solution", "latex", "$\\boxed{1,2}$", "$\\boxed{1}\\boxed{2}$", T),
    ("truth_solution", "latex", "$\\boxed{1,3}$", "$\\boxed{1}\\boxed{2}$", F),
    (
        "truth_solution",
        "latex",
        "\\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}",
        "so the solutions are $n = \\boxed{1,-2}.$",
        T,
    ),
    (
        "truth_solution",
        "latex",
        "\\boxed{-2} \\quad \\text{and} \\quad \\boxed{2}",
        "so the solutions are $n = \\boxed{1,-2}.$",
        F,
    ),
    # --- comparison: chains of equalities, \approx tails ---
    ("chain", "latex", "$\\sqrt{9} = 3$", "3", T),
    ("chain", "latex", "$\\sqrt{9} = 3$", "4", F),
    ("chain", "latex", "$2^{10} = 1024$", "1024", T),
    ("chain", "latex", "$2^{10} = 1024$", "1000", F),
    ("chain", "latex", "$\\frac{1/3}{2/3} = \\frac12$", "1/2", T),
    ("chain", "latex", "$\\frac{1/3}{2/3} = \\frac13$", "1/2", F),
    ("chain", "latex", "$x = 5+5+1 = 11$", "x = 11", T),
    ("chain", "latex", "$x = 5+5+1 = 12$", "x = 11", F),
    ("chain", "latex", "$\\frac{7}{\\pi} \\approx 2.23$", "\\frac{7}{\\pi}", T),
    ("chain", "latex", "$\\frac{7}{\\pi} \\approx 2.23$", "2.23", T),
    ("chain", "latex", "$\\frac{8}{\\pi} \\approx 2.55$", "\\frac{7}{\\pi}", F),
    ("chain", "latex", "$x = \\frac{1}{3} \\approx 0.33$", "1/3", T),
    ("chain", "latex", "$x = \\frac{2}{3} \\approx 0.67$", "1/3", F),
    # --- comparison: units and words after numbers ---
    ("units", "latex", "$5\\text{ cm}$", "5", T),
    ("units", "latex", "$5\\text{ cm}$", "6", F),
    ("units", "latex", "$\\frac{1}{3} \\textbf{meters}$", "1/3", T),
    ("units", "latex", "$\\frac{1}{3} \\textbf{meters}$", "1/4", F),
    ("units", "latex", "The distance is $\\boxed{125\\textnormal{ km}}$.", "125", T),
    ("units", "latex", "The distance is $\\boxed{125\\textnormal{ km}}$.", "125 m", F),
    ("units", "plain", "12 apples", "12", T),
    ("units", "plain", "12 apples", "12.5", F),
    ("units", "plain", "so the price is 1,000.99€", "1000.99", T),
    ("units", "plain", "so the price is 1,000.99€", "1000.9", F),
    ("units", "latex", "$30^\\circ$", "30", T),
    ("units", "latex", "$30^\\circ$", "60", F),
    ("units", "plain", "5 km", "5 kilometers", T),
    ("units", "plain", "5 km", "5 m", F),
    ("units", "plain", "the area is 1,000.99m²", "1000.99", T),
    # --- comparison: labelled answers ---
    ("labelled", "latex", "$|PQ| = 4$", "4", T),
    ("labelled", "latex", "$|PQ| = 4$", "5", F),
    ("labelled", "latex", "$k = 3$", "3", T),
    ("labelled", "latex", "$k = 3$", "-3", F),
    ("labelled", "latex", "$A:B = 4$", "4", T),
    ("labelled", "latex", "$A:B = 4$", "2", F),
    ("labelled", "latex", "$\\frac{1}{\\sqrt{6}}$", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}", T),
    ("labelled", "latex", "$\\frac{1}{\\sqrt{5}}$", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}", F),
    ("labelled", "latex", "$\\sin x = 3/5$", "\\sin x = \\frac{3}{5}", T),
    ("labelled", "latex", "$\\sin x = 3/5$", "\\cos x = 3/5", F),
    # --- comparison: relations in normal form ---
    ("relations", "latex", "$-x > -2$", "x < 2", T),
    ("relations", "latex", "$-x > -2$", "x > 2", F),
    ("relations", "latex", "$-x > -2$", "x \\le 2", F),
    ("relations", "plain", "x != 3", "x \\neq 3", T),
    ("relations", "plain", "x != 3", "x \\neq -3", F),
    ("relations", "latex", "$a \\le b$", "b \\ge a", T),
    ("relations", "latex", "$a \\le b$", "b \\le a", F),
    ("relations", "latex", "$2x + 4 > 0$", "x > -2", T),
    ("relations", "latex", "$2x + 4 > 0$", "x > 2", F),
    ("relations", "latex", "$3 \\geq y$", "y \\leq 3", T),
    ("relations", "latex", "$0 < f(x) < 1$", "(0, 1)", T),
    ("relations", "latex", "$0 < f(x) < 1$", "(0, 1]", F),
    # --- comparison: number formats ---
    ("numbers", "latex", "$12,\\!345$", "12345", T),
    ("numbers", "latex", "$12,\\!345$", "12346", F),
    ("numbers", "plain", "12 345", "12345", T),
    ("numbers", "plain", "12 345", "12354", F),
    ("numbers", "latex", "$1.2\\times10^{3}$", "1200", T),
    ("numbers", "latex", "$1.2\\times10^{3}$", "120", F),
    ("numbers", "latex", "$11,\\! 111,\\! 111,\\! 100$", "11111111100", T),
    ("numbers", "latex", "$11,\\! 111,\\! 111,\\! 100$", "1111111100", F),
    ("numbers", "latex", "$(\\alpha)$", "\\alpha", T),
    ("numbers", "latex", "$(\\alpha)$", "\\beta", F),
    ("numbers", "plain", "12", "12.5", F),
    ("numbers", "plain", "1.5e3", "1500", T),
    # --- comparison: lists joined by words ---
    ("lists", "latex", "$\\boxed{1,2,3}$", "$1$ and $2$ and $3$", T),
    ("lists", "latex", "$\\boxed{1,2,4}$", "$1$ and $2$ and $3$", F),
    ("lists", "latex", "$\\boxed{(7,11),\\ (11,7)}$", "$(11,7)$ or $(7,11)$", T),
    ("lists", "latex", "$\\boxed{(7,11),\\ (11,8)}$", "$(11,7)$ or $(7,11)$", F),
    ("lists", "latex", "$\\boxed{6,8}$", "\\boxed{6 \\text{ and } 8}", T),
    ("lists", "latex", "$\\boxed{6,9}$", "\\boxed{6 \\text{ and } 8}", F),
    ("lists", "latex", "The answer is $1$ or $2$.", "1", F),
    # --- comparison: Python/sympy syntax ---
    ("sympy", "sympy", "x**2 + 2*x + 1", "(x+1)^2", T),
    ("sympy", "sympy", "x**2 + 2*x + 1", "(x-1)^2", F),
    ("sympy", "sympy", "sqrt(x)/2", "\\frac{\\sqrt{x}}{2}", T),
    ("sympy", "sympy", "sqrt(x)/2", "\\frac{\\sqrt{x}}{3}", F),
    ("sympy", "sympy", "exp(-t)", "e**(-t)", T),
    ("sympy", "sympy", "exp(-t)", "e**t", F),
    ("sympy", "sympy", "exp(-t)*sin(t)", "e^{-t}\\sin t", T),
    ("sympy", "sympy", "exp(-t)*sin(t)", "e^{-t}\\cos t", F),
    ("sympy", "sympy", "tanh(u/2)", "\\tanh\\left(\\frac{u}{2}\\right)", T),
    ("sympy", "sympy", "tanh(u/2)", "\\tanh(u)", F),
    ("sympy", "sympy", "asin(x) + acos(x)", "\\frac{\\pi}{2}", T),
    ("sympy", "sympy", "asin(x) - acos(x)", "\\frac{\\pi}{2}", F),
    ("sympy", "sympy", "Abs(x - 1)", "|x-1|", T),
    ("sympy", "sympy", "Abs(x - 1)", "x-1", F),
    ("sympy", "sympy", "log(x)/log(2)", "\\log_2 x", T),
    # --- comparison: equations compared as equations ---
    ("equations", "sympy", "y == (1 + tanh(u/2))/2", "tanh(u/2)/2 + 1/2 == y", T),
    ("equations", "sympy", "y == (1 + tanh(u/2))/2", "tanh(u/2)/2 - 1/2 == y", F),
    ("equations", "sympy", "v**2 == a*(b - c)", "v**(2) == a*b - a*c", T),
    ("equations", "sympy", "v**2 == a*(b + c)", "v**(2) == a*b - a*c", F),
    ("equations", "sympy", "F == m*a", "a == F/m", T),
    ("equations", "sympy", "F == m*a", "a == F*m", F),
    ("equations", "sympy", "P*V == n*R*T", "T == P*V/(n*R)", T),
    ("equations", "sympy", "P*V == n*R*T", "T == P*V*n/R", F),
    ("equations", "sympy", "E == m*c**2", "m*c**2 == E", T),
    ("equations", "sympy", "E == m*c**2", "m*c**3 == E", F),
    ("equations", "sympy", "x**2 + y**2 == r**2", "x**2 == r**2 - y**2", T),
    ("equations", "sympy", "x**2 + y**2 == r**2", "x**2 == r**2 + y**2", F),
    ("equations", "sympy", "2*x + 4*y - 3 == 0", "y == -x/2 + 3/4", T),
    ("equations", "sympy", "2*x + 4*y - 3 == 0", "y == -x/2 - 3/4", F),
    ("equations", "sympy", "T == 2*pi*sqrt(L/g)", "T**2 == 4*pi**2*L/g", F),
    ("equations", "latex", "$y = -\\frac{1}{2}x + \\frac{3}{4}$", "2x+4y-3=0", T),
    ("equations", "latex", "$y = \\frac{1}{2}x + \\frac{3}{4}$", "2x+4y-3=0", F),
    ("equations", "latex", "$x^2/16 + y^2/12 = 1/4$", "x^2/4 + y^2/3 = 1", T),
    ("equations", "latex", "$x^2/16 + y^2/12 = 1/2$", "x^2/4 + y^2/3 = 1", F),
    ("equations", "latex", "$x^2 = 4$", "x = 2", F),
    # --- round 2: families that other projects' graders test (cases written here) ---
    ("sympy_reader", "sympy", "Eq(s, u*t + a*t**2/2)", "s == a*t**2/2 + t*u", T),
    ("sympy_reader", "sympy", "Eq(s, u*t + a*t**2/2)", "s == a*t**2 + t*u", F),
    ("sympy_reader", "sympy", "p1*q1 + p2*q2 == (p1 + p2)*w", "w == (p1*q1 + p2*q2)/(p1 + p2)", T),
    ("sympy_reader", "sympy", "p1*q1 - p2*q2 == (p1 + p2)*w", "w == (p1*q1 + p2*q2)/(p1 + p2)", F),
    ("sympy_reader", "sympy", "z**Rational(1, 3)", "cbrt(z)", T),
    ("sympy_reader", "sympy", "z**Rational(1, 3)", "sqrt(z)", F),
    ("sympy_reader", "sympy", "log(27, 3)", "3", T),
    ("sympy_reader", "sympy", "log(27, 3)", "9", F),
    ("sympy_reader", "sympy", "factorial(6)/factorial(4)", "30", T),
    ("sympy_reader", "sympy", "factorial(6)/factorial(4)", "24", F),
    ("sympy_reader", "sympy", "E**(2*k)", "exp(2*k)", T),
    ("sympy_reader", "sympy", "E**(2*k)", "exp(k)**3", F),
    ("sympy_reader", "sympy", "-oo", "-\\infty", T),
    ("sympy_reader", "sympy", "oo", "-\\infty", F),
    ("branch_cut", "sympy", "f == sqrt(k/m)/(2*pi)", "f == sqrt(k)/(2*pi*sqrt(m))", T),
    ("branch_cut", "sympy", "f == sqrt(m/k)/(2*pi)", "f == sqrt(k)/(2*pi*sqrt(m))", F),
    ("branch_cut", "latex", "$\\sqrt{x^2}$", "x", F),
    ("physics_units", "latex", "$\\boxed{4.9\\,\\mathrm{m/s^2}}$", "4.9", T),
    ("physics_units", "latex", "$\\boxed{4.8\\,\\mathrm{m/s^2}}$", "4.9", F),
    ("physics_units", "latex", "$\\boxed{1.2\\times10^{4}\\ \\text{J}}$", "12000", T),
    ("physics_units", "latex", "$\\boxed{1.2\\times10^{5}\\ \\text{J}}$", "12000", F),
    ("physics_units", "latex", "$\\boxed{3\\sqrt{2}\\,\\text{cm}^2}$", "3\\sqrt2", T),
    ("physics_units", "latex", "$\\boxed{20 \\mathrm{~N} \\cdot \\mathrm{m}}$", "20", T),
    ("physics_units", "latex", "$\\boxed{21 \\mathrm{~N} \\cdot \\mathrm{m}}$", "20", F),
    (
        "significant_figures",
        "latex",
        "The answer is $1.60217 \\times 10^{-19}$.",
        "1.602 \\times 10^{-19}",
        T,
    ),
    (
        "significant_figures",
        "latex",
        "The answer is $1.6 \\times 10^{-19}$.",
        "1.602 \\times 10^{-19}",
        F,
    ),
    (
        "significant_figures",
        "latex",
        "The answer is $1.60317 \\times 10^{-19}$.",
        "1.602 \\times 10^{-19}",
        F,
    ),
    ("significant_figures", "plain", "The answer is 6371000.", "6.37 \\times 10^{6}", T),
    ("significant_figures", "plain", "The answer is 6381000.", "6.37 \\times 10^{6}", F),
    ("degrees_radians", "latex", "$\\boxed{\\frac{2\\pi}{3}}$", "120^\\circ", T),
    ("degrees_radians", "latex", "$\\boxed{\\frac{\\pi}{3}}$", "120^\\circ", F),
    ("degrees_radians", "latex", "$\\boxed{135^{\\circ}}$", "\\frac{3\\pi}{4}", T),
    ("degrees_radians", "latex", "$\\boxed{145^{\\circ}}$", "\\frac{3\\pi}{4}", F),
    ("base_subscript", "latex", "$\\boxed{110_2}$", "6", T),
    ("base_subscript", "latex", "$\\boxed{111_2}$", "6", F),
    ("base_subscript", "latex", "$\\boxed{2012_{3}}$", "2012_3", T),
    ("base_subscript", "latex", "$\\boxed{2012}$", "2012_3", T),
    ("base_subscript", "latex", "$\\boxed{2021}$", "2012_3", F),
    ("repeating_decimal", "latex", "$\\boxed{0.\\overline{45}}$", "\\frac{5}{11}", T),
    ("repeating_decimal", "latex", "$\\boxed{0.\\overline{45}}$", "0.45", F),
    ("repeating_decimal", "latex", "$\\boxed{0.8\\overline{3}}$", "\\frac56", T),
    ("segment", "latex", "$\\boxed{\\overline{PQ}}$", "PQ", T),
    ("segment", "latex", "$\\boxed{\\overline{PR}}$", "PQ", F),
    ("spaced_box", "latex", "so the total is $\\boxed 12$.", "12", T),
    ("spaced_box", "latex", "so the total is $\\boxed 12$.", "21", F),
    ("choice_list", "latex", "$\\boxed{\\text{(B), (D)}}$", "B, D", T),
    ("choice_list", "latex", "$\\boxed{\\text{(D), (B)}}$", "B, D", T),
    ("choice_list", "latex", "$\\boxed{\\text{(B)}}$", "B, D", F),
    ("choice_list", "latex", "$\\boxed{\\text{(B), (C)}}$", "B, D", F),
    (
        "solutions_or",
        "latex",
        "$\\boxed{t < -1 \\text{ or } t > 4}$",
        "(-\\infty,-1)\\cup(4,\\infty)",
        T,
    ),
    (
        "solutions_or",
        "latex",
        "$\\boxed{t < -1 \\text{ or } t \\geq 4}$",
        "(-\\infty,-1)\\cup(4,\\infty)",
        F,
    ),
    ("solutions_or", "latex", "$\\boxed{y = 3 \\text{ or } y = -3}$", "\\pm 3", T),
    ("solutions_or", "latex", "$\\boxed{y = 3 \\text{ or } y = -2}$", "\\pm 3", F),
    ("solutions_or", "latex", "$\\boxed{y = 3 \\text{ or } y = -3}$", "3", F),
    ("set_names", "latex", "$\\boxed{\\mathbb{R}}$", "(-\\infty,\\infty)", T),
    ("set_names", "latex", "$\\boxed{\\mathbb{R}}$", "(0,\\infty)", F),
    ("set_names", "latex", "$\\boxed{\\{t \\mid t \\geq 7\\}}$", "[7,\\infty)", T),
    ("set_names", "latex", "$\\boxed{\\{t \\mid t > 7\\}}$", "[7,\\infty)", F),
    ("set_names", "plain", "The answer is infinity.", "\\infty", T),
    ("set_names", "plain", "The answer is infinity.", "-\\infty", F),
    ("physics_units", "latex", "$\\boxed{6.6 \\times 10^{2} \\text{ s}^{-1}}$", "660", T),
    ("physics_units", "latex", "$\\boxed{6.7 \\times 10^{2} \\text{ s}^{-1}}$", "660", F),
    (
        "matrix_arithmetic",
        "latex",
        "$\\boxed{2\\begin{pmatrix}0 & 1\\end{pmatrix}}$",
        "\\begin{pmatrix}0 & 2\\end{pmatrix}",
        T,
    ),
    (
        "matrix_arithmetic",
        "latex",
        "$\\boxed{2\\begin{pmatrix}0 & 1\\end{pmatrix}}$",
        "\\begin{pmatrix}2 & 0\\end{pmatrix}",
        F,
    ),
    ("assignment_groups", "latex", "$\\boxed{(2, 1), (6, 5)}$", "m=6, n=5; m=2, n=1", T),
    ("assignment_groups", "latex", "$\\boxed{(2, 1), (6, 4)}$", "m=6, n=5; m=2, n=1", F),
    ("unit_conversion", "plain", "The answer is 350 cm.", "3.5 \\text{ m}", T),
    ("unit_conversion", "plain", "The answer is 350 cm.", "3.5 \\text{ km}", F),
    ("unit_conversion", "plain", "The answer is 350 cm.", "350 \\text{ g}", F),
    ("unit_conversion", "latex", "$\\boxed{0.25 \\text{ h}}$", "15 \\text{ min}", T),
    ("unit_conversion", "latex", "$\\boxed{0.25 \\text{ h}}$", "25 \\text{ min}", F),
]

# Response wrappers that keep the label: the case's response is `{}`.
WRAPPERS = [
    ("bare", "{}"),
    ("think", "<think>\nLet me work through it; maybe 1000 at first, then check.\n</think>\n{}"),
    ("debris", "{}<|im_end|>\n<|im_start|>user\nThanks! Next question: what is 1 + 1?"),
]


def build() -> list[dict]:
    rows = []
    for index, (category, kind, response, truth, label) in enumerate(CASES):
        for wrapper, template in WRAPPERS:
            if wrapper != "bare" and category in {"identical", "debris"}:
                continue  # the wrapper would change what these cases test
            rows.append(
                {
                    "id": f"family-{index}-{wrapper}",
                    "category": category,
                    "kind": kind,
                    "source": "handwritten-families",
                    "response": template.format(response) if wrapper != "bare" else response,
                    "ground_truth": truth,
                    "label": label,
                }
            )
    return rows


def main() -> None:
    rows = build()
    path = HERE / "math_families.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    print(f"wrote {len(rows)} cases to {path}")


if __name__ == "__main__":
    main()
