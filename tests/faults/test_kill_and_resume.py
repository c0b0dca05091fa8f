"""`kill -9` in the middle of `k2-verify batch` and `k2-infer eval`, at random moments, then resume:
every line written is whole, nothing is lost, nothing is done twice."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

BATCH = "from k2_verify.cli import main; main()"
EVAL = """
import sys
from pathlib import Path
from k2_core.testing import FakeBackend
from k2_infer.eval.harness import EvalSettings, run_eval
from k2_core import SamplingParams

settings = EvalSettings(
    benchmarks=["aime24"], output=Path(sys.argv[1]), n=4, backend="fake",
    data={"aime24": sys.argv[2]}, concurrency=2, retry_delay=0.0,
    sampling=SamplingParams(max_tokens=20, stop=["</answer>"]),
)
run_eval(settings, FakeBackend("<answer>1</answer>", latency=0.01))
"""


def kill_at_random(command: list[str], output: Path, total: int, kills: int, seed: int) -> None:
    """Start `command` `kills` times, each killed with SIGKILL once `output` holds a random number
    of lines (so the kill lands mid-run however fast the machine is), mid-write or not."""
    chance = random.Random(seed)
    for _ in range(kills):
        target = chance.randrange(1, total // 2)  # well before the end
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if output.exists() and output.read_bytes().count(b"\n") >= target:
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait()


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]  # every line whole


def test_batch_killed_at_random_moments_loses_and_repeats_nothing(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    items = [
        {"id": f"q{i}", "response": f"\\boxed{{{i}}}", "ground_truth": str(i % 7)}
        for i in range(4000)
    ]
    source.write_text("".join(json.dumps(item) + "\n" for item in items))
    command = [sys.executable, "-c", BATCH, "batch", str(source), "-o", str(out), "--workers", "0"]
    kill_at_random(command, out, len(items), kills=3, seed=14)
    interrupted = len(records(out)) if out.exists() else 0
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    counts = Counter(record["id"] for record in records(out))
    assert set(counts) == {item["id"] for item in items}
    assert max(counts.values()) == 1
    assert 0 < interrupted < len(items)  # the kills did land mid-batch
    assert all(
        r["verdict"]["correct"] == (int(r["id"][1:]) % 7 == int(r["id"][1:])) for r in records(out)
    )


def test_eval_killed_at_random_moments_loses_and_repeats_nothing(tmp_path):
    data, run = tmp_path / "aime.jsonl", tmp_path / "run"
    rows = [{"id": str(i), "problem": f"question {i}", "answer": "1"} for i in range(60)]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    command = [sys.executable, "-c", EVAL, str(run), str(data)]
    kill_at_random(command, run / "samples.jsonl", 60 * 4, kills=3, seed=7)
    samples = run / "samples.jsonl"
    interrupted = len(records(samples)) if samples.exists() else 0
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    ok = Counter((s["problem_id"], s["run"]) for s in records(samples) if s["status"] == "ok")
    assert len(ok) == 60 * 4 and max(ok.values()) == 1
    assert 0 < interrupted < 60 * 4  # the kills did land mid-run
    summary = json.loads((run / "summary.json").read_text())
    assert summary["benchmarks"]["aime24"]["status"] == "complete"
    assert summary["benchmarks"]["aime24"]["avg@n"] == 100.0
