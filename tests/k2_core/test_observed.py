"""Observation hooks fire at the host's choke points, exactly once per completion and verdict."""

import asyncio
import os
import subprocess
import sys

from k2_core import get_registry
from k2_core.observed import observe
from k2_core.testing import FakeBackend
from k2_core.types import GenerationRequest, Message, SamplingParams


def generate(backend, n):
    request = GenerationRequest([Message("user", "hi")], SamplingParams(n=n))
    return asyncio.run(backend.generate(request))


def test_a_created_backend_fires_once_per_completion(k2_events):
    backend = get_registry().create("backend", "fake", replies=["a", "b", "c"])
    assert [c.text for c in generate(backend, 3)] == ["a", "b", "c"]
    assert k2_events == [("completion", "a"), ("completion", "b"), ("completion", "c")]


def test_wrapping_twice_does_not_fire_twice(k2_events):
    backend = observe("backend", get_registry().create("backend", "fake", replies=["a"]))
    generate(backend, 1)
    assert k2_events == [("completion", "a")]


def test_an_unwrapped_backend_fires_nothing(k2_events):
    generate(FakeBackend(["a"]), 1)
    assert k2_events == []


def test_trace_plugins_logs_hook_calls():
    result = subprocess.run(
        [sys.executable, "-m", "k2_core", "plugins", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "K2_TRACE_PLUGINS": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "k2: hook k2_register_commands(cli) -> " in result.stderr
    assert "k2: hook k2_register_commands returned [" in result.stderr
