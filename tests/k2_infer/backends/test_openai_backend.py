"""The `openai` backend against the scripted server: requests, accounting, retries, clear errors."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from k2_core import hookimpl
from k2_core.errors import BackendError, InputError
from k2_core.registry import get_registry
from k2_core.testing.contracts import BackendContract
from k2_core.types import GenerationRequest, Message, SamplingParams, Structured
from k2_infer.backends.openai import OpenAIBackend, normalise_base_url
from k2_infer.backends.retry import RetryPolicy
from k2_infer.testing import Reply, ScriptedOpenAIServer

FAST_RETRIES = RetryPolicy(max_retries=2, base_delay=0.01)


def request(prompt="2 + 2?", **params):
    return GenerationRequest([Message("user", prompt)], SamplingParams(**params))


def generate(req, **options):
    async def main():
        backend = OpenAIBackend(**{"retry_policy": FAST_RETRIES} | options)
        try:
            return await backend.generate(req)
        finally:
            await backend.aclose()

    return asyncio.run(main())


@pytest.fixture(scope="module")
def server():
    with ScriptedOpenAIServer("one two three", models=["tiny"]) as server:
        yield server


class TestOpenAIContract(BackendContract):
    backend_name = "openai"

    @pytest.fixture(autouse=True)
    def _server(self, server):
        self.options = {"base_url": server.base_url, "model": "tiny"}


def test_sends_the_request_and_reports_each_completion(server):
    req = request(n=2, max_tokens=50, temperature=0.5, top_p=0.9, stop=["</answer>"], seed=7)
    req.response_format = {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}
    completions = generate(req, base_url=server.base_url, model="tiny")
    body = server.calls[-1]
    assert body["model"] == "tiny" and body["n"] == 2 and body["seed"] == 7
    assert body["stop"] == ["</answer>"] and body["temperature"] == 0.5 and body["top_p"] == 0.9
    assert body["response_format"]["type"] == "json_schema"
    assert [c.text for c in completions] == ["one two three"] * 2
    assert [c.usage.completion_tokens for c in completions] == [3, 3]
    assert all(c.usage.prompt_tokens == 3 and c.backend == "openai" for c in completions)
    assert all(c.model == "tiny" and c.finish_reason == "stop" for c in completions)


def test_without_model_uses_the_first_listed(server):
    [completion] = generate(request(), base_url=server.base_url)
    assert completion.model == "tiny"
    assert server.calls[-1]["model"] == "tiny"


def test_asks_again_when_server_returns_fewer_choices():
    with ScriptedOpenAIServer(Reply(text=["only one"])) as server:
        completions = generate(request(n=3), base_url=server.base_url, model="m")
    assert [c.text for c in completions] == ["only one"] * 3
    assert [call["n"] for call in server.calls] == [3, 2, 1]


def test_length_finish_reason():
    with ScriptedOpenAIServer("a b c d e f") as server:
        [completion] = generate(request(max_tokens=2), base_url=server.base_url, model="m")
    assert completion.text == "a b" and completion.finish_reason == "length"


def test_completion_hook_sees_every_completion(server, k2_plugin):
    seen = []

    class Observer:
        @hookimpl
        def k2_on_completion(self, request, completion):
            seen.append((request.role, completion.text))

    k2_plugin(Observer())
    generate(request(n=2), base_url=server.base_url, model="tiny")
    assert seen == []  # the backend itself never fires the hook: the host's wrapper does

    async def main():
        backend = get_registry().create("backend", "openai", base_url=server.base_url, model="tiny")
        try:
            return await backend.generate(request(n=2))
        finally:
            await backend.aclose()

    asyncio.run(main())
    assert seen == [("solver", "one two three")] * 2


def test_retries_429_honouring_retry_after_then_succeeds(caplog):
    script = [Reply(status=429, headers={"Retry-After": "0.4"}), Reply(status=503), "done"]
    with ScriptedOpenAIServer(script) as server:
        start = time.perf_counter()
        [completion] = generate(request(), base_url=server.base_url, model="m")
        elapsed = time.perf_counter() - start
    assert completion.text == "done"
    assert server.call_count == 3
    assert elapsed >= 0.4  # waited what Retry-After asked for
    [first, _] = [r for r in caplog.records if r.name == "k2.infer.backends.retry"]
    assert first.levelname == "WARNING" and "429" in first.getMessage()  # the retry is reported


def test_gives_up_after_max_retries_with_a_clear_error():
    with ScriptedOpenAIServer(Reply(status=500, error="boom")) as server:
        with pytest.raises(BackendError, match="500: boom.*gave up after 3 tries"):
            generate(request(), base_url=server.base_url, model="m")
        assert server.call_count == 3


def test_server_down_names_the_url_and_how_to_start_one():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nobody listens there
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BackendError) as caught:
        generate(request(), base_url=url, model="m")
    message = str(caught.value)
    assert f"cannot connect to {url}" in message and "vllm.entrypoints.openai.api_server" in message


def test_wrong_api_key_is_a_clear_error_that_never_shows_the_key():
    with ScriptedOpenAIServer(api_key="sk-right") as server:
        with pytest.raises(BackendError, match="rejected the API key") as caught:
            generate(request(), base_url=server.base_url, model="m", api_key="sk-secret-wrong")
        assert "sk-secret-wrong" not in str(caught.value)
        [ok] = generate(request(), base_url=server.base_url, model="m", api_key="sk-right")
        assert ok.text
        assert server.call_headers[-1]["Authorization"] == "Bearer sk-right"


def test_api_key_from_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    with ScriptedOpenAIServer(api_key="sk-env") as server:
        [completion] = generate(request(), base_url=server.base_url, model="m")
        assert "sk-env" not in repr(OpenAIBackend(base_url=server.base_url))
    assert completion.text


def test_unknown_model_lists_the_served_ones(server):
    with pytest.raises(BackendError, match="model 'huge' is not served.*available: tiny"):
        generate(request(), base_url=server.base_url, model="huge")


def test_malformed_json_is_a_clear_error():
    with ScriptedOpenAIServer(Reply(body=b"<html>oops")) as server:
        with pytest.raises(BackendError, match="malformed response"):
            generate(request(), base_url=server.base_url, model="m")
    with ScriptedOpenAIServer(Reply(body=b'{"id": 1}')) as server:
        with pytest.raises(BackendError, match="without 'choices'"):
            generate(request(), base_url=server.base_url, model="m")


def test_concurrency_limit_holds_requests_back():
    with ScriptedOpenAIServer(Reply(text="ok", delay=0.5)) as server:

        async def main(limit):
            backend = OpenAIBackend(base_url=server.base_url, model="m", max_concurrency=limit)
            start = time.perf_counter()
            await asyncio.gather(*(backend.generate(request()) for _ in range(4)))
            await backend.aclose()
            return time.perf_counter() - start

        assert asyncio.run(main(1)) >= 2.0  # four 0.5 s requests, one at a time
        assert asyncio.run(main(4)) < 1.75  # all four at once (0.5 s plus overhead)


def test_base_url_forms():
    assert normalise_base_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/v1"
    assert normalise_base_url("http://127.0.0.1:8000/v1/") == "http://127.0.0.1:8000/v1"
    with pytest.raises(InputError, match="not an http"):
        normalise_base_url("127.0.0.1:8000")


def test_registered_backend_refuses_unknown_options(server):
    with pytest.raises(
        InputError, match="backend 'openai' has no option 'speculative'; its options"
    ):
        get_registry().create(
            "backend", "openai", base_url=server.base_url, model="tiny", speculative="ngram"
        )
    backend = get_registry().create("backend", "openai", base_url=server.base_url, model="tiny")
    assert isinstance(backend.inner, OpenAIBackend)


def test_structured_output_is_sent_as_response_format(server):
    schema = {"type": "object", "properties": {"hard": {"type": "boolean"}}}
    req = request()
    req.structured = Structured(json_schema=schema, name="plan")
    generate(req, base_url=server.base_url, model="tiny")
    assert server.calls[-1]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "plan", "schema": schema},
    }


def test_a_choice_is_asked_as_an_enum_and_read_back_bare():
    with ScriptedOpenAIServer('{"choice": "no"}') as server:
        req = request()
        req.structured = Structured(choice=["yes", "no"])
        [completion] = generate(req, base_url=server.base_url, model="m")
        sent = server.calls[-1]["response_format"]["json_schema"]["schema"]
    assert sent["properties"]["choice"]["enum"] == ["yes", "no"]
    assert completion.text == "no"


def test_a_regex_cannot_be_asked_of_an_openai_server(server):
    req = request()
    req.structured = Structured(regex="[0-9]+")
    with pytest.raises(InputError, match="cannot constrain a reply to a regex"):
        generate(req, base_url=server.base_url, model="tiny")


def test_openai_backend_refuses_speculative():
    with pytest.raises(InputError, match="backend 'openai' has no option 'speculative'"):
        get_registry().create(
            "backend", "openai", base_url="http://127.0.0.1:9", speculative="ngram"
        )
