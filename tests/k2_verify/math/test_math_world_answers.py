"""Issue 12's rules, each beside its negative twin: how answers are written outside our own sets.

Extraction (eval-harness phrasing, chat-template debris, closing sentences, other languages, matrices,
ground truths written as solutions) and comparison (equality chains, `\\approx` tails, units, labels,
relations in normal form, number formats, Python/sympy syntax, equations as equations). The last two
tests score the whole generated corpus and the development part of the shared Math-Verify cases.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from k2_verify import verify
from k2_verify.math import extract_answer
from k2_verify.math.extract import extract_truth

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "benchmarks" / "math_equivalence" / "math_verify_tests.jsonl"

# (rule, response, extracted answer)
EXTRACTIONS = [
    ("harness", "Final Answer: The final answer is 7.78. I hope it is correct.", "7.78"),
    ("harness_sentence", "Final Answer: The largest $n$ is 34. I hope it is correct.", "34"),
    ("harness_only_number", "Final Answer: Jane started 3 hours ago. I hope it is.", "3"),
    ("answer_math", "Answer $$ 9 $$", "9"),
    ("answer_display", "Answer \\[\n 9 \n\\]", "9"),
    ("escaped_dollar", "Answer $ 5 \\$ = 10 $", "5 \\$ = 10"),
    ("phrase_after_box", "so \\boxed{255}. In all, the final answer is $10,455$.", "10,455"),
    ("words_after_box", "so \\boxed{255}. I hope the answer is clear.", "255"),
    ("debris", "The total is 42.<|im_end|><|im_start|>user\nWhat is 1+1? The answer is 2", "42"),
    ("debris_eot", "The answer is 8</s>", "8"),
    ("debris_leading", "<|im_start|>assistant\n17<|im_end|>", "17"),
    ("closing_math", "Therefore $x \\geq 5$ is the solution.", "x \\geq 5"),
    ("trailing_unit", "so the number is 10 which is 1,000.99€", "1,000.99"),
    ("trailing_percent", "So the error increases by 100%.", "100\\%"),
    ("chinese", "计算可得。答案：$\\frac{1}{2}$", "\\frac{1}{2}"),
    ("chinese_therefore", "所以 x 的值是 5。", "5"),
    ("arabic", "الجواب هو 7", "7"),
    ("french", "Donc la réponse est $42$.", "42"),
    ("russian", "Ответ: 3", "3"),
    ("spanish", "Por lo tanto, la respuesta es 8.", "8"),
    ("joined_math", "The answer is $1$ or $2$.", "1 or 2"),
    ("multiline_matrix", "\\begin{pmatrix}\n1 \\\\\n2\n\\end{pmatrix}", None),
]


@pytest.mark.parametrize("rule, response, expected", EXTRACTIONS, ids=[c[0] for c in EXTRACTIONS])
def test_extraction(rule, response, expected):
    answer = extract_answer(response).answer
    if expected is None:  # taken whole
        assert answer == response
    else:
        assert answer == expected


def test_a_truth_written_as_a_solution_is_read_like_a_response():
    assert extract_truth("Solving, $x = 1/5$, or $\\boxed{20}$ percent.") == "20"
    assert extract_truth("$\\boxed{1}\\boxed{2}$") == "1, 2"
    assert extract_truth("\\boxed{x^2}") == "\\boxed{x^2}"  # a plain box stays for normalize
    assert extract_truth("$125$ miles") == "$125$ miles"  # short truths are themselves


# (rule, response, ground truth, correct?) — every rule with its negative twin
VERDICTS = [
    ("identical_text", "\\boxed{\n\\begin{pmatrix} 0 \\end{pmatrix}\n}.\n\\end{align*}",
     "\\boxed{\n\\begin{pmatrix} 0 \\end{pmatrix}\n}.\n\\end{align*}", True),
    ("identical_text_twin", "see figure 3", "see figure 4", False),
    ("chain", "$\\sqrt{9} = 3$", "3", True),
    ("chain_twin", "$\\sqrt{9} = 3$", "4", False),
    ("chain_ends", "$x = 5+5+1 = 11$", "x = 11", True),
    ("chain_ends_twin", "$x = 5+5+1 = 12$", "x = 11", False),
    ("approx_tail", "$\\frac{7}{\\pi} \\approx 2.23$", "\\frac{7}{\\pi}", True),
    ("approx_tail_twin", "$\\frac{8}{\\pi} \\approx 2.55$", "\\frac{7}{\\pi}", False),
    ("approx_named", "$x \\approx 2.23$", "2.23", True),
    ("unit_text", "$\\frac{1}{3} \\textbf{meters}$", "1/3", True),
    ("unit_text_twin", "$\\frac{1}{3} \\textbf{meters}$", "1/4", False),
    ("unit_textnormal", "\\boxed{125\\textnormal{ miles}}", "$125$ miles", True),
    ("unit_words", "12 apples", "12", True),
    ("unit_words_twin", "12 apples", "12.5", False),
    ("unit_mismatch", "5 km", "5 m", False),
    ("unit_spelling", "5 km", "5 kilometers", True),
    ("labelled", "$|PQ| = 4$", "4", True),
    ("labelled_twin", "$|PQ| = 4$", "5", False),
    ("labelled_unparsed", "$A:B = 4$", "4", True),
    ("labelled_unparsed_twin", "$A:B = 4$", "2", False),
    ("labelled_truth", "$\\frac{1}{\\sqrt{6}}$", "\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}", True),
    ("labelled_function_twin", "$\\sin x = 3/5$", "\\cos x = 3/5", False),
    ("choice_with_value", "the answer is (B) 12", "12", True),
    ("choice_with_value_twin", "the answer is (B) 12", "13", False),
    ("inequality_flipped", "$-x > -2$", "x < 2", True),
    ("inequality_flipped_twin", "$-x > -2$", "x > 2", False),
    ("inequality_strictness_twin", "$-x > -2$", "x \\le 2", False),
    ("inequality_swapped", "$a \\le b$", "b \\ge a", True),
    ("inequality_swapped_twin", "$a \\le b$", "b \\le a", False),
    ("inequality_linear", "$2x + 4 > 0$", "(-2, \\infty)", True),
    ("inequality_linear_twin", "$2x + 4 > 0$", "(2, \\infty)", False),
    ("python_neq", "x != 3", "x \\neq 3", True),
    ("python_neq_twin", "x != 3", "x \\neq -3", False),
    ("factorial_not_neq", "$5!=120$", "120", True),
    ("thin_space_thousands", "$12,\\!345$", "12345", True),
    ("thin_space_thousands_twin", "$12,\\!345$", "12346", False),
    ("space_thousands", "12 345", "12345", True),
    ("space_thousands_twin", "12 345", "12354", False),
    ("scientific", "$1.2\\times10^{3}$", "1200", True),
    ("scientific_twin", "$1.2\\times10^{3}$", "120", False),
    ("parenthesised", "$(\\alpha)$", "\\alpha", True),
    ("parenthesised_twin", "$(\\alpha)$", "\\beta", False),
    ("list_and", "$\\boxed{1,2,3}$", "$1$ and $2$ and $3$", True),
    ("list_and_twin", "$\\boxed{1,2,4}$", "$1$ and $2$ and $3$", False),
    ("truth_or_lists", "$\\boxed{(7,11),\\ (11,7)}$", "$(11,7)$ or $(7,11)$", True),
    ("answer_or_hedges", "The answer is $1$ or $2$.", "1", False),
    ("boxes_as_list", "\\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}", "$n = \\boxed{1,-2}$", True),
    ("boxes_as_list_twin", "\\boxed{-2} \\quad \\text{and} \\quad \\boxed{2}", "$n = \\boxed{1,-2}$",
     False),
    ("sympy_power", "x**2 + 2*x + 1", "(x+1)^2", True),
    ("sympy_power_twin", "x**2 + 2*x + 1", "(x-1)^2", False),
    ("sympy_functions", "exp(-t)*tanh(u/2)", "e^{-t}\\tanh\\left(\\frac{u}{2}\\right)", True),
    ("sympy_functions_twin", "exp(-t)*tanh(u/2)", "e^{t}\\tanh\\left(\\frac{u}{2}\\right)", False),
    ("sympy_abs", "Abs(x - 1)", "|x-1|", True),
    ("sympy_abs_twin", "Abs(x - 1)", "x-1", False),
    ("equation_swapped", "y == (1 + tanh(u/2))/2", "tanh(u/2)/2 + 1/2 == y", True),
    ("equation_swapped_twin", "y == (1 + tanh(u/2))/2", "tanh(u/2)/2 - 1/2 == y", False),
    ("equation_expanded", "v**2 == a*(b - c)", "v**(2) == a*b - a*c", True),
    ("equation_expanded_twin", "v**2 == a*(b + c)", "v**(2) == a*b - a*c", False),
    ("equation_scaled", "$y = -\\frac{1}{2}x + \\frac{3}{4}$", "2x+4y-3=0", True),
    ("equation_scaled_twin", "$y = \\frac{1}{2}x + \\frac{3}{4}$", "2x+4y-3=0", False),
    ("equation_solved_for", "F == m*a", "a == F/m", True),
    ("equation_solved_for_twin", "F == m*a", "a == F*m", False),
    ("equation_not_squared", "$x^2 = 4$", "x = 2", False),
]  # fmt: skip


@pytest.mark.parametrize("rule, response, truth, expected", VERDICTS, ids=[c[0] for c in VERDICTS])
def test_verdict(rule, response, truth, expected):
    verdict = verify(response, truth, "math")
    assert verdict.correct is expected, (response, truth, verdict)


def _accuracy(cases) -> tuple[float, int]:
    correct = false_positives = 0
    for response, truth, label in cases:
        said = verify(response, truth, "math").correct
        correct += said == label
        false_positives += said and not label
    return correct / len(cases), false_positives


def test_the_families_corpus_scores_above_its_floor():
    rows = (ROOT / "bench" / "data" / "math_families.jsonl").read_text().splitlines()
    cases = [(r["response"], r["ground_truth"], r["label"]) for r in map(json.loads, rows)]
    accuracy, false_positives = _accuracy(cases)
    assert accuracy >= 0.98 and false_positives == 0


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/benchmarks (the lead's checkout)")
def test_the_math_verify_dev_cases_score_above_their_floor():
    """The unflagged cases outside bench/data/mv_heldout_ids.txt (0.685 before issue 12; 0.981 after)."""
    held_out = set((ROOT / "bench" / "data" / "mv_heldout_ids.txt").read_text().split())
    rows = [json.loads(line) for line in SHARED.read_text().splitlines() if line.strip()]
    dev = [
        (r["pred"], r["gold"], r["expected"])
        for r in rows
        if r["id"] not in held_out and not r["flagged"]
    ]
    accuracy, false_positives = _accuracy(dev)
    assert accuracy >= 0.96 and false_positives == 0


def test_a_large_equation_pair_is_answered_within_the_time_bound():
    """Equations are tested for a variable ratio only when small; a large pair still gets a verdict."""
    left = "*".join(f"(a{i} + b)" for i in "cdfghjklmnpqrstuvw")
    response, truth = f"{left} == y", f"y == {left}*(c + 1)"
    start = time.monotonic()
    verdict = verify(response, truth, "math", timeout=2.0)
    assert time.monotonic() - start < 10 and not verdict.correct
