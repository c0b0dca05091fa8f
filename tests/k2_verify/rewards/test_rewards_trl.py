"""TRL reward functions, called exactly the way GRPOTrainer._calculate_rewards calls them (no trl import)."""

import pickle
import time

import pytest

from k2_core import InputError, Problem, Verdict, hookimpl
from k2_verify.guru import compress
from k2_verify.rewards import OverlongPenalty, completion_text, k2_format, trl_reward

GRID = "[[0, 1], [1, 0]]"
ZEBRA = '{"header": ["House", "Name"], "rows": [["1", "Ann"], ["2", "Bob"]]}'

# (data_source, ground_truth, right response, wrong response): one row per Guru domain.
ROWS = [
    (
        "math__aime",
        "12",
        "<think>3 * 4</think><answer>\\boxed{12}</answer>",
        "<answer>\\boxed{13}</answer>",
    ),
    (
        "logic__ordering_puzzle_dataset",
        '["Ann", "Bob"]',
        '<answer>["Ann", "Bob"]</answer>',
        "<answer>Bob, Ann</answer>",
    ),
    ("logic__graph_logical_dataset", "Paris", "<answer>paris</answer>", "<answer>Rome</answer>"),
    ("simulation__arcagi1", GRID, f"<answer>{GRID}</answer>", "<answer>[[0, 1]]</answer>"),
    ("simulation__barc", GRID, f"<answer>{GRID}</answer>", "<answer>[[1, 1], [1, 0]]</answer>"),
    (
        "simulation__codeio",
        '{"output": [1, 2]}',
        '```json\n{"output": [1.0, 2]}\n```',
        '{"output": [2, 1]}',
    ),
    ("table__hitab", "12.5|north", "\\boxed{North | 12.50}", "\\boxed{12.5}"),
]


class FakeTrainerState:
    global_step = 3


def call_like_trl(reward_func, inputs, completions, completion_ids=None, metrics=None, extra=None):
    """What GRPOTrainer._calculate_rewards does for a custom reward function."""
    prompts = [example["prompt"] for example in inputs]
    keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
    reward_kwargs = {key: [example[key] for example in inputs] for key in keys}
    reward_kwargs["trainer_state"] = FakeTrainerState()
    reward_kwargs["log_extra"] = lambda column, values: (
        (extra if extra is not None else {}).setdefault(column, []).extend(values)
    )
    reward_kwargs["log_metric"] = lambda name, value: (
        (metrics if metrics is not None else {}).setdefault(name, []).append(value)
    )
    if completion_ids is None:
        completion_ids = [[0] * len(str(c)) for c in completions]
    return reward_func(
        prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs
    )


def guru_inputs(rows=ROWS, chat=True):
    prompt = [{"role": "user", "content": "Solve it."}]
    return [
        {
            "prompt": prompt if chat else "Solve it.",
            "data_source": ds,
            "ground_truth": gt,
            "extra_info": "{}",
        }
        for ds, gt, _, _ in rows
    ]


def as_chat(texts):
    return [[{"role": "assistant", "content": text}] for text in texts]


@pytest.fixture(scope="module")
def pooled():
    (reward,) = trl_reward(workers=2, timeout=10)
    yield reward
    reward.close()


def test_mixed_guru_batch_routes_each_row_to_its_verifier(pooled):
    inputs = guru_inputs() * 2
    completions = as_chat([r[2] for r in ROWS] + [r[3] for r in ROWS])
    metrics, extra = {}, {}
    scores = call_like_trl(pooled, inputs, completions, metrics=metrics, extra=extra)
    assert scores == [1.0] * len(ROWS) + [0.0] * len(ROWS)
    assert metrics == {"k2_verify/timeouts": [0.0]}
    assert extra["k2_verify_reason"][: len(ROWS)] == ["equivalent"] * len(ROWS)


def test_text_completions_and_text_prompts_work_too(pooled):
    scores = call_like_trl(pooled, guru_inputs(chat=False), [r[2] for r in ROWS])
    assert scores == [1.0] * len(ROWS)


def test_zebra_partial_credit_is_the_reward(pooled):
    inputs = [{"prompt": "p", "data_source": "logic__zebra_puzzle_dataset", "ground_truth": ZEBRA}]
    answer = '<answer>{"header": ["House", "Name"], "rows": [["1", "Ann"], ["2", "Cy"]]}</answer>'
    assert call_like_trl(pooled, inputs, [answer]) == [0.75]


def test_raw_guru_rows_with_compressed_reward_model(pooled):
    inputs = [
        {
            "prompt": "p",
            "data_source": "simulation__arcagi2",
            "reward_model": {"ground_truth": compress([[0, 1], [1, 0]])},
        }
    ]
    assert call_like_trl(pooled, inputs, [f"<answer>{GRID}</answer>"]) == [1.0]


def test_domain_column_routes_rows_without_data_source():
    (reward,) = trl_reward(workers=0)
    inputs = [
        {"prompt": "p", "domain": "multiple_choice", "answer": "C"},
        {"prompt": "p", "domain": "multiple_choice", "answer": "B"},
        {"prompt": "p", "domain": "math", "answer": "2"},
    ]
    assert call_like_trl(
        reward, inputs, ["Answer: (C)", "\\boxed{C} or \\boxed{B}", "\\boxed{2}"]
    ) == [1.0, 0.0, 1.0]


def test_a_dataset_without_ground_truth_is_a_clear_error():
    (reward,) = trl_reward(workers=0)
    with pytest.raises(InputError, match="ground_truth"):
        call_like_trl(reward, [{"prompt": "p", "data_source": "math__x"}], ["\\boxed{1}"])


