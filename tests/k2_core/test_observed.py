"""Observation hooks fire at the host's choke points, exactly once per completion and verdict."""

import asyncio
import os
import subprocess
import sys

import pytest

from k2_core import Problem, Verdict, get_registry, hookimpl
from k2_core.observed import observe
from k2_core.testing import FakeBackend
from k2_core.types import GenerationRequest, Message, SamplingParams
from k2_verify import verify
from k2_verify.pool import Job, VerifyPool


@pytest.fixture
def seen(k2_plugin):
    events = []

    class Observer:
        @hookimpl
        def k2_on_completion(self, request, completion):
            events.append(("completion", completion.text))

        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            events.append(("verdict", response, verdict.correct))

    k2_plugin(Observer(), name="observer")
    return events


def generate(backend, n):
    request = GenerationRequest([Message("user", "hi")], SamplingParams(n=n))
    return asyncio.run(backend.generate(request))


def test_a_created_backend_fires_once_per_completion(seen):
    backend = get_registry().create("backend", "fake", replies=["a", "b", "c"])
    assert [c.text for c in generate(backend, 3)] == ["a", "b", "c"]
    assert seen == [("completion", "a"), ("completion", "b"), ("completion", "c")]


def test_wrapping_twice_does_not_fire_twice(seen):
    backend = observe("backend", get_registry().create("backend", "fake", replies=["a"]))
    generate(backend, 1)
    assert seen == [("completion", "a")]


def test_an_unwrapped_backend_fires_nothing(seen):
    generate(FakeBackend(["a"]), 1)
    assert seen == []


def test_a_created_verifier_fires_once_per_verdict(seen):
    verifier = get_registry().verifier(domain="math")
    problem = Problem(id="1", prompt="2 + 2?", domain="math", ground_truth="4")
    assert verifier.verify("\\boxed{4}", problem).correct
    assert not verifier.verify("\\boxed{5}", problem).correct
    assert seen == [("verdict", "\\boxed{4}", True), ("verdict", "\\boxed{5}", False)]


def test_verify_fires_once_and_a_raising_verifier_still_yields_a_verdict(seen, k2_plugin):
    class Raises:
        name = "raises"
        needs_ground_truth = True

        def verify(self, response, problem):
            raise ValueError("bad verifier")

    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("raises", Raises, domains=["raises"])

    k2_plugin(Plugin(), name="raising-verifier")
    assert verify("\\boxed{4}", "4").correct
    verdict = verify("x", "y", "raises")
    assert verdict == Verdict(0.0, False, None, "error", {"error": "ValueError: bad verifier"})
    assert seen == [("verdict", "\\boxed{4}", True), ("verdict", "x", False)]


@pytest.mark.parametrize("workers", [0, 1])
def test_pool_verdicts_fire_once_each_in_the_calling_process(seen, workers):
    jobs = [Job("\\boxed{4}", "4"), Job("\\boxed{5}", "4"), Job("\\boxed{1/2}", "0.5")]
    with VerifyPool(workers=workers, timeout=20.0) as pool:
        verdicts = pool.map(jobs)
    assert [v.correct for v in verdicts] == [True, False, True]
    assert sorted(seen) == sorted(
        [("verdict", "\\boxed{4}", True), ("verdict", "\\boxed{5}", False)]
        + [("verdict", "\\boxed{1/2}", True)]
    )


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
