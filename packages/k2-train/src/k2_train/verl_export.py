"""`k2-train export-verl`: GRPO data and a config for verl, with k2-verify as the reward.

verl (Ray, FSDP/Megatron, vLLM/SGLang rollouts) is how K2 Think ran RL at scale. This writes

- `train.parquet`: rows in verl's RL format (`data_source`, `prompt` chat messages, `ability`,
  `reward_model.ground_truth`, `extra_info`), read by verl's `RLHFDataset`;
- `k2_grpo.yaml`: a hydra config that extends verl's `ppo_trainer` with GRPO settings taken from a k2
  recipe, and whose `reward.custom_reward_function` points at `k2_verify.verl.compute_score`
  (`pkg://k2_verify/verl`, imported as a package so its own imports work).

Run it with `python -m verl.trainer.main_ppo --config-path DIR --config-name k2_grpo`.

The names are verl 0.9's: the reward lives under `reward.` (`reward.custom_reward_function`,
`reward.reward_manager.name`), not at the top level or under `reward_model.` as before 0.9. Every key
written is checked against `VERL_KEYS`: dotted paths of verl 0.9.1's flattened trainer config
(`verl/trainer/config/_generated_ppo_trainer.yaml`; a verbatim copy is in the k2 test data). In the
`verl` hatch environment, tests/verl composes the output with hydra against verl's packaged config
and runs verl's own `validate_config` on it (which needs the micro-batch sizes set here).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from k2_core import InputError
from k2_core.recipes import Recipe
from k2_core.results_log import staged, write_atomic

from .training import load_rows

log = logging.getLogger("k2.train.verl_export")

# verl 0.9.1, verl/trainer/config/_generated_ppo_trainer.yaml: the keys this exporter sets.
VERL_KEYS = frozenset(
    {
        "data.train_files",
        "data.val_files",
        "data.prompt_key",
        "data.max_prompt_length",
        "data.max_response_length",
        "data.train_batch_size",
        "data.filter_overlong_prompts",
        "data.truncation",
        "actor_rollout_ref.model.path",
        "actor_rollout_ref.actor.optim.lr",
        "actor_rollout_ref.actor.use_kl_loss",
        "actor_rollout_ref.actor.kl_loss_coef",
        "actor_rollout_ref.actor.ppo_mini_batch_size",
        "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu",
        "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu",
        "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu",
        "actor_rollout_ref.rollout.name",
        "actor_rollout_ref.rollout.n",
        "actor_rollout_ref.rollout.temperature",
        "actor_rollout_ref.rollout.top_p",
        "algorithm.adv_estimator",
        "algorithm.use_kl_in_reward",
        "reward.custom_reward_function.path",
        "reward.custom_reward_function.name",
        "trainer.total_epochs",
        "trainer.project_name",
        "trainer.experiment_name",
        "trainer.n_gpus_per_node",
        "trainer.nnodes",
        "trainer.default_local_dir",
    }
)
REWARD_MODULE = "pkg://k2_verify/verl"
REWARD_FUNCTION = "compute_score"


def verl_row(row: dict[str, Any], index: int) -> dict[str, Any]:
    """A k2 GRPO row (see `guru`) back in verl's RL parquet schema."""
    data_source = row["data_source"]
    return {
        "data_source": data_source,
        "prompt": row["prompt"],
        "ability": data_source.split("__")[0],
        "reward_model": {"style": "rule", "ground_truth": row["ground_truth"]},
        "extra_info": {**json.loads(row["extra_info"]), "index": index},
    }


def verl_config(recipe: Recipe, train_file: Path, output_dir: Path) -> dict[str, Any]:
    """The hydra config: verl's defaults, then the recipe's GRPO settings and the k2 reward."""
    grpo = recipe.section("grpo")
    model = recipe.section("model").get("model") or "Qwen/Qwen2.5-32B"
    per_gpu = grpo.get("per_device_train_batch_size", 8)  # sequences per forward pass on one GPU
    return {
        "hydra": {"searchpath": ["pkg://verl.trainer.config"]},
        "defaults": ["ppo_trainer", "_self_"],
        "data": {
            "train_files": str(train_file),
            "val_files": str(train_file),
            "prompt_key": "prompt",
            "max_prompt_length": 2048,
            "max_response_length": grpo.get("max_completion_length", 32768),
            "train_batch_size": per_gpu * grpo.get("gradient_accumulation_steps", 1),
            "filter_overlong_prompts": True,
            "truncation": "error",
        },
        "actor_rollout_ref": {
            "model": {"path": model},
            "actor": {
                "optim": {"lr": grpo.get("learning_rate", 1e-6)},
                "use_kl_loss": grpo.get("beta", 0.0) > 0,
                "kl_loss_coef": grpo.get("beta", 0.0),
                "ppo_mini_batch_size": per_gpu,
                "ppo_micro_batch_size_per_gpu": per_gpu,
            },
            "ref": {"log_prob_micro_batch_size_per_gpu": per_gpu},
            "rollout": {
                "name": "vllm",
                "log_prob_micro_batch_size_per_gpu": per_gpu,
                "n": grpo.get("num_generations", 8),
                "temperature": grpo.get("temperature", 1.0),
                "top_p": grpo.get("top_p", 1.0),
            },
        },
        "algorithm": {"adv_estimator": "grpo", "use_kl_in_reward": False},
        "reward": {"custom_reward_function": {"path": REWARD_MODULE, "name": REWARD_FUNCTION}},
        "trainer": {
            "total_epochs": grpo.get("num_train_epochs", 1),
            "project_name": "k2",
            "experiment_name": recipe.name,
            "n_gpus_per_node": 8,
            "nnodes": 1,
            "default_local_dir": str(output_dir / "checkpoints"),
        },
    }


def dotted_keys(config: dict[str, Any], prefix: str = "") -> set[str]:
    """`{"a": {"b": 1}}` -> `{"a.b"}`: the leaf keys of a nested config."""
    keys = set()
    for key, value in config.items():
        if isinstance(value, dict) and value:
            keys |= dotted_keys(value, f"{prefix}{key}.")
        else:
            keys.add(f"{prefix}{key}")
    return keys


def check_keys(config: dict[str, Any]) -> None:
    """Fail if the config sets a key verl does not have (`hydra` and `defaults` are hydra's own)."""
    body = {k: v for k, v in config.items() if k not in ("hydra", "defaults")}
    unknown = sorted(dotted_keys(body) - VERL_KEYS)
    if unknown:
        raise InputError(
            f"verl has no config key {unknown[0]!r}", "see VERL_KEYS in verl_export.py"
        )


def export_verl(recipe: Recipe, output_dir: str | Path) -> tuple[Path, Path]:
    """Write `train.parquet` and `k2_grpo.yaml` into `output_dir`; returns their paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import yaml

    output_dir = Path(output_dir).resolve()
    rows = [verl_row(row, index) for index, row in enumerate(load_rows(recipe, "guru"))]
    train_file = output_dir / "train.parquet"
    config = verl_config(recipe, train_file, output_dir)
    check_keys(config)
    with staged(train_file) as staging:  # each file whole or not at all
        pq.write_table(pa.Table.from_pylist(rows), staging)
    config_file = write_atomic(output_dir / "k2_grpo.yaml", yaml.safe_dump(config, sort_keys=False))
    log.info("wrote %d rows to %s", len(rows), train_file)
    return train_file, config_file
