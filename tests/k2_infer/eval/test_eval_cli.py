"""`k2-infer eval` and `eval-compare` end to end on the fake backend, including a real kill -9."""

import json
import os
import signal
import subprocess
import time

from click.testing import CliRunner

from k2_infer.cli import cli

TRUTH = {f"p{i}": str(i) for i in range(10)}


def fake_env(monkeypatch, reply, latency=0.0):
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps(reply))
    monkeypatch.setenv("K2_FAKE_LATENCY", str(latency))


def invoke(*args):
    return CliRunner().invoke(cli, ["eval", *args], catch_exceptions=False)


def test_eval_writes_samples_summary_report_and_plots(tmp_path, toy, toy_data, monkeypatch):
    fake_env(monkeypatch, "<think>hm</think> <answer>3</answer>")
    out = tmp_path / "out"
    data = toy_data(TRUTH)
    result = invoke("toy", "--backend", "fake", "--n", "2", "--data", str(data), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "toy: avg@2 10.00" in result.output and "(K2 Think: -)" in result.output  # local --data
    assert len((out / "samples.jsonl").read_text().splitlines()) == 20
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["sampling"]["stop"] == ["</answer>"]  # from the k2-think recipe
    assert summary["settings"]["sampling"]["temperature"] == 1.0
    assert summary["versions"]["k2-infer"]
    report = (out / "report.md").read_text()
    assert "| toy | 10 | 10.00 ± 0.00 | - |" in report  # no published figure over local --data
    assert "toy over local data" in report and "Model `fake`" in report  # the served model
    assert (out / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "lengths.png").read_bytes()[:4] == b"\x89PNG"


def test_missing_samples_make_eval_fail_with_a_hint(tmp_path, toy, toy_data, monkeypatch):
    fake_env(monkeypatch, "<answer>1</answer>")
    out = tmp_path / "out"
    args = ["toy", "--backend", "fake", "--n", "2", "--data", str(toy_data(TRUTH)), "-o", str(out)]
    assert invoke(*args).exit_code == 0
    lines = (out / "samples.jsonl").read_text().splitlines()
    (out / "samples.jsonl").write_text("\n".join(lines[:-3]) + "\n")  # as if they never ran
    monkeypatch.setattr("k2_infer.eval.harness.Evaluation.sample", _never)
    result = CliRunner().invoke(cli, ["eval", *args])
    assert result.exit_code == 1
    assert "toy not scored: 3 samples missing" in result.output
    assert "--allow-partial" in result.output
    assert "incomplete: 3 samples missing" in (out / "report.md").read_text()


async def _never(self, backend, name, problem, run):
    return {
        "benchmark": name,
        "problem_id": problem.id,
        "run": run,
        "status": "error",
        "error": "down",
        "correct": False,
    }


def test_eval_compare_prints_accuracy_and_token_deltas(tmp_path, toy, toy_data, monkeypatch):
    data = str(toy_data(TRUTH))
    fake_env(monkeypatch, "w " * 99 + "<answer>1</answer>")  # 100 words, right for p1 only
    assert (
        invoke(
            "toy", "--backend", "fake", "--n", "1", "--data", data, "-o", str(tmp_path / "a")
        ).exit_code
        == 0
    )
    fake_env(monkeypatch, "w " * 89 + "<answer>1</answer>")  # 90 words
    assert (
        invoke(
            "toy", "--backend", "fake", "--n", "1", "--data", data, "-o", str(tmp_path / "b")
        ).exit_code
        == 0
    )
    result = CliRunner().invoke(cli, ["eval-compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    row = result.output.splitlines()[1].split()
    assert row == ["toy", "10.00", "10.00", "+0.00", "100", "90", "-10.0%", "100", "90", "0.90x"]


def test_data_must_name_its_benchmark_when_there_are_several(tmp_path, toy):
    result = CliRunner().invoke(
        cli, ["eval", "toy,aime24", "--data", "x.jsonl", "-o", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "write --data BENCH=PATH" in result.output


def samples(path):
    """The whole lines of a log that may be being written (a last line without its newline is
    still being written: not a sample yet)."""
    text = path.read_text() if path.exists() else ""
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_kill_9_then_rerun_loses_only_in_flight_samples(tmp_path, toy_data, launcher):
    out = tmp_path / "out"
    args = [
        "eval",
        "toy",
        "--backend",
        "fake",
        "--n",
        "8",
        "-c",
        "4",
        "--data",
        str(toy_data(TRUTH)),
    ]
    args += ["-o", str(out)]
    env = {
        **os.environ,
        "K2_FAKE_REPLIES": json.dumps("<answer>3</answer>"),
        "K2_FAKE_LATENCY": "0.05",
    }
    process = subprocess.Popen([*launcher, *args], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(samples(out / "samples.jsonl")) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = (out / "samples.jsonl").read_text()
    written = samples(out / "samples.jsonl")
    assert 20 <= len(written) < 80, "the kill must land mid-run"

    rerun = subprocess.run([*launcher, *args], env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    after = (out / "samples.jsonl").read_text()
    assert after.startswith(before.rsplit("\n", 1)[0])  # nothing written before the kill was lost
    keys = [(s["problem_id"], s["run"]) for s in samples(out / "samples.jsonl")]
    assert len(keys) == len(set(keys)) == 80  # every sample exactly once
    summary = json.loads((out / "summary.json").read_text())["benchmarks"]["toy"]
    assert summary["status"] == "complete" and summary["avg@n"] == 10.0
