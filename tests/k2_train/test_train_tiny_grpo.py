"""Tiny GRPO end to end on the embedded model, rewarded by k2-verify through the registry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_core import Verdict, hookimpl
from k2_core.recipes import load_recipe
from k2_train.cli import cli
from k2_train.grpo import verifier_rewards

pytestmark = pytest.mark.slow


def test_tiny_grpo_runs_with_the_verifier_and_format_rewards(tmp_path):
    output = tmp_path / "grpo"
    result = CliRunner().invoke(
        cli,
        ["grpo", "--recipe", "tiny", "--max-steps", "2", "--output", str(output)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (output / "model.safetensors").exists()
    logs = json.loads((output / "checkpoint-2" / "trainer_state.json").read_text())["log_history"]
    step = logs[0]
    assert {"rewards/k2_verify/mean", "rewards/k2_format/mean"} <= set(step)
    assert 0.0 <= step["rewards/k2_verify/mean"] <= 1.0


class Palindromes:
    name = "palindromes"
    needs_ground_truth = False

    def __init__(self, **options):  # factories take the verifier options (timeout, ...)
        self.options = options

    def verify(self, response, problem):
        word = response.strip().lower()
        good = bool(word) and word == word[::-1]
        return Verdict(score=float(good), correct=good, reason="palindrome" if good else "not")


class PalindromePlugin:
    @hookimpl
    def k2_register_verifiers(self, register):
        register("palindromes", Palindromes, data_sources=["words__palindrome"])


def test_a_verifier_plugin_becomes_a_reward_without_code(k2_plugin):
    """A plugin claiming a data_source prefix scores GRPO rows of that source (in-process here)."""
    k2_plugin(PalindromePlugin(), name="palindromes")
    recipe = load_recipe("tiny").override("rewards", format_reward=False)
    recipe.sections["rewards"]["workers"] = 0  # in-test plugins are seen in this process only
    [reward] = verifier_rewards(recipe)
    scores = reward(
        prompts=["p", "p"],
        completions=[[{"role": "assistant", "content": "level"}], "words"],
        ground_truth=["", ""],
        data_source=["words__palindrome", "words__palindrome"],
    )
    assert scores == [1.0, 0.0]