def test_a_slow_item_scores_zero_is_counted_and_does_not_stall_the_batch():
    """A judge that answers after 30 s, with a 1 s per-item timeout, beside fast rule-based rows."""
    (reward,) = trl_reward(workers=2, timeout=1.0, backend="fake", replies="yes", latency=30)
    stem = {"prompt": "p", "data_source": "stem_web", "ground_truth": "CO2", "extra_info": "{}"}
    inputs = guru_inputs(chat=False) + [stem] * 2
    completions = [r[2] for r in ROWS] + ["\\boxed{CO2}"] * 2
    metrics = {}
    try:
        start = time.perf_counter()
        scores = call_like_trl(reward, inputs, completions, metrics=metrics)
        elapsed = time.perf_counter() - start
    finally:
        reward.close()
    assert scores == [1.0] * len(ROWS) + [0.0, 0.0]
    assert reward.timeouts == 2 and metrics == {"k2_verify/timeouts": [2.0]}
    assert elapsed < 15, "the slow items were cut at their timeout, not waited for"


def test_a_third_party_verifier_claiming_a_prefix_becomes_a_reward(k2_plugin):
    class Palindrome:
        name = "palindrome-prefix"
        needs_ground_truth = False

        def __init__(self, **options):
            pass

        def verify(self, response, problem: Problem):
            text = response.strip().lower()
            return Verdict(float(text == text[::-1]), text == text[::-1], text, "checked")

    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("palindrome-prefix", Palindrome, data_sources=["words__palindrome"])

    k2_plugin(Plugin(), name="test-palindrome-prefix")
    (reward,) = trl_reward(workers=0)
    inputs = [{"prompt": "p", "data_source": "words__palindrome_v2", "ground_truth": ""}] * 2
    assert call_like_trl(reward, inputs, ["Level", "levels"]) == [1.0, 0.0]


def test_format_reward():
    completions = [
        "<think>a</think> <answer>4</answer>",
        "reasoning without the opening tag</think>\n<answer>4",  # template-opened think, stop-cut answer
        "<answer>4</answer>",
        "<think>a</think><answer></answer>",
        "<think>a</think><answer>4</answer> trailing words",
        "<think>a</think><answer>4</answer><answer>5</answer>",
    ]
    assert call_like_trl(k2_format, [{"prompt": "p"}] * 6, completions) == [
        1.0,
        1.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ]


def test_reasoning_parsed_into_its_own_field_counts_as_thinking():
    message = [{"role": "assistant", "reasoning_content": "2 + 2", "content": "<answer>4</answer>"}]
    assert completion_text(message) == "<think>2 + 2</think><answer>4</answer>"
    assert call_like_trl(k2_format, [{"prompt": "p"}], [message]) == [1.0]


def test_overlong_penalty_is_dapo_soft_punishment():
    penalty = OverlongPenalty(max_completion_length=100, buffer=20)
    ids = [[0] * n for n in (50, 80, 90, 100, 150)]
    assert call_like_trl(penalty, [{"prompt": "p"}] * 5, ["x"] * 5, completion_ids=ids) == [
        0.0,
        0.0,
        -0.5,
        -1.0,
        -1.0,
    ]


def test_trl_reward_builds_the_asked_reward_funcs():
    funcs = trl_reward(
        format_reward=True, max_completion_length=1024, overlong_buffer=256, workers=0
    )
    assert [f.__name__ for f in funcs] == ["k2_verify", "k2_format", "k2_overlong"]
    assert [f.__name__ for f in trl_reward(workers=0)] == ["k2_verify"]
    with pytest.raises(InputError):
        trl_reward(overlong_buffer=256)
    with pytest.raises(InputError):
        trl_reward(max_completion_length=100, overlong_buffer=200)


def test_the_reward_is_picklable_before_and_after_use(pooled):
    call_like_trl(pooled, guru_inputs()[:1], [ROWS[0][2]])
    clone = pickle.loads(pickle.dumps(pooled))
    assert call_like_trl(clone, guru_inputs()[:1], [ROWS[0][2]]) == [1.0]
    clone.close()


def test_the_judge_sees_the_question_from_the_prompt():
    def judge_reply(request, index):
        return "Final Decision: " + (
            "Yes" if "What gas do plants absorb?" in request.messages[0].content else "No"
        )

    (reward,) = trl_reward(workers=0, backend="fake", replies=judge_reply)
    inputs = [
        {
            "prompt": [{"role": "user", "content": "What gas do plants absorb?"}],
            "data_source": "stem_web",
            "ground_truth": "CO2",
        }
    ]
    assert call_like_trl(reward, inputs, ["\\boxed{carbon dioxide}"]) == [1.0]


def test_codegen_rows_go_to_the_code_verifier(pooled):
    tests = '{"inputs": ["1 2\\n"], "outputs": ["3\\n"]}'
    inputs = [{"prompt": "p", "data_source": "codegen__primeintellect", "ground_truth": tests}] * 2
    right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    wrong = "```python\nprint(4)\n```"
    assert call_like_trl(pooled, inputs, [right, wrong]) == [1.0, 0.0]


def test_the_format_check_is_linear_on_hostile_text():
    start = time.perf_counter()
    hostile = [
        "<think></think><answer>" + " " * 100_000 + "x",
        "</think>" + " " * 100_000,
        "<answer>" * 20_000,
    ]
    assert call_like_trl(k2_format, [{"prompt": "p"}] * 3, hostile) == [1.0, 0.0, 0.0]
    assert time.perf_counter() - start < 5
