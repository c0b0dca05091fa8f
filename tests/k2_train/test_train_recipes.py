"""The recipes: registered, the K2 report's settings, and every trainer key a real TRL config field."""

from __future__ import annotations

import pytest
from trl import GRPOConfig, SFTConfig

from k2_core import RecipeError
from k2_core.recipes import load_recipe
from k2_core.registry import get_registry
from k2_train.training import trainer_config


def test_the_recipes_and_datasets_are_registered():
    registry = get_registry()
    assert {"k2-think-sft", "k2-think-grpo", "tiny"} <= set(registry.names("recipe"))
    assert {"am-thinking", "guru"} <= set(registry.names("dataset"))
    assert registry.entry("recipe", "tiny").plugin == "k2_train"


def test_k2_think_sft_holds_the_report_settings(tmp_path):
    recipe = load_recipe("k2-think-sft")
    assert recipe.section("sft")["bf16"] is True
    config = trainer_config(SFTConfig, recipe.override("sft", bf16=False), "sft", tmp_path)
    assert config.max_length == 32768 and config.packing
    assert config.assistant_only_loss
    assert config.learning_rate == 1e-4 and config.warmup_steps == 0.05
    assert config.lr_scheduler_type.value == "cosine"
    assert config.num_train_epochs == 2 and config.per_device_train_batch_size == 2


@pytest.mark.parametrize(
    ("name", "section", "config_class"),
    [
        ("k2-think-sft", "sft", SFTConfig),
        ("k2-think-grpo", "grpo", GRPOConfig),
        ("tiny", "sft", SFTConfig),
        ("tiny", "grpo", GRPOConfig),
    ],
)
def test_every_recipe_builds_its_trl_config(tmp_path, name, section, config_class):
    recipe = load_recipe(name).override(section, bf16=False, use_vllm=None)
    config = trainer_config(config_class, recipe, section, tmp_path)
    for key, value in recipe.section(section).items():
        if key not in (
            "lr_scheduler_type",
            "report_to",
        ):  # TRL turns these into enums / lists
            assert getattr(config, key) == value, key


def test_an_unknown_trainer_key_is_a_recipe_error(tmp_path):
    recipe = load_recipe("tiny")
    recipe.sections["sft"]["learning_rat"] = 1.0
    with pytest.raises(RecipeError, match="learning_rat"):
        trainer_config(SFTConfig, recipe, "sft", tmp_path)


def test_a_misspelled_override_is_refused():
    with pytest.raises(RecipeError, match="max_stepz"):
        load_recipe("tiny").override("sft", max_stepz=3)


def test_settings_trl_refuses_are_a_recipe_error(tmp_path):
    recipe = load_recipe("tiny").override("grpo", num_generations=3, per_device_train_batch_size=4)
    with pytest.raises(RecipeError, match="TRL refused recipe 'tiny' \\[grpo\\]"):
        trainer_config(GRPOConfig, recipe, "grpo", tmp_path)
