"""`export-verl`: verl RL parquet, and a config every key of which verl's own trainer config has."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from k2_core import InputError
from k2_core.recipes import load_recipe
from k2_train.verl_export import VERL_KEYS, check_keys, dotted_keys, export_verl

# verl 0.9.1's flattened default trainer config, copied verbatim (see data/SOURCE.txt).
VERL_DEFAULTS = Path(__file__).parent / "data" / "verl-0.9.1-ppo_trainer.yaml"


def verl_keys() -> set[str]:
    return dotted_keys(yaml.safe_load(VERL_DEFAULTS.read_text()))


def test_every_key_the_exporter_may_write_is_a_verl_key():
    assert VERL_KEYS <= verl_keys(), sorted(VERL_KEYS - verl_keys())


@pytest.fixture
def exported(tmp_path):
    recipe = load_recipe("tiny").override("data", source="tiny")
    return export_verl(recipe, tmp_path / "verl")


def test_the_config_extends_verl_and_uses_the_k2_reward(exported):
    _, config_file = exported
    config = yaml.safe_load(config_file.read_text())
    assert config["defaults"] == ["ppo_trainer", "_self_"]
    body = {k: v for k, v in config.items() if k not in ("hydra", "defaults")}
    assert dotted_keys(body) <= verl_keys()
    assert config["reward"]["custom_reward_function"] == {
        "path": "pkg://k2_verify/verl",
        "name": "compute_score",
    }
    assert config["algorithm"]["adv_estimator"] == "grpo"
    tiny = load_recipe("tiny").section("grpo")
    assert config["actor_rollout_ref"]["rollout"]["n"] == tiny["num_generations"]
    assert config["actor_rollout_ref"]["actor"]["kl_loss_coef"] == tiny["beta"]
    assert config["data"]["max_response_length"] == tiny["max_completion_length"]


def test_the_parquet_has_verls_rl_schema(exported):
    train_file, config_file = exported
    config = yaml.safe_load(config_file.read_text())
    assert Path(config["data"]["train_files"]) == train_file
    rows = pq.read_table(train_file).to_pylist()
    assert len(rows) == 16
    row = rows[0]
    assert set(row) == {
        "data_source",
        "prompt",
        "ability",
        "reward_model",
        "extra_info",
    }
    assert row["data_source"] == "math__tiny_sums" and row["ability"] == "math"
    assert row["prompt"][-1]["role"] == "user"
    assert row["reward_model"]["ground_truth"].isdigit()
    assert row["extra_info"]["index"] == 0  # verl's reward manager updates this dict


def test_a_key_verl_does_not_have_is_refused():
    with pytest.raises(InputError, match="actor_rollout_ref.rollout.nn"):
        check_keys({"actor_rollout_ref": {"rollout": {"nn": 8}}})


def test_verl_finds_and_calls_the_reward_the_way_it_loads_it(exported):
    """verl resolves `pkg://a/b` by importing `a.b`, then calls `name` per row with these keywords."""
    import importlib

    train_file, config_file = exported
    reward = yaml.safe_load(config_file.read_text())["reward"]["custom_reward_function"]
    module = importlib.import_module(reward["path"].removeprefix("pkg://").replace("/", "."))
    compute_score = getattr(module, reward["name"])
    row = pq.read_table(train_file).to_pylist()[0]
    truth = row["reward_model"]["ground_truth"]
    right, wrong = (
        compute_score(
            data_source=row["data_source"],
            solution_str=f"<think>adding</think> <answer>{answer}</answer>",
            ground_truth=truth,
            extra_info=row["extra_info"],
        )
        for answer in (truth, int(truth) + 1)
    )
    assert right["score"] == 1.0 and wrong["score"] == 0.0
