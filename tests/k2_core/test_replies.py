"""The K2 reply format: every rule of k2_core.replies, including hostile input."""

import time

import pytest

from k2_core import RecipeError, UnknownNameError
from k2_core.recipes import load_recipe, read_recipe
from k2_core.replies import (
    PROMPTS,
    SYSTEM_PROMPT,
    after_thinking,
    answer_tag,
    balanced,
    boxed_all,
    boxed_spans,
    braced,
    final_answer,
    find_json_object,
    join_reasoning,
    last_boxed,
    own_turn,
    parse_json,
    render,
    split_reasoning,
    system_prompt,
    well_formed,
)

HOSTILE = [
    "\\boxed{" * 20_000,
    "\\fbox{" * 20_000,
    "{" * 100_000,
    '{"a": ' * 20_000,
    '{"a": "' + "x" * 100_000,
    "<answer>" * 20_000,
    "<think>" * 20_000 + "</think>" * 20_000,
    "}" * 100_000,
]


# --- reasoning ---------------------------------------------------------------------------------


def test_reasoning_ends_at_the_last_think_close():
    assert split_reasoning("<think>a</think>b</think> c ") == ("a</think>b", "c")
    assert after_thinking("<think>a</think>b</think>c") == "c"


def test_a_reply_without_tags_is_all_answer():
    assert split_reasoning(" plain ") == ("", "plain")
    assert after_thinking("no thinking") == "no thinking"


def test_a_reply_cut_off_while_thinking_is_all_reasoning():
    assert split_reasoning("<think>still \\boxed{1} going") == ("still \\boxed{1} going", "")
    assert final_answer("<think>so \\boxed{1}") is None


def test_text_before_the_opening_think_is_dropped_from_the_reasoning():
    # chat templates that put `<think>` in the prompt leave the reply without one
    assert split_reasoning("work</think> ans") == ("work", "ans")
    assert split_reasoning("noise <think> work </think> ans") == ("work", "ans")


def test_join_reasoning_puts_a_separate_reasoning_field_back_inline():
    assert join_reasoning("2 + 2", "<answer>4</answer>") == "<think>2 + 2</think><answer>4</answer>"
    assert join_reasoning(None, "x") == "x"
    assert split_reasoning(join_reasoning("r", "a")) == ("r", "a")


# --- answer tag and boxes ----------------------------------------------------------------------


def test_answer_tag_is_the_last_one_across_lines_and_may_be_unclosed():
    assert answer_tag("<answer>1</answer> <answer>\n2\n3\n</answer>") == "2\n3"
    assert answer_tag("<think>x</think><answer> 42") == "42"
    assert answer_tag("nothing") is None


def test_a_closing_answer_tag_cut_short_by_the_token_budget_is_not_part_of_the_answer():
    assert answer_tag("<answer>666.</answer") == "666."
    assert answer_tag("<answer>7</") == "7"
    assert answer_tag("<answer>x < 3") == "x < 3", "a lone `<` is the answer's own"
    assert answer_tag("<answer></answ") == ""


