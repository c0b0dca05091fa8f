"""GRPO with vLLM rollouts: the TRL config k2 builds, and a clear error where vLLM is missing.

The rollouts themselves need vLLM 0.22-0.31 on GPUs (TRL 1.16 sends weights over NCCL).
"""

from __future__ import annotations

from importlib.util import find_spec

import pytest
from click.testing import CliRunner
from trl import GRPOConfig

from k2_core.recipes import load_recipe
from k2_train import grpo
from k2_train.cli import cli
from k2_train.grpo import with_vllm_server
from k2_train.training import trainer_config

URL = "http://127.0.0.1:8000"


def test_server_mode_reaches_trls_config(tmp_path):
    recipe = with_vllm_server(load_recipe("tiny"), URL)
    config = trainer_config(GRPOConfig, recipe, "grpo", tmp_path)
    assert (config.use_vllm, config.vllm_mode, config.vllm_server_base_url) == (True, "server", URL)
    assert config.num_generations == load_recipe("tiny").section("grpo")["num_generations"]


def test_colocate_mode_is_the_recipes_default(tmp_path):
    recipe = load_recipe("tiny").override("grpo", use_vllm=True)
    config = trainer_config(GRPOConfig, recipe, "grpo", tmp_path)
    assert (config.use_vllm, config.vllm_mode) == (True, "colocate")


@pytest.mark.parametrize("flags", [["--use-vllm"], ["--vllm-server", URL]])
def test_without_vllm_the_run_stops_in_one_line_before_loading_a_model(
    tmp_path, flags, monkeypatch
):
    monkeypatch.setattr(
        grpo, "find_spec", lambda name, *a: None if name == "vllm" else find_spec(name, *a)
    )
    args = ["grpo", "--recipe", "tiny", *flags, "--output", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "GRPO with use_vllm needs vLLM" in result.output and "trl[vllm]" in result.output
    assert not (tmp_path / "out").exists()
