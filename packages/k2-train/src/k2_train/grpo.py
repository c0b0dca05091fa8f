"""`k2-train grpo`: RL with verifiable rewards the K2 Think way, on TRL's GRPOTrainer.

Prompts come from a dataset with `data_source` and `ground_truth` columns (see `guru`). The rewards
are k2-verify's TRL reward functions: each completion is scored by the verifier that claims its
`data_source` in the registry, so a verifier plugin a user installs becomes a reward without code; a
format reward for `<think>…</think> <answer>…</answer>` is added when the recipe asks. `use_vllm`
generates the rollouts with vLLM (GPUs): `vllm_mode = "colocate"` inside the training processes, or
`"server"` from a running `trl vllm-serve` (`with_vllm_server`). TRL 1.16 supports vLLM 0.22-0.31 and
sends the new weights to a server over NCCL, so server mode needs GPUs on both sides. Checkpoints and
resuming work as in `sft`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

from k2_core import K2Error
from k2_core.recipes import Recipe

from .training import (
    chatml_tokenizer,
    load_rows,
    model_path,
    train_and_save,
    trainer_config,
)


def verifier_rewards(recipe: Recipe) -> list[Callable]:
    """TRL `reward_funcs` from k2-verify (`trl_reward`), with the recipe's `[rewards]` options.

    The overlong penalty, when `overlong_buffer` is set, counts against `[grpo] max_completion_length`.
    """
    from k2_verify.rewards import trl_reward

    options = recipe.section("rewards")
    if options.get("overlong_buffer"):
        options["max_completion_length"] = recipe.section("grpo")["max_completion_length"]
    return trl_reward(**options)


def with_vllm_server(recipe: Recipe, base_url: str) -> Recipe:
    """The recipe with rollouts from the `trl vllm-serve` server at `base_url` (TRL's server mode)."""
    grpo = {
        **recipe.section("grpo"),
        "use_vllm": True,
        "vllm_mode": "server",
        "vllm_server_base_url": base_url,
    }
    return Recipe(recipe.name, recipe.description, {**recipe.sections, "grpo": grpo}, recipe.source)


def require_vllm(config) -> None:
    """With `use_vllm`, fail before loading the model when vLLM is not installed."""
    if config.use_vllm and find_spec("vllm") is None:
        raise K2Error(
            "GRPO with use_vllm needs vLLM",
            "`pip install 'trl[vllm]'` (vLLM 0.22-0.31, on GPUs), or train without --use-vllm",
        )


def run_grpo(
    recipe: Recipe,
    output_dir: str | Path,
    reward_funcs: list[Callable] | None = None,
    callbacks: list | None = None,
) -> Path:
    """Train with the recipe's `[model]`, `[data]`, `[rewards]` and `[grpo]` sections.

    `reward_funcs` replaces the verifier rewards (TRL's signature:
    `f(prompts, completions, **columns) -> list[float]`); `callbacks` are transformers
    `TrainerCallback`s. Returns the final model folder.
    """
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    config = trainer_config(GRPOConfig, recipe, "grpo", output_dir)
    require_vllm(config)
    model = model_path(recipe.section("model").get("model"))
    rows = load_rows(recipe, default_format="guru")
    tokenizer = chatml_tokenizer(model)
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=reward_funcs if reward_funcs is not None else verifier_rewards(recipe),
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    return train_and_save(trainer, output_dir)
