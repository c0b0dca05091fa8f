"""Under `accelerate launch --num_processes 2`, only rank 0 evaluates a checkpoint (k2-infer)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

AIME24 = Path("/work/shared/benchmarks/aime_2024/QwenLM__Qwen2.5-Math/test.jsonl")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not AIME24.exists(), reason="the shared AIME 2024 file is not on this machine")
def test_two_processes_evaluate_each_checkpoint_once_in_k2_infer(tmp_path):
    recipe = tmp_path / "two.toml"
    recipe.write_text('name = "two"\nextends = "tiny"\n[sft]\nper_device_train_batch_size = 1\n')
    output = tmp_path / "sft"
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu"]
    launch += ["--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no"]
    launch += ["--dynamo_backend", "no", "--main_process_port", str(free_port())]
    command = ["-m", "k2_train", "sft", "--recipe", str(recipe), "--max-steps", "2"]
    command += ["--output", str(output), "--eval-benchmark", "aime24", "--eval-data", str(AIME24)]
    command += ["--eval-n", "1", "--eval-limit", "1", "--eval-max-tokens", "8"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([*launch, *command], capture_output=True, text=True, env=env, timeout=900)
    text = done.stdout + done.stderr
    assert done.returncode == 0, text[-4000:]

    assert text.count("evaluating checkpoint-2 on aime24") == 1  # rank 1 did not evaluate
    samples = (output / "eval" / "checkpoint-2" / "samples.jsonl").read_text().splitlines()
    # the checkpoint of a two-process run loaded in k2-infer's transformers backend and answered
    assert len(samples) == 1 and json.loads(samples[0])["status"] == "ok"
    history = json.loads((output / "checkpoint-2" / "trainer_state.json").read_text())[
        "log_history"
    ]
    assert "eval/aime24/avg@n" in history[-1]
