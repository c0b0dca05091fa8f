"""k2-train under `accelerate launch --num_processes 2` on CPU (DDP over gloo), against one process.

The model is a 2-layer, 64-wide copy of the embedded model's architecture and tokenizer with random
weights (3M parameters), so each run takes seconds. One process with a per-device batch of 2 and two
processes with 1 each see the same global batch, so their logged losses must agree.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A randomly initialised, tiny SmolLM2-shaped model folder with the embedded tokenizer."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from k2_core.models import embedded_model_dir

    source = embedded_model_dir()
    config = AutoConfig.from_pretrained(source)
    config.update(
        {
            "num_hidden_layers": 2,
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
        }
    )
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-model")
    AutoModelForCausalLM.from_config(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(source).save_pretrained(folder)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(processes: int, *command: str) -> str:
    """Run `python -m k2_train ...` (or a script) under accelerate; returns stdout and stderr."""
    accelerate = [sys.executable, "-m", "accelerate.commands.launch"]
    flags = ["--num_processes", str(processes), "--num_machines", "1", "--mixed_precision", "no"]
    flags += ["--dynamo_backend", "no", "--main_process_port", str(free_port())]
    if processes > 1:
        flags.append("--multi_gpu")  # torchrun; without a GPU k2 trains with DDP over gloo
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [*accelerate, *flags, *command], capture_output=True, text=True, env=env, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return output


def recipe(tmp_path: Path, name: str, section: str, **settings) -> Path:
    """A recipe file extending `tiny` with `settings` (numbers or TOML text) in `[section]`."""
    lines = [f'name = "{name}"', 'extends = "tiny"', f"[{section}]"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    path = tmp_path / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def log_history(folder: Path) -> list[dict]:
    return json.loads((folder / "trainer_state.json").read_text())["log_history"]


def test_sft_on_two_processes_matches_one_and_only_rank_zero_reports(tmp_path, tiny_model):
    from transformers import AutoModelForCausalLM

    runs = {}
    for processes, per_device in ((1, 2), (2, 1)):
        path = recipe(tmp_path, f"sft-{processes}", "sft", per_device_train_batch_size=per_device)
        output = tmp_path / f"out-{processes}"
        args = ["-m", "k2_train", "sft", "--recipe", str(path), "--model", str(tiny_model)]
        runs[processes] = (launch(processes, *args, "--output", str(output)), output)

    (_, one), (text, two) = runs[1], runs[2]
    single, double = log_history(one / "checkpoint-4"), log_history(two / "checkpoint-4")
    losses = [
        [entry["loss"] for entry in history if "loss" in entry] for history in (single, double)
    ]
    assert len(losses[0]) == 4 and losses[1] == pytest.approx(losses[0], rel=1e-5)
    tokens = [
        [entry["num_tokens"] for entry in history if "loss" in entry]
        for history in (single, double)
    ]
    assert tokens[0] == tokens[1]  # both processes' tokens are counted, not rank 0's alone

    assert "2 processes and no GPU: DDP on CPU" in text
    assert text.count("k2: 16 rows of am-thinking") == 1  # rank 1 reports warnings only
    assert text.count("model saved to") == 1
    assert (two / "checkpoint-4" / "rng_state_1.pth").exists()  # rank 1 did train

    trained = AutoModelForCausalLM.from_pretrained(two)  # the saved model loads back
    reference = AutoModelForCausalLM.from_pretrained(one)
    for (name, weight), (_, expected) in zip(
        trained.state_dict().items(), reference.state_dict().items(), strict=True
    ):
        assert weight.allclose(expected, atol=1e-5), name


GRPO_SCRIPT = """
import sys

from k2_core.recipes import load_recipe
from k2_train.grpo import run_grpo, verifier_rewards


def truth_reward(prompts, completions, ground_truth, **columns):
    # depends on the prompt only, so the logged mean is right only if every rank's rows are in it
    return [int(truth) / 20 for truth in ground_truth]


recipe = load_recipe(sys.argv[1]).override("model", model=sys.argv[2])
run_grpo(recipe, sys.argv[3], reward_funcs=[truth_reward, *verifier_rewards(recipe)])
"""


def test_grpo_on_two_processes_logs_the_rewards_of_every_process(tmp_path, tiny_model):
    """Greedy generation makes rollouts the same in both runs; each step has two prompts."""
    script = tmp_path / "grpo.py"
    script.write_text(GRPO_SCRIPT)
    histories = []
    for processes, per_device in ((1, 4), (2, 2)):
        path = recipe(
            tmp_path,
            f"grpo-{processes}",
            "grpo",
            per_device_train_batch_size=per_device,
            num_generations=2,
            generation_kwargs="{ do_sample = false }",
        )
        output = tmp_path / f"grpo-{processes}"
        launch(processes, str(script), str(path), str(tiny_model), str(output))
        histories.append(log_history(output / "checkpoint-2"))

    def logged(history, key):
        return [entry[key] for entry in history if key in entry]

    single, double = histories
    rewards = logged(single, "rewards/truth_reward/mean")
    assert len(rewards) == 2 and all(reward > 0 for reward in rewards)
    # two prompts with different answers in a step: a mean of rank 0's rows alone would differ
    assert any(spread > 0 for spread in logged(single, "rewards/truth_reward/std"))
    assert logged(double, "rewards/truth_reward/mean") == pytest.approx(rewards, rel=1e-6)
    for key in ("rewards/k2_verify/mean", "rewards/k2_format/mean", "num_tokens", "loss"):
        assert logged(double, key) == pytest.approx(logged(single, key), abs=1e-6), key
