import importlib.util
import json
import sys
from pathlib import Path

import pytest

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
