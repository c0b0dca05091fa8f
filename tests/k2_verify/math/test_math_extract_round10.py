"""Extraction rules from round 10, found by probing math-verify's extraction with whole replies of
our own; each beside its negative twin (a wrong truth, or the value the fix must not take)."""

import pytest

from k2_verify import verify
from k2_verify.math.extract import extract_answer

CASES = [
    # words between a named answer and its "is"; the clause after the value is not the answer
    ("The final answer to this problem is 12, since each of the 4 groups gives 3.", "12", True),
    ("The final answer to this problem is 12, since each of the 4 groups gives 3.", "3", False),
    ("The answer to the question is 12, not 13.", "12", True),
    ("The answer to the question is 12, not 13.", "13", False),
    ("The answer we are looking for is 25, not 5.", "25", True),
    ("So our final answer, the area of the region, is $18$ square units when $r = 3$.", "18", True),
    ("So our final answer, the area of the region, is $18$ square units when $r = 3$.", "3", False),
    ("I think the answer is 24, but it might be 25.", "24", False),  # still a hedge
    # a closing line's value, before the clause that follows it
    ("The largest possible value of $n$ is $34$, since $35$ would exceed the bound.", "34", True),
    ("The largest possible value of $n$ is $34$, since $35$ would exceed the bound.", "35", False),
    ("Thus the remainder is 3 when divided by 7.", "3", True),
    ("Thus the remainder is 3 when divided by 7.", "7", False),
    ("We get $a_{10} = 55$ for $n = 10$.", "55", True),
    ("So $x = 5$ (we reject $x = -2$ since lengths are positive).", "5", True),
    ("So $x = 5$ (we reject $x = -2$ since lengths are positive).", "-2", False),
    ("She read for a total of 12 hours.", "12", True),  # `for a total of` is no clause
    # a clause that states a second value is not an aside; a correction in a closing section counts
    ("Thus there are 12 ways because we exclude rotations; with them it is 15.", "12", False),
    ("So the count is $12$ for $n = 4$ and $15$ for $n = 5$.", "12", False),
    ("The answer is 12 (or 15 if reflections count as distinct).", "12", False),
    ("The answer is 12 if n is even and 15 if n is odd.", "12", False),
    ("We get 12.\n\n**Verification:** Actually 12 fails; the true value is 15.", "12", False),
    ("Factoring gives (x-2)(x-3)=0, so x = 2 or x = 3.", "2, 3", True),
    ("Factoring gives (x-2)(x-3)=0, so x = 2 or x = 3.", "3", False),  # both roots, not one
    ("The solutions are \\(x = -1\\) and \\(x = 4\\).", "-1, 4", True),
    ("The solutions are \\(x = -1\\) and \\(x = 4\\).", "4", False),
    ("The possible values of $a$ are $1$, $4$, and $9$.", "1, 4, 9", True),
    ("So the vertex is at \\((2, -3)\\), and the minimum is \\(-3\\).", "-3", True),
    ("The minimum value of the function is \u22123, attained at x = 1.", "-3", True),
    ("The minimum value of the function is \u22123, attained at x = 1.", "1", False),
    # what follows the answer: sign-offs, rules, closing sections, code
    ("So Tom reads 84 pages in total.\n\nHope this helps! \U0001f60a", "84", True),
    ("So Tom reads 84 pages in total.\n\nHope this helps! \U0001f60a", "85", False),
    ("So Tom reads 84 pages in total.\n\n---", "84", True),
    ("So Tom reads 84 pages in total.\n\nLet me know if you need anything else!", "84", True),
    (
        "So she has 42 apples left.\n\nNote: this assumes none of the 3 baskets were dropped.",
        "42",
        True,
    ),
    (
        "So she has 42 apples left.\n\nNote: this assumes none of the 3 baskets were dropped.",
        "3",
        False,
    ),
    (
        "So there are 45 handshakes.\n\n**Summary:**\n- Count ordered pairs.\n- Divide by two.",
        "45",
        True,
    ),
    ("The sum from 1 to 100 is 5050.\n\n```python\nprint(sum(range(1, 101)))\n```", "5050", True),
    (
        "We compute it:\n```python\nfrom math import comb\nprint(comb(10, 3))\n```\n```output\n120\n```",
        "120",
        True,
    ),
    (
        "We compute it:\n```python\nfrom math import comb\nprint(comb(10, 3))\n```\n```output\n120\n```",
        "10",
        False,
    ),
    # decoration after a stated value
    ("So the answer is 36! \U0001f389", "36", True),
    ("Final answer: 36 \u2705", "36", True),
    ("Final answer: 36 \u2705", "37", False),
    ("So the answer is 36 :)", "36", True),
    ("Answer: 7 \u2014 the smallest prime above 5.", "7", True),
    ("Answer: 7 \u2014 the smallest prime above 5.", "5", False),
    ("Therefore the answer is 20 and not 25.", "20", True),
    ("The answer is **18**\n\nBecause 3 bags hold 6 each.", "18", True),
    # display math written without `$`
    (
        "Therefore\n\\begin{align*}\nf(3) &= 2(3)^2 - 3 + 1 \\\\\n&= 18 - 3 + 1 \\\\\n&= 16.\n\\end{align*}",
        "16",
        True,
    ),
    (
        "Therefore\n\\begin{align*}\nf(3) &= 2(3)^2 - 3 + 1 \\\\\n&= 18 - 3 + 1 \\\\\n&= 16.\n\\end{align*}",
        "18",
        False,
    ),
    ("Computing,\n\\begin{equation}\nS = 1 + 2 + \\cdots + 20 = 210\n\\end{equation}", "210", True),
    (
        "The probability is given by\n\n[ P = \\frac{3}{8} ]\n\nSo that is our result.",
        "\\frac{3}{8}",
        True,
    ),
    ("The final probability is:\n\n[ \\frac{5}{12} ]", "\\frac{5}{12}", True),
    ("The final probability is:\n\n[ \\frac{5}{12} ]", "\\frac{5}{13}", False),
    ("So the number of ways is\n[\n\\binom{8}{3} = 56\n]", "56", True),
    # money inside `$...$` with text after it
    ("So Maria spent $\\$45$ in total.", "45", True),
    ("So Maria spent $\\$45$ in total.", "46", False),
    # a reply cut off while repeating itself: the last cue that states a value
    ("The answer is 12.\nThe answer is 12.\nThe answer is 12.\nThe answer is", "12", True),
    ("The answer is 12. The answer is 12. The answer is 12. The answer is", "12", True),
    (
        "The answer is $\\frac{1}{2}$. The answer is $\\frac{1}{2}$. The answer is $",
        "\\frac{1}{2}",
        True,
    ),
    ("The answer is 12. The answer is 12. The answer is", "13", False),
]


@pytest.mark.parametrize("response, truth, equal", CASES)
def test_the_final_answer_is_found_in_a_whole_reply(response, truth, equal):
    assert verify(response, truth, "math").correct is equal


def test_only_a_sign_off_is_passed_over_not_a_reply_cut_off_mid_working():
    assert extract_answer("So 3 + 4 = 7.\nNow we need to").answer is None
    assert extract_answer("So 3 + 4 = 7.\nHope this helps!").answer == "7"
