"""Tiny SFT end to end on the embedded model: assistant-only loss, checkpoints, resume."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_train.am_thinking import AmThinkingDataset
from k2_train.cli import cli
from k2_train.training import chatml_tokenizer, model_path

pytestmark = pytest.mark.slow


def test_only_assistant_turns_carry_the_loss():
    tokenizer = chatml_tokenizer(model_path(""))
    [row] = AmThinkingDataset().load("tiny", limit=1)
    encoded = tokenizer.apply_chat_template(
        row["messages"], return_dict=True, return_assistant_tokens_mask=True
    )
    ids, mask = encoded["input_ids"], encoded["assistant_masks"]
    trained = tokenizer.decode([i for i, m in zip(ids, mask, strict=True) if m])
    assert trained == row["messages"][-1]["content"] + "<|im_end|>"
    assert row["messages"][0]["content"] in tokenizer.decode(ids)  # the system prompt is there


def state(folder):
    return json.loads((folder / "trainer_state.json").read_text())


def test_tiny_sft_trains_saves_and_resumes(tmp_path):
    output = tmp_path / "sft"
    runner = CliRunner()
    args = ["sft", "--recipe", "tiny", "--output", str(output)]
    first = runner.invoke(cli, [*args, "--max-steps", "2"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert (output / "config.json").exists() and (output / "model.safetensors").exists()
    [loss] = [e["loss"] for e in state(output / "checkpoint-2")["log_history"] if e["step"] == 2]
    assert 0 < loss < 10

    second = runner.invoke(cli, [*args, "--max-steps", "4"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert f"resuming from {output / 'checkpoint-2'}" in second.output
    steps = [e["step"] for e in state(output / "checkpoint-4")["log_history"] if "loss" in e]
    assert steps == [1, 2, 3, 4]  # steps 1-2 come from the first run, not trained again
    saved = (output / "chat_template.jinja").read_text()
    assert "{%- generation %}" in saved  # the K2 ChatML template travels with the checkpoint
