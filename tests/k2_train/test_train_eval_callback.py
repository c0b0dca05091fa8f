"""The eval callback's flags and its error without k2-infer (no model is loaded here)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from k2_core import InputError, K2Error
from k2_train.cli import cli
from k2_train.eval_callback import CheckpointEval


@pytest.fixture
def without_k2_infer(monkeypatch):
    """Make `import k2_infer` fail, as in an environment where it is not installed."""
    for name in [n for n in sys.modules if n == "k2_infer" or n.startswith("k2_infer.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "k2_infer", None)


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_missing_k2_infer_says_how_to_install_it(without_k2_infer):
    with pytest.raises(K2Error, match=r"pip install 'k2-train\[eval\]'"):
        CheckpointEval("aime24")


@pytest.mark.parametrize("command", ["sft", "grpo"])
def test_the_cli_fails_in_one_line_before_training_without_k2_infer(
    command, tmp_path, without_k2_infer
):
    result = run(
        command, "--recipe", "tiny", "--eval-benchmark", "aime24", "--output", str(tmp_path)
    )
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "pip install 'k2-train[eval]'" in line
    assert not any(tmp_path.iterdir())  # nothing was trained


def test_eval_flags_without_a_benchmark_are_refused(tmp_path):
    result = run("sft", "--recipe", "tiny", "--eval-n", "2", "--output", str(tmp_path))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "--eval-benchmark" in line


@pytest.mark.parametrize("option", ["n", "limit", "max_tokens"])
def test_counts_must_be_positive(option):
    with pytest.raises(InputError, match="at least 1"):
        CheckpointEval("aime24", **{option: 0})
