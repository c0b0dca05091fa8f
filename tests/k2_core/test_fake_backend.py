"""The scripted FakeBackend, and BackendContract run against it."""

import asyncio

import pytest

from k2_core import BackendError, GenerationRequest, Message, SamplingParams
from k2_core.testing import FakeBackend
from k2_core.testing.contracts import BackendContract


class TestFakeBackendContract(BackendContract):
    backend_name = "fake"
    options = {"replies": "hello there friend", "latency": 0.01}


def ask(backend, role="solver", **params):
    request = GenerationRequest([Message("user", "q")], SamplingParams(**params), role=role)
    return asyncio.run(backend.generate(request))


def test_replies_cycle_per_role_and_calls_are_counted():
    backend = FakeBackend({"solver": ["a", "b"], "planner": "plan"})
    assert [c.text for c in ask(backend, n=3)] == ["a", "b", "a"]
    assert ask(backend, role="planner")[0].text == "plan"
    assert backend.call_count == 2


def test_callable_script_sees_the_request():
    backend = FakeBackend(lambda request, index: f"{request.role}-{index}")
    assert ask(backend, role="judge")[0].text == "judge-0"


def test_stop_strings_and_max_tokens_cut_like_a_server():
    backend = FakeBackend("<answer>4</answer> trailing words here")
    completion = ask(backend, stop=["</answer>"])[0]
    assert completion.text == "<answer>4" and completion.finish_reason == "stop"
    cut = ask(backend, max_tokens=2)[0]
    assert cut.finish_reason == "length" and cut.usage.completion_tokens == 2


def test_scripted_failures_and_unknown_roles():
    backend = FakeBackend({"solver": "x"}, fail_times=1)
    with pytest.raises(BackendError):
        ask(backend)
    assert ask(backend)[0].text == "x"
    with pytest.raises(BackendError, match="no reply for role 'judge'"):
        ask(backend, role="judge")


def test_replies_from_environment(monkeypatch):
    monkeypatch.setenv("K2_FAKE_REPLIES", '["from env"]')
    assert ask(FakeBackend())[0].text == "from env"
