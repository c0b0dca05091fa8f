"""`k2-infer eval --benchmark-option [BENCH:]KEY=VALUE`: options reach the benchmark's factory, are
checked, and are part of the run's identity."""

import json

from click.testing import CliRunner

from k2_infer.cli import cli


def omni_rows(tmp_path):
    rows = [
        {"id": str(i), "problem": f"p{d}", "answer": "1", "difficulty": d}
        for i, d in enumerate((6.5, 7.0, 9.5))
    ]
    path = tmp_path / "omni.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def run(tmp_path, *options, benchmarks="omni-hard", out="out"):
    args = ["eval", benchmarks, "--backend", "fake", "--n", "1", "-o", str(tmp_path / out)]
    args += ["--data", f"{benchmarks.split(',')[0]}={omni_rows(tmp_path)}", *options]
    return CliRunner().invoke(cli, args)


def test_an_option_reaches_the_benchmark_and_its_identity(tmp_path, monkeypatch):
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{1}</answer>"))
    result = run(tmp_path, "--benchmark-option", "min_difficulty=9")
    assert result.exit_code == 0, result.output
    samples = (tmp_path / "out" / "samples.jsonl").read_text().splitlines()
    assert [json.loads(line)["prompt"] for line in samples] == ["p9.5"]
    identity = json.loads((tmp_path / "out" / "run.json").read_text())
    assert identity["benchmarks"]["omni-hard"]["options"] == {"min_difficulty": 9}
    result = run(tmp_path, "--benchmark-option", "min_difficulty=7")  # same folder, other option
    assert result.exit_code == 1 and "omni-hard.options" in result.output
    result = run(tmp_path, "--benchmark-option", "omni-hard:min_difficulty=7", out="seven")
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "seven" / "samples.jsonl").read_text().splitlines()) == 2


def test_a_bad_option_is_one_line(tmp_path):
    result = run(tmp_path, "--benchmark-option", "min_dificulty=9")
    assert result.exit_code == 1 and "unexpected keyword argument 'min_dificulty'" in result.output
    result = run(tmp_path, "--benchmark-option", "min_difficulty=9", benchmarks="omni-hard,aime24")
    assert result.exit_code == 1 and "BENCH:KEY=VALUE" in result.output
    result = run(tmp_path, "--benchmark-option", "window=x", benchmarks="aime24")
    assert result.exit_code == 1 and "benchmark 'aime24' takes no options" in result.output