def test_boxes_nest_and_the_outermost_last_one_wins():
    assert last_boxed("\\boxed{1} then \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}"
    assert boxed_all("\\boxed{\\boxed{1}+2}") == ["1", "\\boxed{1}+2"]
    assert boxed_all("\\boxed {3}") == ["3"]


def test_a_box_span_is_the_whole_box():
    text = "So $\\boxed{3}$, then \\fbox{ 4 }."
    spans = boxed_spans(text)
    assert [content for _, _, content in spans] == ["3", "4"]
    assert [text[start:end] for start, end, _ in spans] == ["\\boxed{3}", "\\fbox{ 4 }"]


def test_fbox_counts_as_a_box():
    assert last_boxed("\\fbox{7}") == "7"
    assert final_answer("<think>x</think> \\fbox{7}") == "7"


def test_a_sized_brace_is_a_character_and_a_bare_one_still_groups():
    system = "\\boxed{\\left\\{ x = 1 \\\\ y = 2 \\right.}"
    assert last_boxed(system) == "\\left\\{ x = 1 \\\\ y = 2 \\right."
    assert last_boxed("\\boxed{\\{1, 2\\}}") == "\\{1, 2\\}"
    assert last_boxed("\\boxed{512\\}") == "512\\"  # a stray backslash before the close
    assert braced("{\\left\\{ a \\right.} b", 0) == "{\\left\\{ a \\right.}"
    assert braced("{a{b}", 0) is None
    assert braced("x{a}", 0) is None


def test_an_unclosed_box_is_ignored():
    assert last_boxed("\\boxed{unclosed") is None
    assert last_boxed("\\boxed{a} then \\boxed{b") == "a"


def test_final_answer_unwraps_a_box_inside_the_answer_tag():
    reply = "<think>2+2</think> <answer>The sum is \\boxed{\\frac{1}{2}}</answer>"
    assert final_answer(reply) == "\\frac{1}{2}"
    assert final_answer("<think>x</think><answer> 42 ") == "42"


def test_final_answer_falls_back_to_the_last_box_after_the_reasoning():
    assert final_answer("<think>\\boxed{1}</think> so \\boxed{2} then \\boxed{3}") == "3"
    assert final_answer("<think>x</think> <answer> </answer> \\boxed{5}") == "5"


def test_final_answer_is_none_without_an_answer_outside_the_reasoning():
    assert final_answer("<think>I am not sure</think> hmm") is None
    assert final_answer("<think>\\boxed{7}</think>") is None


# --- writing and checking the format -----------------------------------------------------------


def test_render_writes_what_split_reasoning_and_well_formed_read():
    reply = render("2 + 2 = 4", "\\boxed{4}")
    assert reply == "<think>\n2 + 2 = 4\n</think> <answer>\n\\boxed{4}\n</answer>"
    assert split_reasoning(reply)[0] == "2 + 2 = 4"
    assert final_answer(reply) == "4"
    assert well_formed(reply)


@pytest.mark.parametrize(
    "text",
    [
        "<think>r</think> <answer>4</answer>",
        "r</think><answer>4</answer>",  # `<think>` in the prompt
        "<think>r</think> <answer>4",  # the stop string `</answer>` dropped
        "  <think>r</think>\n<answer>4</answer>\n",
    ],
)
def test_well_formed_accepts_the_k2_format(text):
    assert well_formed(text)


@pytest.mark.parametrize(
    "text",
    [
        "<answer>4</answer>",  # no reasoning
        "<think>r</think> 4",  # no answer tag
        "<think>r</think> <answer> </answer>",  # empty answer
        "<think>r</think> <answer>4</answer> trailing",
        "<think>r</think> lead <answer>4</answer>",
        "x <think>r</think> <answer>4</answer>",
        "<think>a</think><think>b</think><answer>4</answer>",
        "<think>r</think><answer>1</answer><answer>2</answer>",
    ],
)
def test_well_formed_refuses_anything_else(text):
    assert not well_formed(text)


# --- JSON --------------------------------------------------------------------------------------


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


def test_json_object_found_in_prose_and_fences():
    assert find_json_object('Sure!\n```json\n{"hard": true, "topics": ["a"]}\n```') == {
        "hard": True,
        "topics": ["a"],
    }
    assert find_json_object('<think>{"x": 0}</think> {bad {"x": 1}') == {"x": 1}
    assert find_json_object("\\frac{1}{2} then {}") == {}


def test_json_object_absent_is_none():
    assert find_json_object("no json here") is None
    assert find_json_object("[1, 2]") is None
    assert find_json_object('{"a": 1') is None


# --- hostile input -----------------------------------------------------------------------------


def test_hostile_text_costs_milliseconds_and_never_raises():
    start = time.perf_counter()
    for text in HOSTILE:
        split_reasoning(text), answer_tag(text), boxed_all(text), final_answer(text)
        well_formed(text), find_json_object(text)
        with pytest.raises(ValueError):
            parse_json(text)
    assert time.perf_counter() - start < 5  # quadratic scans would take minutes


def test_hostile_boxes_find_nothing():
    assert last_boxed("\\boxed{" * 20_000) is None
    assert find_json_object('{"a": ' * 20_000) is None


# --- system prompts ----------------------------------------------------------------------------


def test_the_k2_prompt_states_the_format():
    assert SYSTEM_PROMPT == system_prompt("k2") == PROMPTS["k2"]
    assert "<think> reasoning process here </think> <answer> answer here </answer>" in SYSTEM_PROMPT


def test_an_unknown_prompt_name_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="known prompts: am-thinking, k2, k2-think"):
        system_prompt("k3")


def test_the_k2_think_recipe_reads_its_prompt_from_replies():
    prompt = load_recipe("k2-think").section("pipeline")["system_prompt"]
    assert prompt == PROMPTS["k2-think"]
    assert prompt.startswith("You are K2-Think, a helpful assistant trained by MBZUAI.")


def test_the_sft_prompt_is_am_thinkings_default_system():
    assert PROMPTS["am-thinking"].startswith("You are a helpful assistant. To answer the user's")


def test_a_recipe_may_name_a_prompt_or_give_its_text(tmp_path):
    named = tmp_path / "named.toml"
    named.write_text('[pipeline]\nsystem_prompt = { name = "k2" }\n')
    literal = tmp_path / "literal.toml"
    literal.write_text('extends = "k2-think"\n[pipeline]\nsystem_prompt = "Be brief."\n')
    assert read_recipe(named).section("pipeline")["system_prompt"] == SYSTEM_PROMPT
    assert read_recipe(literal).section("pipeline")["system_prompt"] == "Be brief."


def test_a_recipe_naming_an_unknown_prompt_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[pipeline]\nsystem_prompt = { name = "k3" }\n')
    with pytest.raises(RecipeError, match="known prompts: am-thinking, k2, k2-think"):
        read_recipe(path)


@pytest.mark.parametrize(
    ("completion", "turn"),
    [
        ("The answer is 4.<|im_end|>\n<|im_start|>user\nAnd 5?", "The answer is 4."),
        ("<|im_start|>assistant\n42<|im_end|>", "42"),
        ("x = 2</s><s>[INST] next [/INST]", "x = 2"),
        ("Done.<|eot_id|><|start_header_id|>user<|end_header_id|>", "Done."),
        ("Done.<end_of_turn>\n<start_of_turn>user", "Done."),
        ("no template tokens at all", "no template tokens at all"),
    ],
)
def test_own_turn_is_the_models_turn_only(completion, turn):
    assert own_turn(completion).strip() == turn


def test_own_turn_keeps_text_that_only_looks_like_a_tag():
    assert own_turn("a <b> c and <|not a token") == "a <b> c and <|not a token"
