"""Metrics, exactly: hand-computed values for known right and wrong answers."""

import asyncio
import json
import math

import pytest

from k2_core import SamplingParams
from k2_core.testing import FakeBackend
from k2_infer.eval.harness import EvalSettings, Evaluation
from k2_infer.eval.metrics import ks_for, majority_correct, pass_at_k, summarize

# Three problems, four runs. Answers per run; "none" has no <answer> tag.
TRUTH = {"q0": "1", "q1": "2", "q2": "7"}
ANSWERS = {
    "q0": ["1", "1", "1", "1"],  # 4 of 4 right
    "q1": ["3", "2", "3", "5"],  # 1 of 4; the majority "3" is wrong
    "q2": ["x", "x", "7", None],  # 1 of 4; the majority "x" is wrong
}


def reply(request, index):
    """`<answer>A</answer>` then `run` padding words; the run is the request's seed."""
    pid = request.messages[-1].content.removeprefix("question ")
    run = request.params.seed
    answer = ANSWERS[pid][run]
    head = "none" if answer is None else f"<answer>{answer}</answer>"
    return head + " pad" * run


def evaluate(tmp_path, toy_data, **changes):
    settings = EvalSettings(
        benchmarks=["toy"],
        output=tmp_path / "run",
        n=4,
        backend="fake",
        data={"toy": str(toy_data(TRUTH))},
        sampling=SamplingParams(max_tokens=3, temperature=1.0, top_p=0.95, stop=[]),
        retry_delay=0.0,
        **changes,
    )
    return asyncio.run(Evaluation(settings, FakeBackend(reply)).run()).to_dict()


def test_scripted_run_gives_hand_computed_scores(tmp_path, toy, toy_data):
    scores = evaluate(tmp_path, toy_data)["benchmarks"]["toy"]
    assert scores["status"] == "complete"
    assert scores["samples"] == 12 and scores["errored"] == 0
    assert scores["avg@n"] == pytest.approx(50.0)  # (4 + 1 + 1) / 12
    assert scores["per_run"] == pytest.approx([100 / 3, 200 / 3, 200 / 3, 100 / 3])
    # stdev([1/3, 2/3, 2/3, 1/3], ddof=1) = sqrt(1/27); std-err divides by sqrt(4)
    assert scores["std_err"] == pytest.approx(100 * math.sqrt(1 / 27) / 2)
    # pass@2: q0 1; q1 and q2: 1 - C(3,2)/C(4,2) = 1/2
    assert scores["pass@k"] == pytest.approx({"1": 50.0, "2": 200 / 3, "4": 100.0})
    assert scores["maj@n"] == pytest.approx(100 / 3)  # only q0's majority is right
    # tokens are words: 1 + run, capped at max_tokens 3 (run 3 is truncated)
    assert scores["tokens_mean"] == pytest.approx(2.25)
    assert scores["tokens_median"] == pytest.approx(2.5)
    assert scores["truncation_rate"] == pytest.approx(0.25)
    assert scores["k2_think_reported"] is None  # a published figure does not apply to local --data


def test_samples_file_holds_every_sample_with_its_verdict(tmp_path, toy, toy_data):
    evaluate(tmp_path, toy_data)
    lines = [json.loads(line) for line in (tmp_path / "run/samples.jsonl").read_text().splitlines()]
    assert sorted((s["problem_id"], s["run"]) for s in lines) == [
        (pid, run) for pid in ("q0", "q1", "q2") for run in range(4)
    ]
    q1 = {s["run"]: s for s in lines if s["problem_id"] == "q1"}
    assert [q1[run]["extracted"] for run in range(4)] == ["3", "2", "3", "5"]
    assert [q1[run]["correct"] for run in range(4)] == [False, True, False, False]
    assert q1[3]["finish_reason"] == "length" and q1[3]["completion_tokens"] == 3
    assert q1[0]["prompt"] == "question q1" and q1[0]["ground_truth"] == "2"
    assert q1[0]["verdict"]["reason"] == "different"


def test_pass_at_k_matches_the_combinatorial_definition():
    # brute force: probability that a random k-subset of n samples holds a correct one
    from itertools import combinations

    for n, c, k in [(5, 2, 1), (5, 2, 3), (6, 0, 2), (6, 6, 4), (8, 3, 4)]:
        subsets = list(combinations([1] * c + [0] * (n - c), k))
        expected = sum(any(s) for s in subsets) / len(subsets)
        assert pass_at_k(n, c, k) == pytest.approx(expected)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_ks_are_powers_of_two_then_n():
    assert ks_for(1) == [1]
    assert ks_for(16) == [1, 2, 4, 8, 16]
    assert ks_for(6) == [1, 2, 4, 6]


def test_majority_ignores_missing_answers_and_breaks_ties_by_run_order():
    samples = [
        {"extracted": None, "correct": False},
        {"extracted": "5", "correct": False},
        {"extracted": "4", "correct": True},
        {"extracted": None, "correct": False},
    ]
    assert majority_correct(samples) is False  # "5" and "4" tie; "5" came first
    assert majority_correct(samples[2:]) is True
    assert majority_correct([{"extracted": None, "correct": False}]) is False


def sample(pid, run, correct=True, status="ok"):
    return {
        "problem_id": pid,
        "run": run,
        "status": status,
        "correct": correct,
        "extracted": "a",
        "completion_tokens": 10,
        "finish_reason": "stop",
    }


def test_missing_samples_are_refused_unless_partial_is_allowed():
    samples = [sample("a", 0), sample("a", 1), sample("b", 0, correct=False)]
    samples.append(sample("b", 1, correct=False, status="error"))
    refused = summarize("x", ["a", "b"], samples, n=2).to_dict()
    assert refused["status"] == "incomplete" and "avg@n" not in refused
    assert refused["missing"] == 1 and refused["errored"] == 1
    partial = summarize("x", ["a", "b"], samples, n=2, allow_partial=True).to_dict()
    assert partial["status"] == "partial"
    assert partial["avg@n"] == pytest.approx(50.0)  # a: 2/2, b: 0/1
    assert partial["pass@k"] == pytest.approx({"1": 50.0, "2": 100.0})  # only a has 2 samples


def test_runs_beyond_n_and_unknown_problems_are_ignored():
    samples = [sample("a", 0), sample("a", 1, correct=False), sample("z", 0)]
    scores = summarize("x", ["a"], samples, n=1).to_dict()
    assert scores["avg@n"] == 100.0 and scores["samples"] == 1 and scores["std_err"] is None
