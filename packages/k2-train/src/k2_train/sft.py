"""`k2-train sft`: long chain-of-thought SFT the K2 Think way on TRL's SFTTrainer.

The model learns the K2 format from `messages` rows (see `am_thinking`): ChatML with the K2 system
prompt, the loss on assistant tokens only (the template in `chatml_training.jinja` marks them), and
the recipe's packing, length and schedule. Checkpoints land in `output_dir/checkpoint-N`; a rerun with
the same output folder resumes from the last one. The final model and tokenizer are saved in
`output_dir` itself, ready for `k2-infer --backend transformers --model DIR`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from k2_core import InputError
from k2_core.recipes import Recipe

from .training import last_checkpoint, load_rows, model_path, trainer_config

CHAT_TEMPLATE = Path(__file__).parent / "chatml_training.jinja"


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


def run_sft(recipe: Recipe, output_dir: str | Path) -> Path:
    """Train with the recipe's `[model]`, `[data]` and `[sft]` sections; returns the final model folder."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    config = trainer_config(SFTConfig, recipe, "sft", output_dir)
    model = model_path(recipe.section("model").get("model"))
    rows = load_rows(recipe, default_format="am-thinking")
    tokenizer = chatml_tokenizer(model)
    trainer = SFTTrainer(
        model=model, args=config, train_dataset=Dataset.from_list(rows), processing_class=tokenizer
    )
    resume = last_checkpoint(output_dir)
    if resume:
        print(f"k2-train: resuming from {resume}", file=sys.stderr)
    trainer.train(resume_from_checkpoint=resume)
    trainer.save_model(str(output_dir))
    tokenizer.save_pretrained(str(output_dir))
    return Path(output_dir)
