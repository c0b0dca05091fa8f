"""The embedded SmolLM2-135M, offline: the README's main job in a subprocess, and every pipeline stage."""

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from k2_core import Problem
from k2_core.recipes import load_recipe
from k2_core.registry import get_registry
from k2_core.replies import well_formed
from k2_infer.api import embedded_backend
from k2_infer.pipeline import Pipeline


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
        assert completion["backend"] == embedded_backend()  # llamacpp where installed
        assert 0 < completion["usage"]["completion_tokens"] <= 16
    assert result["usage"]["solver"]["completion_tokens"] > 0
    assert result["selection"]["index"] in (0, 1)
    chosen = result["candidates"][result["selection"]["index"]]["completion"]["text"]
    assert result["text"] == chosen


@pytest.mark.slow
def test_every_stage_works_on_the_embedded_model():
    """k2-think-embedded on the 135M model: a readable plan or "easy", N well-formed candidates, and
    a judge that decides without falling back (right or wrong: a 135M model cannot do arithmetic)."""
    recipe = load_recipe("k2-think-embedded")
    backend = get_registry().create("backend", "transformers")
    pipeline = Pipeline.from_recipe(recipe, backend)
    try:
        result = asyncio.run(pipeline.run(Problem(id="q", prompt="What is 7 * 6?")))
    finally:
        asyncio.run(backend.aclose())
    assert not any("failed" in event for event in result.events), result.events
    assert result.plan is not None or any("judged the problem easy" in e for e in result.events)
    n = recipe.section("pipeline")["n"]
    assert len(result.candidates) == n
    for candidate in result.candidates:  # the K2 format, unless the token budget cut it short
        completion = candidate.completion
        assert well_formed(completion.text) or completion.finish_reason == "length", completion
    assert any(c.answer for c in result.candidates)
    # one entrant per distinct answer: every judge reply readable, or nothing left to judge
    assert result.selection.selector == "tournament"
    reason = result.selection.reason
    assert re.search(r"judge \((\d+) of \1 replies usable\)|nothing to judge", reason), reason
    assert set(result.usage) == {"planner", "solver", "judge"}
