"""Answer extraction and safe JSON parsing shared by the verifiers."""

import time

import pytest

from k2_verify.answers import (
    after_thinking,
    answer_tag,
    balanced,
    boxed_all,
    last_boxed,
    parse_json,
)


def test_after_thinking_drops_everything_up_to_the_last_think_close():
    assert after_thinking("<think>a</think>b</think>c") == "c"
    assert after_thinking("no thinking") == "no thinking"


def test_answer_tag_is_the_last_one_across_lines_and_may_be_unclosed():
    assert answer_tag("<answer>1</answer> <answer>\n2\n3\n</answer>") == "2\n3"
    assert answer_tag("<think>x</think><answer> 42") == "42"
    assert answer_tag("nothing") is None


def test_boxes_nest_and_the_outermost_last_one_wins():
    assert last_boxed("\\boxed{1} then \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}"
    assert boxed_all("\\boxed{\\boxed{1}+2}") == ["1", "\\boxed{1}+2"]
    assert last_boxed("\\fbox{7}") == "7"
    assert last_boxed("\\boxed{unclosed") is None


def test_hostile_text_is_scanned_in_linear_time():
    start = time.perf_counter()
    for text in ["\\boxed{" * 20_000, "{" * 100_000, "<answer>" * 20_000]:
        last_boxed(text), answer_tag(text)
    assert time.perf_counter() - start < 5  # quadratic scans would take minutes


def test_parse_json_refuses_deep_big_and_non_json_text():
    assert parse_json('{"a": [1, 2]}') == {"a": [1, 2]}
    for text, reason in [
        ("[" * 100 + "]" * 100, "too_deep"),
        ("1" * 300_000, "too_long"),
        ("{'a': 1}", "not_json"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_json(text)


def test_balanced_skips_brackets_inside_strings():
    assert balanced('x {"a": "}"} y', 2) == '{"a": "}"}'
    assert balanced("[[1], [2]", 0) is None
