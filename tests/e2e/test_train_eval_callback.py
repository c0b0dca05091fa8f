"""`k2-train sft --eval-benchmark` evaluates each saved checkpoint with k2-infer's harness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from k2_train.cli import cli as train_cli
from k2_train.eval_callback import CheckpointEval

pytestmark = pytest.mark.slow

AIME24 = Path("/work/shared/benchmarks/aime_2024/QwenLM__Qwen2.5-Math/test.jsonl")


@pytest.mark.skipif(not AIME24.exists(), reason="the shared AIME 2024 file is not on this machine")
def test_each_checkpoint_is_evaluated_and_its_avg_at_n_logged(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    output = tmp_path / "sft"
    trained = CliRunner().invoke(
        train_cli,
        [
            "sft", "--recipe", "tiny", "--max-steps", "2", "--output", str(output),
            "--eval-benchmark", "aime24", "--eval-data", str(AIME24),
            "--eval-n", "1", "--eval-limit", "1", "--eval-max-tokens", "8",
        ],
        catch_exceptions=False,
    )  # fmt: skip
    assert trained.exit_code == 0, trained.output

    run = output / "eval" / "checkpoint-2"  # the tiny recipe saves every 2 steps
    [sample] = [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines()]
    assert sample["benchmark"] == "aime24" and sample["status"] == "ok"
    assert sample["completion_tokens"] <= 8
    summary = json.loads((run / "summary.json").read_text())
    assert summary["settings"]["model"] == str(output / "checkpoint-2")
    assert summary["settings"]["backend"] == "transformers"
    score = summary["benchmarks"]["aime24"]["avg@n"]

    state = json.loads((output / "checkpoint-2" / "trainer_state.json").read_text())
    history = state["log_history"]
    assert any("loss" in entry for entry in history)  # the training metrics it is logged beside
    assert {"eval/aime24/avg@n": score, "step": 2}.items() <= history[-1].items()


def test_checkpoint_settings_come_from_the_recipe_with_the_callback_flags(tmp_path):
    callback = CheckpointEval("aime24", n=2, limit=3, max_tokens=64, data="aime.jsonl")
    settings = callback.settings(tmp_path / "checkpoint-4", tmp_path / "eval")
    assert (settings.backend, settings.model) == ("transformers", str(tmp_path / "checkpoint-4"))
    assert settings.benchmarks == ["aime24"] and settings.data == {"aime24": "aime.jsonl"}
    assert (settings.n, settings.limit, settings.concurrency, settings.retries) == (2, 3, 1, 0)
    assert settings.sampling.max_tokens == 64 and settings.sampling.stop == ["</answer>"]
    assert settings.allow_partial and settings.pipeline == "plain"
