"""A tiny SFT checkpoint loads into k2-infer's transformers backend and solves through the pipeline."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_infer.cli import cli as infer_cli
from k2_train.cli import cli as train_cli

pytestmark = pytest.mark.slow


def test_a_tiny_sft_checkpoint_solves_through_k2_infer(tmp_path):
    model = tmp_path / "sft"
    trained = CliRunner().invoke(
        train_cli,
        ["sft", "--recipe", "tiny", "--max-steps", "2", "--output", str(model)],
        catch_exceptions=False,
    )
    assert trained.exit_code == 0, trained.output

    solved = CliRunner().invoke(
        infer_cli,
        [
            "solve", "What is 2 + 3?", "--backend", "transformers", "--model", str(model),
            "--n", "1", "--planner", "none", "--selector", "first", "--max-tokens", "24", "--json",
        ],
        catch_exceptions=False,
    )  # fmt: skip
    assert solved.exit_code == 0, solved.output
    result = json.loads(solved.stdout)
    [candidate] = result["candidates"]
    assert candidate["completion"]["model"] == str(model)
    assert candidate["completion"]["backend"] == "transformers"
    assert candidate["completion"]["usage"]["completion_tokens"] > 0
    assert result["text"] == candidate["completion"]["text"]
