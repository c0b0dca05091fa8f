"""Reports over plugin benchmarks that give only what the protocol requires, and eval-compare."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_core import Problem, hookimpl
from k2_core.testing.contracts import BenchmarkContract
from k2_infer.cli import cli


class Bare:
    """A benchmark with only `name`, `domain` and `load`: no description, no reported figure."""

    name, domain = "bare", "math"

    def load(self, data=None, limit=None):
        problems = [
            Problem(f"b{i}", f"What is {i} + {i}?", ground_truth=str(2 * i)) for i in range(3)
        ]
        return problems[:limit]


class BarePlugin:
    @hookimpl
    def k2_register_benchmarks(register):
        register("bare", Bare)


def run_eval(tmp_path, monkeypatch, name, *benchmarks):
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{2}</answer>"))
    out = tmp_path / name
    result = CliRunner().invoke(
        cli, ["eval", ",".join(benchmarks), "--backend", "fake", "--n", "2", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


class TestBare(BenchmarkContract):
    benchmark_name = "bare"

    def setup_method(self):
        from k2_core.plugins import register_plugin, unregister_plugin

        self._name = register_plugin(BarePlugin, name="bare-contract")
        self._unregister = lambda: unregister_plugin(self._name)

    def teardown_method(self):
        self._unregister()


def test_a_benchmark_without_description_or_reported_gets_a_report(
    tmp_path, monkeypatch, k2_plugin
):
    k2_plugin(BarePlugin)
    out = run_eval(tmp_path, monkeypatch, "a", "bare")
    report = (out / "report.md").read_text()
    assert "| bare | 3 | 33.33 ± 0.00 | - |" in report
    assert "Model `fake`" in report  # no --model: the model the backend said it served
    assert (out / "lengths.png").read_bytes()[:4] == b"\x89PNG"


def test_eval_compare_lists_benchmarks_scored_in_one_run_only(
    tmp_path, monkeypatch, k2_plugin, toy, toy_data
):
    k2_plugin(BarePlugin)
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{2}</answer>"))
    data = toy_data({"p1": "1", "p2": "2"})
    a = tmp_path / "a"
    args = ["--backend", "fake", "--n", "1", "--data", f"toy={data}", "-o", str(a)]
    assert CliRunner().invoke(cli, ["eval", "bare,toy", *args]).exit_code == 0
    b = run_eval(tmp_path, monkeypatch, "b", "bare")
    result = CliRunner().invoke(cli, ["eval-compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("bare")
    assert f"toy: scored only in {a} (not in {b})" in result.output
    shown = json.loads(CliRunner().invoke(cli, ["eval-compare", str(a), str(b), "--json"]).output)
    assert [d["benchmark"] for d in shown["deltas"]] == ["bare"] and len(shown["unmatched"]) == 1


def test_eval_says_what_it_runs_first_and_a_resume_with_nothing_left_says_so(
    tmp_path, monkeypatch, k2_plugin
):
    k2_plugin(BarePlugin)
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{2}</answer>"))
    args = ["eval", "bare", "--backend", "fake", "--n", "2", "-o", str(tmp_path / "run")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "eval: running 6 samples..." in first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "eval: nothing left to run (6 already in the run folder)" in again.output
    assert "eval 0/0" not in again.output


def test_eval_backend_options_reach_the_backend_and_are_checked(tmp_path, monkeypatch, k2_plugin):
    k2_plugin(BarePlugin)
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{2}</answer>"))
    args = ["eval", "bare", "--backend", "fake", "--n", "1", "-o", str(tmp_path / "run")]
    ok = CliRunner().invoke(cli, [*args, "--backend-option", "latency=0"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(cli, [*args, "--backend-option", "latency"])
    assert bad.exit_code != 0 and "not KEY=VALUE" in bad.output


def test_eval_json_prints_the_summary(tmp_path, monkeypatch, k2_plugin):
    k2_plugin(BarePlugin)
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps("<answer>\\boxed{2}</answer>"))
    args = ["eval", "bare", "--backend", "fake", "--n", "1", "-o", str(tmp_path), "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = result.stdout  # click < 8.2 mixes stderr's progress lines in: read the JSON object
    summary, _ = json.JSONDecoder().raw_decode(text[text.index("{") :])
    assert summary["benchmarks"]["bare"]["avg@n"] == pytest.approx(100 / 3)
