"""Round 12: rules learnt from other projects' public answer-grading tests (written here as our own
cases, each beside a negative twin)."""

import time

import pytest

from k2_verify import verify
from k2_verify.math.extract import extract_answer
from k2_verify.math.normalize import normalize

CASES = [
    # bare LaTeX closing a reply: after a conclusion, or a last line of its own
    ("Therefore, \\frac{4}{7}.", "4/7", True),
    ("Therefore, \\frac{5}{7}.", "4/7", False),
    ("Thus, x = \\sqrt{2}.", "\\sqrt{2}", True),
    ("So we get x = \\sqrt{3}", "\\sqrt{2}", False),
    ("After simplifying we get\n\\frac{1}{2}", "\\frac{1}{2}", True),
    ("After simplifying we get\n\\frac{1}{3}", "\\frac{1}{2}", False),
    ("Therefore, \\frac{4}{7} is not the answer.", "4/7", False),  # prose: no bare answer
    # ... and only where the reply holds no delimited math, led into by the line before
    ("The probability is $\\frac{3}{7}$.\n\nIts complement:\n\\frac{4}{7}", "\\frac{4}{7}", False),
    ("We need to evaluate\n\\sum_{k=1}^{n} k", "\\frac{n(n+1)}{2}", False),
    ("We want to find the limit:\n\\lim_{x \\to 0} \\frac{\\sin x}{x}", "1", False),
    ("**Probability: 3/7**\n\nFor the opposite event:\n1 - \\frac{3}{7}", "\\frac{4}{7}", False),
    ("The sides are 5 and 7.\n\\frac{4}{7} \\text{ and more}", "4/7", False),
    # markdown inline code around an answer is plain text
    ("`4/7`", "4/7", True),
    ("The answer is `7`.", "7", True),
    ("The answer is `8`.", "7", False),
    ("```python\nprint(7)\n```\nThe answer is 8.", "7", False),
    ("The answer is `7 % 3`.", "21", False),  # code, not a value
    ("```\n42\n```", "42", True),  # a reply that is one code block
    # "then" between two boxes does not make the first a step (`but then again`)
    ("\\boxed{1} then \\boxed{\\dfrac{3}{4}}", "\\frac{3}{4}", False),
    ("\\boxed{12}, but then again it might be \\boxed{15}", "15", False),
    # `,\!` joins digit groups of any width (Indian grouping too)
    ("56,\\!01,\\!78,\\!95,\\!760", "56017895760", True),
    ("12,\\!34", "1234", True),
    ("12,\\!34", "12.34", False),
    ("56,01,78", "560178", False),  # plain commas of two digits still list
    ("\\{10,\\!20,\\!30\\}", "102030", False),  # inside brackets: items
    # a bracketed pair is a pair, not a thousands number
    ("(2,12) \\cup (12,102)", "(2, 12) \\cup (12, 102)", True),
    ("(12,102)", "(12, 102)", True),
    ("(12,102)", "12102", False),
    ("12,102", "12102", True),
    ("(2,12) \\cup (12,103)", "(2, 12) \\cup (12, 102)", False),
    # GSM8K's marker closing a line, the last one of several
    ("3 plus 7 is 10. #### 10", "10", True),
    ("#### 1 then #### 2", "2", True),
    ("#### 1 then #### 2", "1", False),
    ("#### 18\n\nWait, actually I made an error. The correct total is 20.", "18", False),
    ("#### Step 2: 15 + 3 = 18\nSo she spends 20 dollars in total.", "18", False),  # a heading
    # calligraphic and script letters are their letter
    ("\\mathcal{B}", "B", True),
    ("B", "\\mathscr{B}", True),
    ("\\mathcal{B}", "C", False),
    # bare braces are sets around intersections and differences too
    ("{1,2} \\cap {2,3}", "\\left\\{2\\right\\}", True),
    ("{1,2} \\cap {2,3}", "\\{1\\}", False),
    ("{1,2} ∖ {2}", "\\{1\\}", True),
    ("({1,2} \\cup {3,4}) \\setminus {2,3}", "\\{1, 4\\}", True),
    ("({1,2} \\cup {3,4}) \\setminus {2,3}", "\\{1, 3\\}", False),
    ("[0,1] \\setminus {0.5}", "[0, 0.5) \\cup (0.5, 1]", True),
    # every backslash doubled (a string escaped twice) is read as written
    ("$\\\\boxed{\\\\left( 3, \\\\frac{\\\\pi}{2} \\\\right)}.$", "$(3, \\frac{\\pi}{2})$", True),
    ("$\\\\boxed{\\\\left( 3, \\\\frac{\\\\pi}{3} \\\\right)}.$", "$(3, \\frac{\\pi}{2})$", False),
    (
        "The answer is $(\\frac{1}{5}, \\frac{1}{6})$.",
        "$\\\\left(\\\\frac{1}{5},\\\\frac{1}{6}\\\\right)$",
        True,
    ),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", True),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\end{pmatrix}", False),
    # a solution listed twice, where the ground truth lists each once
    ("\\boxed{(1,2),(1,2),(3,4)}", "(1,2), (3,4)", True),
    ("\\boxed{(1,2),(1,2)}", "(1,2), (3,4)", False),
    ("1, 1, 2", "1, 2, 2", False),  # a ground truth that repeats keeps its count
    ("6, 8, 8, 10", "6, 8, 10", False),  # numbers listed twice are a different list
    # `\bmod` and `\mod` between integers are the least residue
    ("128 \\bmod 3", "2", True),
    ("128\\mod 3", "1", False),
    ("-1 \\mod 2", "1", True),
    ("a \\mod b", "a \\bmod b", True),
    ("a \\mod b", "a \\bmod c", False),
    ("19 \\pmod{12}", "7", True),
    ("7 \\pmod{12}", "19", False),  # a plain 19 is not the class of 7
    ("2^{10} \\bmod 7", "2", True),
    ("2^{10} \\bmod 7", "1024", False),  # the modulus is never dropped
    ("x^2 \\bmod 5", "x^2", False),
    ("n \\equiv 2 \\pmod{5}", "n \\equiv 7 \\pmod{5}", True),
    # physics names: `\\hbar`, the Sun's `\\odot`, primes on Greek letters and subscripted names
    (
        "\\frac{1}{2} \\hbar \\omega_{L}^{\\prime} \\frac{v}{c}",
        "a = +\\frac{1}{2} \\hbar \\omega_{L}' \\frac{v}{c}",
        True,
    ),
    (
        "\\frac{1}{2} \\hbar \\omega_{L} \\frac{v}{c}",
        "a = \\frac{1}{2} \\hbar \\omega_{L}^{\\prime} \\frac{v}{c}",
        False,
    ),
    ("2\\hbar", "\\hbar \\cdot 2", True),
    ("2\\pi\\hbar", "h", False),
    ("A R_{\\odot}^2", "A R_{\\odot}^{2}", True),
    ("A R_{\\odot}^2", "A R_{\\oplus}^{2}", False),
    ("\\theta'", "\\theta''", False),
    # `\\quad \\text{and} \\quad` between groups of assignments
    ("$p=5,q=2;p=7,q=2$", "p = 5, q = 2 \\quad \\text{and} \\quad p = 7, q = 2", True),
    ("$p=5,q=2;p=7,q=3$", "p = 5, q = 2 \\quad \\text{and} \\quad p = 7, q = 2", False),
    # closing sentences in Chinese: the number a conclusion leads to, with its counter or unit
    ("因此，弗兰克一共有**858颗**糖果。", "858", True),
    ("计算：33颗/袋 * 26袋 = 858颗。因此，弗兰克一共有858颗糖果。", "33", False),
    ("小明有3个苹果，又买了4个，所以他现在有7个苹果。", "7", True),
    ("小明有3个苹果，又买了4个，所以他现在有7个苹果。", "4", False),
    ("她给3个朋友5个苹果。", "5", False),  # two numbers, no conclusion: no one value
    ("因此，杰西开始慢跑前的体重是192公斤。", "192", True),
    ("因此，杰西开始慢跑前的体重是192公斤。", "193", False),
    ("所以x=3舍去。", "3", False),  # words after the value that reject, negate or operate on it
    ("5的平方根", "5", False),
    ("答えは5ではありません。", "5", False),
    ("所以答案不是12个。", "12", False),
    ("$x=5$不成立", "5", False),  # the math refused right after it
    ("$x=3$是增根。", "3", False),
    ("所以一共需要5天完成。", "5", True),  # a short sentence is read, not taken whole
    ("所以一共需要5天完成。", "6", False),
    ("所以他没有5个苹果。", "5", False),  # a negation before the number
    ("因此12不是答案。", "12", False),  # ... or after it
    ("所以他今年3岁半。", "3", False),  # half more
    ("$\\frac{1}{2}$不是正确答案，因为", "\\frac{1}{2}", False),
]


@pytest.mark.parametrize(("response", "truth", "correct"), CASES)
def test_public_suite_families(response, truth, correct):
    assert verify(response, truth, "math").correct is correct


def test_prose_in_another_script_is_not_taken_whole():
    reply = (
        "瑞秋的数学作业有5页，阅读作业有2页。5页 - 2页 = 3页 因此，瑞秋的数学作业比阅读作业多 3页。"
    )
    assert extract_answer(reply).answer == "3"


def test_a_command_argument_is_no_set():
    assert normalize("\\frac{1}{2} \\cup \\{3\\}").text.startswith("\\frac{1}{2}")


@pytest.mark.parametrize(
    "text",
    [
        "{1," * 20000 + "\\cup {2}",
        "\\cap " + "{" * 30000 + "}" * 30000,
        "(12,102)" * 20000,
        "}字" * 30000 + "1",
    ],
)
def test_the_new_readings_stay_linear(text):
    started = time.perf_counter()
    normalize(text)
    assert time.perf_counter() - started < 2.0
