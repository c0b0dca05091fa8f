import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from k2_infer.cli import cli
from k2_infer.testing import ScriptedOpenAIServer

HERE = Path(__file__).parent

# Runs `k2-infer` with the toy plugin registered, in a fresh process (for kill -9 tests).
LAUNCHER = (
    f"import sys; sys.path.insert(0, {str(HERE)!r}); import eval_toy_plugin; "
    "from k2_core.plugins import register_plugin; register_plugin(eval_toy_plugin, name='toy'); "
    "from k2_infer.cli import main; sys.argv = ['k2-infer', *sys.argv[1:]]; main()"
)


def load_toy_plugin():
    spec = importlib.util.spec_from_file_location("eval_toy_plugin", HERE / "eval_toy_plugin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def toy(k2_plugin):
    """Registers the toy benchmark and exact verifier for one test."""
    k2_plugin(load_toy_plugin(), name="toy")


@pytest.fixture
def toy_data(tmp_path):
    """A function writing toy rows `{id: answer}` to a JSONL file; returns its path."""

    def write(answers: dict[str, str]) -> Path:
        path = tmp_path / "toy.jsonl"
        rows = [
            {"id": pid, "problem": f"question {pid}", "answer": a} for pid, a in answers.items()
        ]
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        return path

    return write


@pytest.fixture
def launcher():
    return [sys.executable, "-c", LAUNCHER]


# Shard and Ray tests: toy answers, and a scripted server whose replies depend on the request only.
TRUTH = {f"p{i}": str(i % 3) for i in range(10)}


def reply(body):
    """Right for some (problem, run) pairs and wrong for others, decided by the request alone."""
    problem = int(body["messages"][-1]["content"].split("p")[-1])
    return f"<answer>{(problem + body['seed']) % 3 if body['seed'] % 2 else problem % 3}</answer>"


@pytest.fixture
def server():
    with ScriptedOpenAIServer(reply) as server:
        yield server


def eval_args(data, out, server, *extra):
    return [
        "eval",
        "toy",
        "--backend",
        "openai",
        "--base-url",
        server.base_url,
        "--model",
        "m",
        "--n",
        "4",
        "--data",
        str(data),
        "-o",
        str(out),
        *extra,
    ]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def outcome(folder):
    """What each sample said and scored, by (problem, run): what must not depend on sharding."""
    return {
        (s["problem_id"], s["run"]): (s["response"], s["correct"], s["problem_digest"])
        for s in lines(folder / "samples.jsonl")
    }
