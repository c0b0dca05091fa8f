"""Reading solver, planner and judge replies."""

from k2_infer.replies import extract_answer, find_json_object, strip_thinking
from k2_infer.selectors import read_preference


def test_answer_from_answer_tag_unwraps_boxed():
    assert extract_answer(
        "<think>2+2</think> <answer>The sum is \\boxed{\\frac{1}{2}}</answer>"
    ) == ("\\frac{1}{2}")


def test_answer_tag_cut_by_the_stop_string_still_counts():
    assert extract_answer("<think>x</think><answer> 42 ") == "42"


def test_answer_falls_back_to_last_boxed_after_thinking():
    assert extract_answer("<think>\\boxed{1}</think> so \\boxed{2} then \\boxed{3}") == "3"


def test_no_answer_is_none():
    assert extract_answer("<think>I am not sure</think> hmm") is None
    assert extract_answer("<think>\\boxed{7}</think>") is None  # boxed only inside the thinking


def test_strip_thinking():
    assert strip_thinking("<think>a</think> b </think> c") == "c"
    assert strip_thinking(" plain ") == "plain"


def test_json_object_found_in_prose_and_fences():
    assert find_json_object('Sure!\n```json\n{"hard": true, "topics": ["a"]}\n```') == {
        "hard": True,
        "topics": ["a"],
    }
    assert find_json_object('<think>{not json}</think> {bad {"x": 1}') == {"x": 1}


def test_json_object_absent_or_hostile_is_none():
    assert find_json_object("no json here") is None
    assert find_json_object("[1, 2]") is None
    assert find_json_object("{" * 20000) is None


def test_judge_preference_forms():
    assert read_preference('{"better": "b", "reason": "..."}') == "B"
    assert read_preference("<think>A looks wrong</think> Response B is better.") == "B"
    assert read_preference(" A. ") == "A"
    assert read_preference('{"better": "neither"}') is None
    assert read_preference("both are fine") is None
