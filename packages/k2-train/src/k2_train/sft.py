"""`k2-train sft`: long chain-of-thought SFT the K2 Think way on TRL's SFTTrainer.

The model learns the K2 format from `messages` rows (see `am_thinking`): ChatML with the K2 system
prompt, the loss on assistant tokens only (the template in `chatml_training.jinja` marks them), and
the recipe's packing, length and schedule. Checkpoints land in `output_dir/checkpoint-N`; a rerun with
the same output folder resumes from the last one. The final model and tokenizer are saved in
`output_dir` itself, ready for `k2-infer --backend transformers --model DIR`.
"""

from __future__ import annotations

from pathlib import Path

from k2_core.recipes import Recipe

from .training import (
    chatml_tokenizer,
    load_rows,
    model_path,
    train_and_save,
    trainer_config,
)


def run_sft(recipe: Recipe, output_dir: str | Path, callbacks: list | None = None) -> Path:
    """Train with the recipe's `[model]`, `[data]` and `[sft]` sections; returns the final model folder.

    `callbacks` are transformers `TrainerCallback`s (`eval_callback.CheckpointEval`, for one).
    """
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    config = trainer_config(SFTConfig, recipe, "sft", output_dir)
    model = model_path(recipe.section("model").get("model"))
    rows = load_rows(recipe, default_format="am-thinking")
    tokenizer = chatml_tokenizer(model)
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    return train_and_save(trainer, output_dir)
