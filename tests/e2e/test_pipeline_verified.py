"""The pipeline with k2-verify installed: majority votes group answers by math equivalence."""

import k2_infer
from k2_core import Problem
from k2_core.testing import FakeBackend

SOLUTIONS = [
    "<think>...</think><answer>\\boxed{\\frac{1}{2}}</answer>",
    "<think>...</think><answer>0.25</answer>",
    "<think>...</think><answer>0.5</answer>",
    "<think>...</think><answer>1/4</answer>",
    "<think>...</think><answer>\\dfrac{2}{4}</answer>",
]


def test_majority_counts_equivalent_math_answers_as_one():
    backend = FakeBackend({"solver": SOLUTIONS})
    result = k2_infer.solve(
        "What is the probability that a fair coin lands heads?",
        backend=backend,
        planner="none",
        selector="majority",
        n=5,
    )
    assert result.selection.selector == "majority"
    assert result.selection.index == 0, "1/2, 0.5 and 2/4 outvote 0.25 and 1/4"
    assert [c.votes for c in result.candidates] == [3, 2, 3, 2, 3]


def test_other_domains_group_by_text():
    problem = Problem(id="p", prompt="Write a probability.", domain="puzzle")
    backend = FakeBackend({"solver": SOLUTIONS})
    result = k2_infer.solve(problem, backend=backend, planner="none", selector="majority", n=5)
    assert [c.votes for c in result.candidates] == [1, 1, 1, 1, 1]


def test_candidate_answers_are_read_by_the_math_verifier():
    """With k2-verify installed, "the answer is 42" counts as an answer and majority can vote on it."""
    from k2_infer.pipeline import resolve_verifier
    from k2_infer.replies import answer_reader

    read = answer_reader(resolve_verifier(Problem(id="p", prompt="7 * 6?", domain="math")))
    assert read("Multiplying, we get 42. So, the answer is 42.") == "42"
    assert read("<think>hmm</think> <answer>\\boxed{\\frac12}") == "\\frac12"
