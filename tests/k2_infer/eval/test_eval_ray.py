"""`k2-infer eval --ray`: the samples as Ray tasks on a local cluster (2 CPUs, no dashboard), each task
with its own backend, every sample streamed into the driver's one log."""

import json
import os
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from k2_infer.cli import cli
from k2_infer.eval.harness import EvalSettings, run_eval
from k2_infer.eval.ray_runner import RayRunner
from k2_infer.testing import Reply, ScriptedOpenAIServer

from .conftest import TRUTH, eval_args, lines, outcome, reply

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={  # the toy plugin in every worker
            "env_vars": {"PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])},
            "worker_process_setup_hook": "eval_toy_plugin.register_in_worker",
        },
    )
    yield ray
    ray.shutdown()


class Watched(ScriptedOpenAIServer):
    """Remembers the most requests it answered at once."""

    def __init__(self, **options):
        super().__init__(self.answer, **options)
        self.most = 0
        self.lock = threading.Lock()

    def answer(self, body):
        with self.lock:
            self.most = max(self.most, self.in_flight + 1)  # counted in flight after the script
        return reply(body)


@pytest.mark.slow
def test_ray_tasks_stream_into_one_log_like_an_unsharded_run(ray_cluster, tmp_path, toy, toy_data):
    data = toy_data(TRUTH)
    with Watched(delay=0.1) as server:
        assert CliRunner().invoke(cli, eval_args(data, tmp_path / "whole", server)).exit_code == 0
        out = tmp_path / "ray"
        args = eval_args(data, out, server, "-c", "1", "--ray", "--ray-tasks", "2")
        server.most = 0
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert server.most == 2  # two tasks, each with its own backend capped at -c 1
    assert outcome(out) == outcome(tmp_path / "whole")
    assert len(lines(out / "samples.jsonl")) == 40
    summary = json.loads((out / "summary.json").read_text())["benchmarks"]["toy"]
    expected = json.loads((tmp_path / "whole" / "summary.json").read_text())["benchmarks"]["toy"]
    assert summary == expected


@pytest.mark.slow
def test_a_ray_run_resumes_from_the_driver_log(ray_cluster, tmp_path, toy, toy_data):
    data = toy_data(TRUTH)
    with ScriptedOpenAIServer(reply) as server:
        settings = EvalSettings.from_recipe(
            "k2-think",
            benchmarks=["toy"],
            output=tmp_path / "run",
            backend="openai",
            base_url=server.base_url,
            model="m",
            n=2,
            data={"toy": str(data)},
        )
        run_eval(settings, runner=RayRunner(tasks=3))
        assert server.call_count == 20
        settings.n = 3
        summary = run_eval(settings, runner=RayRunner(tasks=3))
        assert server.call_count == 30  # only the new run was sampled
    assert summary.benchmarks["toy"].status == "complete"
    assert len(lines(tmp_path / "run" / "samples.jsonl")) == 30


@pytest.mark.slow
def test_a_failure_in_a_task_is_one_line_in_the_driver(ray_cluster, tmp_path, toy, toy_data):
    with ScriptedOpenAIServer(Reply(status=401, error="bad key")) as server:
        args = eval_args(toy_data(TRUTH), tmp_path / "run", server, "--ray", "--ray-tasks", "2")
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "401" in result.output or "bad key" in result.output
    assert "Traceback" not in result.output and "RayTaskError" not in result.output


def test_ray_missing_says_how_to_install_it(tmp_path, toy, toy_data, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    with ScriptedOpenAIServer(reply) as server:
        result = CliRunner().invoke(cli, eval_args(toy_data(TRUTH), tmp_path, server, "--ray"))
    assert result.exit_code == 1
    assert "--ray needs Ray, which is not installed" in result.output
    assert "pip install 'k2-infer[ray]'" in result.output
    assert not (tmp_path / "run.json").exists()  # nothing was started


def test_ray_flags_do_not_mix_with_shard(tmp_path, toy, toy_data):
    with ScriptedOpenAIServer(reply) as server:
        args = eval_args(toy_data(TRUTH), tmp_path, server, "--ray", "--shard", "1/2")
        assert "leave out --shard" in CliRunner().invoke(cli, args).output
        args = eval_args(toy_data(TRUTH), tmp_path, server, "--ray-tasks", "2")
        assert "go with --ray" in CliRunner().invoke(cli, args).output
