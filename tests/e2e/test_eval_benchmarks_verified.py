"""`k2-infer eval` with k2-verify's real verifiers: AIME with the math verifier, GPQA with
multiple_choice, and two AIME 2024 problems on the embedded model (slow)."""

import asyncio
import json
from pathlib import Path

import pytest

from k2_core import SamplingParams
from k2_core.registry import get_registry
from k2_core.testing import FakeBackend
from k2_infer.eval.harness import EvalSettings, Evaluation, run_eval

SHARED = Path("/work/shared/benchmarks")
AIME24 = SHARED / "aime_2024/QwenLM__Qwen2.5-Math/test.jsonl"
pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/benchmarks")


def aime_answers():
    problems = get_registry().create("benchmark", "aime24").load(str(AIME24), limit=4)
    return {p.prompt: p.ground_truth for p in problems}


def test_math_verifier_scores_aime_samples(tmp_path):
    truth = aime_answers()
    prompts = list(truth)

    def reply(request, index):
        prompt, run = request.messages[-1].content, request.params.seed
        right = prompts.index(prompt) < 2 or run == 0  # p0, p1 always; p2, p3 only in run 0
        answer = int(truth[prompt]) if right else 1
        return f"<think>working</think> <answer>\\boxed{{{answer}}}"

    settings = EvalSettings(
        ["aime24"],
        tmp_path / "run",
        n=2,
        backend="fake",
        limit=4,
        data={"aime24": str(AIME24)},
        sampling=SamplingParams(max_tokens=64, stop=["</answer>"]),
    )
    scores = asyncio.run(Evaluation(settings, FakeBackend(reply)).run()).to_dict()["benchmarks"][
        "aime24"
    ]
    assert scores["status"] == "complete"
    assert scores["avg@n"] == pytest.approx(75.0)  # (2 + 2 + 1 + 1) / 8
    assert scores["pass@k"]["2"] == pytest.approx(100.0)
    assert scores["per_run"] == pytest.approx([100.0, 50.0])


def test_multiple_choice_verifier_scores_shuffled_gpqa(tmp_path):
    rows = [
        {
            "Question": f"Q{i}?",
            "Correct Answer": f"yes {i}",
            "Incorrect Answer 1": "no a",
            "Incorrect Answer 2": "no b",
            "Incorrect Answer 3": "no c",
            "Record ID": f"r{i}",
        }
        for i in range(6)
    ]
    data = tmp_path / "gpqa.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))

    def reply(request, index):  # finds the correct option's letter in the shuffled prompt
        line = next(x for x in request.messages[-1].content.splitlines() if ") yes " in x)
        return f"The answer is \\boxed{{{line[0]}}}"

    settings = EvalSettings(
        ["gpqa-diamond"], tmp_path / "run", n=1, backend="fake", data={"gpqa-diamond": str(data)}
    )
    scores = asyncio.run(Evaluation(settings, FakeBackend(reply)).run()).to_dict()["benchmarks"]
    assert scores["gpqa-diamond"]["avg@n"] == 100.0


@pytest.mark.slow
def test_two_aime24_problems_on_the_embedded_model(tmp_path):
    settings = EvalSettings(
        ["aime24"],
        tmp_path / "run",
        n=2,
        backend="transformers",
        limit=2,
        data={"aime24": str(AIME24)},
        sampling=SamplingParams(max_tokens=16, temperature=1.0, top_p=0.95, stop=["</answer>"]),
        concurrency=4,
    )
    summary = run_eval(settings).to_dict()
    scores = summary["benchmarks"]["aime24"]
    assert scores["status"] == "complete" and scores["samples"] == 4 and scores["errored"] == 0
    assert 0 < scores["tokens_mean"] <= 16
    samples = [json.loads(x) for x in (tmp_path / "run/samples.jsonl").read_text().splitlines()]
    assert {s["run"] for s in samples} == {0, 1}
    assert all(s["response"] and s["verdict"]["reason"] for s in samples)
    assert (tmp_path / "run/report.md").exists()


def test_hle_is_scored_by_the_judge_verifier_on_any_backend(tmp_path):
    rows = [
        {"id": "h1", "question": "Name the gas.", "image": "", "answer": "argon"},
        {"id": "h2", "question": "Pick one.", "image": "", "answer": "B"},
    ]
    data = tmp_path / "hle.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))

    def judge(request, index):  # every response says argon: right only where argon is the reference
        equivalent = "Reference answer:\nargon" in request.messages[-1].content
        return json.dumps({"equivalent": equivalent, "reason": "-"})

    judge_options = {"backend": "fake", "replies": judge}
    settings = EvalSettings(
        ["hle"],
        tmp_path / "run",
        n=1,
        backend="fake",
        data={"hle": str(data)},
        verifier_options={"judge": judge_options},
    )
    summary = asyncio.run(Evaluation(settings, FakeBackend("<answer>argon</answer>")).run())
    scores = summary.to_dict()["benchmarks"]["hle"]
    assert scores["status"] == "complete" and scores["avg@n"] == 50.0  # right on h1 only


SECOND_LARGEST = """```python
n = int(input())
a = list(map(int, input().split()))
print(sorted(range(n), key=lambda i: a[i])[-2] + 1)
```"""
SHORTEST_PATH = """```python
from collections import deque
from typing import List

class Solution:
    def shortestDistanceAfterQueries(self, n: int, queries: List[List[int]]) -> List[int]:
        roads = {i: [i + 1] for i in range(n - 1)}
        answer = []
        for u, v in queries:
            roads.setdefault(u, []).append(v)
            seen, frontier = {0: 0}, deque([0])
            while frontier:
                city = frontier.popleft()
                for nxt in roads.get(city, []):
                    if nxt not in seen:
                        seen[nxt] = seen[city] + 1
                        frontier.append(nxt)
            answer.append(seen[n - 1])
        return answer
```"""
WRONG = "```python\nprint(1)\n```"


def test_livecodebench_stdin_and_functional_through_the_code_verifier(tmp_path):
    folder = SHARED / "livecodebench"
    tests = json.loads((folder / "agentica-project__rllm/livecodebench.json").read_text())
    info = (folder / "QwenLM__QwQ/livecodebench_v5.jsonl").read_text().splitlines()
    rows = [0, next(i for i, row in enumerate(tests) if row["starter_code"])]
    subset = tmp_path / "lcb"
    subset.mkdir()
    (subset / "livecodebench.json").write_text(json.dumps([tests[i] for i in rows]))
    (subset / "livecodebench_v5.jsonl").write_text("\n".join(info[i] for i in rows))

    def reply(request, index):  # right program in run 0, a wrong one in run 1
        if request.params.seed == 1:
            return WRONG
        prompt = request.messages[-1].content
        return SHORTEST_PATH if "shortestDistanceAfterQueries" in prompt else SECOND_LARGEST

    settings = EvalSettings(
        ["lcb-v5"], tmp_path / "run", n=2, backend="fake", data={"lcb-v5": str(subset)}
    )
    scores = asyncio.run(Evaluation(settings, FakeBackend(reply)).run()).to_dict()["benchmarks"][
        "lcb-v5"
    ]
    assert scores["status"] == "complete"
    assert scores["per_run"] == [100.0, 0.0]
    assert scores["avg@n"] == 50.0 and scores["pass@k"]["2"] == 100.0
