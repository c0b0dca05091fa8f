"""Reading solver and judge replies in the pipeline (the format itself: tests/k2_core/test_replies.py)."""

from k2_core.replies import final_answer
from k2_infer.replies import answer_reader
from k2_infer.selectors import read_preference


def test_a_problem_without_a_verifier_reads_the_format_s_final_answer():
    read = answer_reader(None)
    assert read is final_answer
    assert read("<think>x</think> <answer>\\fbox{7}</answer>") == "7"


def test_judge_preference_forms():
    assert read_preference('{"better": "b", "reason": "..."}') == "B"
    assert read_preference("<think>A looks wrong</think> Response B is better.") == "B"
    assert read_preference(" A. ") == "A"
    assert read_preference('{"better": "neither"}') is None
    assert read_preference("both are fine") is None
