"""`k2-infer eval --shard I/N` and `k2-infer eval-merge`: a shard killed with SIGKILL and rerun, then
merged, equals an unsharded run; overlapping, missing, unfinished or mismatched shards are refused."""

import json
import os
import signal
import subprocess
import time

import pytest
from click.testing import CliRunner

from k2_core import InputError
from k2_infer.cli import cli
from k2_infer.eval.shards import Shard, ShardPlan

from .conftest import TRUTH, eval_args, invoke, lines, outcome


def test_shard_parse_and_refusals():
    assert Shard.parse("2/4") == Shard(2, 4) and str(Shard.parse(" 1 / 3 ")) == "1/3"
    for text in ("0/2", "3/2", "2", "a/b", "-1/2"):
        with pytest.raises(InputError, match="--shard I/N"):
            Shard.parse(text)


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_shards_partition_every_sample_once_and_evenly(count):
    problems = {"a": [f"a{i}" for i in range(7)], "b": [f"b{i}" for i in range(5)]}
    plans = [ShardPlan(Shard(i, count), 3, problems, 0, 0) for i in range(1, count + 1)]
    keys = [key for plan in plans for key in plan.keys()]
    assert sorted(keys) == sorted(
        (b, p, r) for r in range(3) for b in problems for p in problems[b]
    )
    sizes = [len(plan.keys()) for plan in plans]
    assert max(sizes) - min(sizes) <= 2  # at most one per (benchmark, run) apart
    for plan in plans[:1] if count > 1 else []:  # a problem's runs spread over the shards
        assert len({p for _, p, _ in plan.keys()}) > len(plan.keys()) // 3


