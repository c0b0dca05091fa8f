"""What `sft` and `grpo` share: the model to start from, the rows to train on, the TRL config.

A recipe (`k2_core.recipes`) has a `[model]` section, a `[data]` section and one trainer section
(`[sft]`, `[grpo]`) whose keys are fields of TRL's `SFTConfig` / `GRPOConfig`, passed through as
written; CLI flags override them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from k2_core import InputError, RecipeError
from k2_core.recipes import Recipe
from k2_core.registry import get_registry

log = logging.getLogger("k2.train.training")

CHAT_TEMPLATE = Path(__file__).parent / "chatml_training.jinja"


def model_path(name: str | None) -> str:
    """The model to train: a hub id or folder, or the embedded SmolLM2-135M-Instruct when empty."""
    if name:
        return name
    from k2_core.models import embedded_model_dir

    return str(embedded_model_dir())


def chatml_tokenizer(model: str):
    """The model's tokenizer with the K2 ChatML training template (assistant turns marked for the loss)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    vocabulary = tokenizer.get_vocab()
    missing = [token for token in ("<|im_start|>", "<|im_end|>") if token not in vocabulary]
    if missing:
        raise InputError(
            f"the tokenizer of {model!r} has no ChatML token {missing[0]}",
            "use a model whose tokenizer has ChatML tokens (Qwen2.5, SmolLM2, ...)",
        )
    tokenizer.chat_template = CHAT_TEMPLATE.read_text(encoding="utf-8")
    tokenizer.eos_token = "<|im_end|>"  # an assistant turn ends here: generation must stop here
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def iter_rows(recipe: Recipe, default_format: str) -> Iterator[dict[str, Any]]:
    """The rows the recipe's `[data]` section names, read through the registered dataset format."""
    data = recipe.section("data")
    options = dict(data.get("options") or {})  # the format's own settings, e.g. Guru's `domains`
    if data.get("system_prompt"):
        options["system_prompt"] = data["system_prompt"]
    dataset = get_registry().create("dataset", data.get("format") or default_format, **options)
    return iter(
        dataset.load(
            data.get("source") or None,
            skip_invalid=bool(data.get("skip_invalid")),
            limit=data.get("limit") or None,
        )
    )


def load_rows(recipe: Recipe, default_format: str) -> list[dict[str, Any]]:
    """All rows of `iter_rows`; none at all is an error."""
    rows = list(iter_rows(recipe, default_format))
    format_name = recipe.section("data").get("format") or default_format
    if not rows:
        raise InputError(f"dataset {format_name!r} gave no rows", "check --dataset")
    log.info("%d rows of %s", len(rows), format_name)
    return rows


def world_size() -> int:
    """How many processes train together: `WORLD_SIZE`, set by `accelerate launch` / torchrun."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def main_process() -> bool:
    """True in a single-process run and in the first process (rank 0) of a multi-process one."""
    return int(os.environ.get("RANK", "0")) == 0


def several_processes_without_gpu() -> bool:
    """True when launched as several processes on a machine with no GPU (or other accelerator).

    transformers then runs every process as a separate single-process training (each on all the data,
    all writing one folder) unless `use_cpu` is set, which gives DDP over gloo instead.
    """
    import torch

    accelerator = getattr(torch, "accelerator", None)  # torch >= 2.6; older: CUDA only
    has_gpu = accelerator.is_available() if accelerator else torch.cuda.is_available()
    return world_size() > 1 and not has_gpu


def trainer_config(config_class: type, recipe: Recipe, section: str, output_dir: str | Path):
    """A TRL config (`SFTConfig`, `GRPOConfig`) from one recipe section; unknown keys are an error.

    Launched as several processes on CPUs only, `use_cpu` defaults to true (DDP over gloo).
    """
    settings = recipe.section(section)
    known = {field.name for field in dataclasses.fields(config_class)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise RecipeError(
            f"recipe {recipe.name!r} [{section}] has {unknown[0]!r}, not a {config_class.__name__} field",
            "fix the recipe; its keys are passed to TRL as written",
        )
    if "use_cpu" not in settings and several_processes_without_gpu():
        log.info("%d processes and no GPU: DDP on CPU (use_cpu = true)", world_size())
        settings["use_cpu"] = True
        if os.environ.get("ACCELERATE_USE_FSDP", "").lower() == "true":
            # accelerate turns FSDP on for GPU-like devices only; on CPUs the model is replicated
            log.warning("FSDP needs GPUs under accelerate: this CPU run is DDP (no sharding)")
    try:
        return config_class(output_dir=str(output_dir), **settings)
    except ValueError as exc:  # TRL/transformers check combinations, e.g. bf16 without a GPU
        reason = str(exc).splitlines()[0]
        raise RecipeError(
            f"TRL refused recipe {recipe.name!r} [{section}]: {reason}",
            "change that setting in the recipe (bf16 = false on machines without a GPU)",
        ) from None


def last_checkpoint(output_dir: str | Path) -> str | None:
    """The newest `checkpoint-N` folder in `output_dir`, to resume from, or None."""
    from transformers.trainer_utils import get_last_checkpoint

    output_dir = Path(output_dir)
    return get_last_checkpoint(str(output_dir)) if output_dir.is_dir() else None


def train_and_save(trainer, output_dir: str | Path) -> Path:
    """Train, resuming from the last checkpoint in `output_dir`, then save the final model there.

    The model and its tokenizer land in `output_dir` itself, generation set to stop at the end of an
    assistant turn (`<|im_end|>`), so `k2-infer --backend transformers --model DIR` loads it as is.
    """
    resume = last_checkpoint(output_dir)
    if resume:
        log.info("resuming from %s", resume)
    trainer.train(resume_from_checkpoint=resume)
    tokenizer = trainer.processing_class
    trainer.model.generation_config.eos_token_id = tokenizer.eos_token_id
    trainer.save_model(str(output_dir))
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(str(output_dir))
    return Path(output_dir)
