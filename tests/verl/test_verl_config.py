"""`k2-train export-verl` output, composed by hydra against verl 0.9.1's packaged `ppo_trainer` config
and checked by verl's own `validate_config`, as `python -m verl.trainer.main_ppo` does first."""

from __future__ import annotations

import pytest

from k2_core.recipes import load_recipe
from k2_train.verl_export import export_verl

pytestmark = pytest.mark.verl


def composed(folder, overrides=()):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(folder), version_base=None):
        return compose("k2_grpo", overrides=list(overrides))


@pytest.mark.parametrize("name", ["k2-think-grpo", "tiny"])
def test_verl_composes_and_validates_the_exported_config(tmp_path, name):
    from verl.trainer.ppo.utils import need_critic, need_reference_policy
    from verl.utils.config import validate_config

    recipe = load_recipe(name).override("data", source="tiny")
    train_file, _ = export_verl(recipe, tmp_path)
    config = composed(tmp_path)
    grpo = recipe.section("grpo")
    assert config.algorithm.adv_estimator == "grpo"
    assert config.actor_rollout_ref.rollout.n == grpo["num_generations"]
    assert config.actor_rollout_ref.actor.kl_loss_coef == grpo["beta"]
    assert config.data.train_files == str(train_file)
    assert config.reward.custom_reward_function.path == "pkg://k2_verify/verl"
    assert config.reward.reward_manager.name == "naive"  # verl's default, kept
    assert not need_critic(config)  # GRPO: no critic
    validate_config(
        config=config,
        use_reference_policy=need_reference_policy(config),
        use_critic=need_critic(config),
    )  # raises on any inconsistency (batch sizes, micro batches, ...)


def test_the_reward_options_go_where_verl_reads_them(tmp_path):
    from verl.trainer.ppo.reward import get_custom_reward_fn

    export_verl(load_recipe("tiny").override("data", source="tiny"), tmp_path)
    config = composed(tmp_path, ["+reward.custom_reward_function.reward_kwargs.timeout=5"])
    reward = get_custom_reward_fn(config)  # verl's loader: pkg://k2_verify/verl, compute_score
    assert reward.args[1] == {"timeout": 5}  # merged into every call
    right = reward(data_source="math__tiny", solution_str="<answer>12</answer>", ground_truth="12")
    assert right["score"] == 1.0 and right["acc"] is True


def test_a_key_verl_does_not_have_fails_to_compose(tmp_path):
    from hydra.errors import ConfigCompositionException

    export_verl(load_recipe("tiny").override("data", source="tiny"), tmp_path)
    with pytest.raises(ConfigCompositionException):
        composed(tmp_path, ["actor_rollout_ref.rollout.nn=8"])  # verl's config is a struct