def test_killed_shard_resumes_and_the_merge_equals_an_unsharded_run(
    tmp_path, toy, toy_data, launcher, server
):
    data = toy_data(TRUTH)
    whole, one, two, merged = (tmp_path / name for name in ("whole", "one", "two", "merged"))
    assert invoke(*eval_args(data, whole, server)).exit_code == 0

    args = eval_args(data, one, server, "--shard", "1/2", "-c", "2")
    server.delay = 0.05  # slow enough to be killed mid-shard
    process = subprocess.Popen([*launcher, *args], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(lines(one / "samples.jsonl")) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    server.delay = 0.0
    written = len(lines(one / "samples.jsonl"))
    assert 4 <= written < 20, "the kill must land mid-shard"
    assert not (one / "shard.json").exists()
    refused = invoke("eval-merge", str(one), "-o", str(merged))
    assert refused.exit_code == 1 and "not a finished shard" in refused.output

    rerun = subprocess.run([*launcher, *args], capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert "shard 1/2: 20/20 samples verified" in rerun.stdout
    assert len(lines(one / "samples.jsonl")) == 20  # the killed run's samples were kept, not redone
    result = invoke(*eval_args(data, two, server, "--shard", "2/2"))
    assert result.exit_code == 0 and "shard 2/2: 20/20" in result.output
    assert not (two / "summary.json").exists()  # a shard has no report of its own

    result = invoke("eval-merge", str(one), str(two), "-o", str(merged))
    assert result.exit_code == 0, result.output
    assert "toy: avg@4" in result.output
    assert outcome(merged) == outcome(whole) and len(lines(merged / "samples.jsonl")) == 40
    keys = [(s["problem_id"], s["run"]) for s in lines(merged / "samples.jsonl")]
    assert len(set(keys)) == 40
    summary = json.loads((merged / "summary.json").read_text())
    expected = json.loads((whole / "summary.json").read_text())
    assert summary["benchmarks"] == expected["benchmarks"]
    assert 0 < summary["benchmarks"]["toy"]["avg@n"] < 100  # the replies are not all alike
    assert {**summary["settings"], "concurrency": 8} == expected["settings"]  # shard 1's -c 2
    assert json.loads((merged / "run.json").read_text()) == json.loads(
        (whole / "run.json").read_text()
    )
    assert "| toy | 10 |" in (merged / "report.md").read_text()
    # The merged folder is a finished run: resuming it with the same settings samples nothing.
    calls = server.call_count
    assert invoke(*eval_args(data, merged, server)).exit_code == 0
    assert server.call_count == calls


def run_shards(data, server, tmp_path, *shards, extra=()):
    folders = []
    for shard in shards:
        folder = tmp_path / shard.replace("/", "of")
        result = invoke(*eval_args(data, folder, server, "--shard", shard, *extra))
        assert result.exit_code == 0, result.output
        folders.append(str(folder))
    return folders


def test_merge_refuses_missing_overlapping_and_mixed_shards(tmp_path, toy, toy_data, server):
    data = toy_data(TRUTH)
    a, b, c = run_shards(data, server, tmp_path, "1/3", "2/3", "3/3")
    out = str(tmp_path / "merged")

    result = invoke("eval-merge", a, c, "-o", out)
    assert result.exit_code == 1 and "shard 2/3 is missing" in result.output
    assert "--shard 2/3" in result.output
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("run.json", "samples.jsonl", "shard.json"):
        (copy / name).write_bytes((tmp_path / "1of3" / name).read_bytes())
    result = invoke("eval-merge", a, b, c, str(copy), "-o", out)
    assert result.exit_code == 1 and "are both shard 1/3: they overlap" in result.output
    (half,) = run_shards(data, server, tmp_path, "1/2")
    result = invoke("eval-merge", a, b, half, "-o", out)
    assert result.exit_code == 1 and "different ways (into 2 and 3)" in result.output
    assert not (tmp_path / "merged" / "samples.jsonl").exists()


def test_merge_refuses_shards_with_other_settings_or_missing_samples(
    tmp_path, toy, toy_data, server
):
    data = toy_data(TRUTH)
    (a,) = run_shards(data, server, tmp_path, "1/2")
    other = tmp_path / "other"
    result = invoke(*eval_args(data, other, server, "--shard", "2/2", "--max-tokens", "7"))
    assert result.exit_code == 0
    result = invoke("eval-merge", a, str(other), "-o", str(tmp_path / "m"))
    assert result.exit_code == 1 and "disagree on settings (sampling)" in result.output

    (b,) = run_shards(data, server, tmp_path, "2/2")
    samples = tmp_path / "2of2" / "samples.jsonl"
    samples.write_text("\n".join(samples.read_text().splitlines()[:-2]) + "\n")  # lost samples
    result = invoke("eval-merge", a, b, "-o", str(tmp_path / "m"))
    assert result.exit_code == 1
    assert "shard 2/2" in result.output and "incomplete: 2 samples missing" in result.output


def test_a_shard_folder_cannot_be_resumed_as_another_shard(tmp_path, toy, toy_data, server):
    data = toy_data(TRUTH)
    (a,) = run_shards(data, server, tmp_path, "1/2")
    result = CliRunner().invoke(cli, eval_args(data, a, server, "--shard", "2/2"))
    assert result.exit_code == 1 and "different settings (shard)" in result.output
    result = CliRunner().invoke(cli, eval_args(data, a, server))
    assert result.exit_code == 1 and "different settings (shard)" in result.output


def test_a_malformed_shard_is_a_usage_error(tmp_path, toy, toy_data, server):
    result = CliRunner().invoke(cli, eval_args(toy_data(TRUTH), tmp_path, server, "--shard", "3/2"))
    assert result.exit_code == 2 and "--shard I/N" in result.output


def test_an_unfinished_shard_fails_and_says_how_to_resume(tmp_path, toy, toy_data):
    args = ["eval", "toy", "--backend", "fake", "--backend-option", "fail_times=99", "--n", "4"]
    args += ["--retries", "0", "--data", str(toy_data(TRUTH)), "-o", str(tmp_path / "s")]
    result = CliRunner().invoke(cli, [*args, "--shard", "1/2"])
    assert result.exit_code == 1
    assert "shard 1/2 not finished: 20 samples missing or errored" in result.output
    plan = ShardPlan.read(tmp_path / "s")
    assert plan.missing == plan.errored == 20 and not plan.complete
