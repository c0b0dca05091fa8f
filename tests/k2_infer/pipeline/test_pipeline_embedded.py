"""`k2-infer solve` on the embedded SmolLM2-135M, offline, in a subprocess: the README's main job."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_solve_runs_the_embedded_model_offline():
    command = [str(Path(sys.executable).with_name("k2-infer")), "solve", "What is 2 + 2?"]
    options = ["--n", "2", "--max-tokens", "16", "--planner", "none", "--json"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        command + options, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert "[k2] recipe k2-think-embedded" in done.stderr, "no model given: the embedded recipe"
    assert "candidate 2 finished" in done.stderr and "selected candidate" in done.stderr
    assert len(result["candidates"]) == 2
    for candidate in result["candidates"]:
        completion = candidate["completion"]
        assert completion["backend"] == "transformers"
        assert 0 < completion["usage"]["completion_tokens"] <= 16
    assert result["usage"]["solver"]["completion_tokens"] > 0
    assert result["selection"]["index"] in (0, 1)
    chosen = result["candidates"][result["selection"]["index"]]["completion"]["text"]
    assert result["text"] == chosen
