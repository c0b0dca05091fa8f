"""verl's custom_reward_function: compute_score called the way verl's reward managers call it."""

import functools
import json

import pytest

from k2_core import Verdict, hookimpl
from k2_verify.guru import compress
from k2_verify.verl import compute_score, compute_score_batch

KEYS = {"score", "acc", "pred", "reason"}
GRID = [[3, 3], [0, 3]]

CASES = [
    ("math__deepscaler", "<think>...</think>\\boxed{\\frac{1}{2}}", "0.5", 1.0),
    ("math__deepscaler", "\\boxed{0.25}", "0.5", 0.0),
    (
        "logic__zebra_puzzle_dataset",
        '<answer>{"rows": [["1", "Ann"], ["2", "Cy"]]}</answer>',
        json.dumps({"header": ["House", "Name"], "rows": [["1", "Ann"], ["2", "Bob"]]}),
        0.75,
    ),
    ("logic__graph_logical_dataset", "<answer>B</answer>", "b", 1.0),
    ("simulation__arcagi1", "<answer>[[3, 3], [0, 3]]</answer>", compress(GRID), 1.0),
    ("simulation__barc", "<answer>[[3, 3]]</answer>", json.dumps(GRID), 0.0),
    ("simulation__codeio", '```json\n{"output": "ok"}\n```', '{"output": "ok"}', 1.0),
    ("table__finqa", "\\boxed{12.5\\%}", "0.125", 1.0),
    ("table__finqa", "no box at all", "0.125", 0.0),
]


def naive_reward_manager_call(
    compute_score_fn, data_source, solution_str, ground_truth, extra_info=None
):
    """verl's NaiveRewardManager: keyword arguments, one response at a time."""
    return compute_score_fn(
        data_source=data_source,
        solution_str=solution_str,
        ground_truth=ground_truth,
        extra_info=extra_info,
    )


def custom_reward_fn(reward_kwargs):
    """verl's get_custom_reward_fn: the configured reward_kwargs are added to every call."""

    def wrapped_fn(*args, **kwargs):
        return compute_score(*args, **kwargs, **reward_kwargs)

    return wrapped_fn


@pytest.mark.parametrize("data_source, response, ground_truth, score", CASES)
def test_every_guru_domain_scores_through_compute_score(data_source, response, ground_truth, score):
    result = naive_reward_manager_call(
        compute_score, data_source, response, ground_truth, {"index": 0}
    )
    assert result["score"] == pytest.approx(score)
    assert result["acc"] is (score == 1.0)


def test_every_sample_returns_the_same_keys_of_the_same_types():
    results = [naive_reward_manager_call(compute_score, *case[:3]) for case in CASES]
    results.append(naive_reward_manager_call(compute_score, "table__x", "\\boxed{" * 3000, "1"))
    results.append(naive_reward_manager_call(compute_score, "logic__x", "", None))
    for result in results:
        assert set(result) == KEYS
        assert [type(result[k]) for k in ("score", "acc", "pred", "reason")] == [
            float,
            bool,
            str,
            str,
        ]


def test_numpy_like_ground_truth_from_parquet():
    class Array(list):
        def tolist(self):
            return [list(row) for row in self]

    result = naive_reward_manager_call(
        compute_score, "simulation__arcagi2", "<answer>[[3, 3], [0, 3]]</answer>", Array(GRID)
    )
    assert result["score"] == 1.0


def test_reward_kwargs_reach_the_verifiers():
    """A stem_web judge configured through verl's reward_kwargs (here the scripted fake backend)."""
    fn = custom_reward_fn({"backend": "fake", "replies": "Final Decision: Yes", "timeout": 5})
    result = naive_reward_manager_call(
        fn, "stem_web", "\\boxed{CO2}", "carbon dioxide", {"question": "?"}
    )
    assert (result["score"], result["pred"], result["reason"]) == (1.0, "CO2", "equivalent")


def test_batch_reward_manager_call_matches_single_calls():
    data_sources, responses, truths, _ = zip(*CASES, strict=True)
    batch = compute_score_batch(
        data_sources=list(data_sources),
        solution_strs=list(responses),
        ground_truths=list(truths),
        extra_infos=[None] * len(CASES),
        timeout=10,
    )
    assert batch == [compute_score(*case[:3]) for case in CASES]


def test_a_third_party_verifier_claiming_a_prefix_is_used(k2_plugin):
    class Shouting:
        name = "shouting"
        needs_ground_truth = True

        def __init__(self, **options):
            pass

        def verify(self, response, problem):
            correct = response.strip() == str(problem.ground_truth).upper()
            return Verdict(
                float(correct), correct, response.strip(), "shouted" if correct else "quiet"
            )

    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("shouting", Shouting, data_sources=["logic__shouting"])

    k2_plugin(Plugin(), name="test-shouting")
    fn = functools.partial(compute_score, extra_info=None)
    assert fn(data_source="logic__shouting_v1", solution_str="HELLO", ground_truth="hello") == {
        "score": 1.0,
        "acc": True,
        "pred": "HELLO",
        "reason": "shouted",
    }
    # the longest prefix wins: other logic__ rows still go to the built-in logic verifier
    assert (
        fn(data_source="logic__graph", solution_str="<answer>x</answer>", ground_truth="x")[
            "reason"
        ]
        == "equivalent"
    )


def test_the_judge_sees_the_question_from_extra_info():
    def judge_reply(request, index):
        return "Final Decision: " + ("Yes" if "Which gas?" in request.messages[0].content else "No")

    fn = custom_reward_fn({"backend": "fake", "replies": judge_reply})
    assert (
        naive_reward_manager_call(
            fn, "stem_web", "\\boxed{CO2}", "CO2", {"question": "Which gas?"}
        )["score"]
        == 1.0
    )
    assert (
        naive_reward_manager_call(
            fn, "stem_web", "\\boxed{CO2}", "CO2", '{"question": "Which gas?"}'
        )["score"]
        == 1.0
    )
    assert naive_reward_manager_call(fn, "stem_web", "\\boxed{CO2}", "CO2", None)["score"] == 0.0
