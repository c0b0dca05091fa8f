"""The `cerebras` backend against a fake Cerebras server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from k2_cerebras.backend import CerebrasBackend
from k2_cerebras.testing import FakeCerebrasServer, Fault, Reply
from k2_core import hookimpl
from k2_core.errors import BackendError
from k2_core.protocols import Backend
from k2_core.registry import get_registry
from k2_core.testing.contracts import BackendContract
from k2_core.types import GenerationRequest, Message, SamplingParams


def ask(prompt="What is 2 + 2?", **params):
    return GenerationRequest([Message("user", prompt)], SamplingParams(**params))


def test_registered_and_implements_the_protocol(server):
    backend = get_registry().create(
        "backend", "cerebras", model="m", base_url=server.url, api_key="k"
    )
    assert isinstance(backend.inner, CerebrasBackend)
    assert isinstance(backend, Backend)


@pytest.mark.parametrize("stream", [True, False])
def test_plain_and_streamed_replies(server, generate, stream):
    server.replies = "<think>2 + 2 = 4</think> <answer>4</answer>"
    [completion] = generate(ask(max_tokens=64), stream=stream)
    assert completion.text == "<think>2 + 2 = 4</think> <answer>4</answer>"
    assert completion.reasoning == "2 + 2 = 4"  # inline reasoning is picked out, text is untouched
    assert completion.finish_reason == "stop"
    assert completion.backend == "cerebras" and completion.model == "fake-model"
    assert completion.usage.prompt_tokens == 5 and completion.usage.completion_tokens == 6
    assert completion.latency > 0
    assert completion.metrics["queue_time"] == pytest.approx(0.0005)
    assert completion.metrics["server_tokens_per_second"] > 0
    assert ("time_to_first_token" in completion.metrics) is stream
    assert server.chat_requests()[0].body.get("stream", False) is stream


def test_inline_reasoning_ends_at_the_last_think_close(server, generate):
    # the same rule as every package (k2_core.replies): a `</think>` quoted while thinking stays in
    server.replies = "<think>I wrote </think> too early</think> <answer>4</answer>"
    [completion] = generate(ask())
    assert completion.reasoning == "I wrote </think> too early"


@pytest.mark.parametrize("stream", [True, False])
def test_reasoning_field_lands_in_completion_reasoning(server, generate, stream):
    server.replies = Reply("<answer>4</answer>", reasoning="Two and two make four.")
    [completion] = generate(ask(), stream=stream, reasoning_format="parsed")
    assert completion.text == "<answer>4</answer>"
    assert completion.reasoning == "Two and two make four."
    assert completion.metrics["reasoning_tokens"] == 5
    assert server.chat_requests()[0].body["reasoning_format"] == "parsed"


def test_request_fields_sent(server, generate):
    schema = {"type": "json_schema", "json_schema": {"name": "plan", "schema": {"type": "object"}}}
    request = ask(max_tokens=77, temperature=0.5, top_p=0.9, stop=["</answer>"], seed=7, n=3)
    request.response_format = schema
    completions = generate(request)
    assert len(completions) == 3
    bodies = [r.body for r in server.chat_requests()]
    assert sorted(b["seed"] for b in bodies) == [7, 8, 9]  # n samples must differ
    for body in bodies:
        assert body["max_completion_tokens"] == 77
        assert body["temperature"] == 0.5 and body["top_p"] == 0.9
        assert body["stop"] == ["</answer>"]
        assert body["response_format"] == schema
        assert "reasoning_format" not in body  # only sent when asked for


def test_max_completion_tokens_always_sent(server, generate):
    generate(ask())
    assert server.chat_requests()[0].body["max_completion_tokens"] == SamplingParams().max_tokens


def test_length_finish_reason(server, generate):
    server.replies = Reply("cut off here", finish_reason="length")
    [completion] = generate(ask())
    assert completion.finish_reason == "length"


def test_model_from_request_wins(server, generate):
    request = ask()
    request.model = "fake-reasoner"
    [completion] = generate(request)
    assert server.chat_requests()[0].body["model"] == "fake-reasoner"
    assert completion.model == "fake-reasoner"


def test_no_model_is_a_clear_error(generate):
    with pytest.raises(BackendError, match="no Cerebras model given; pass --model"):
        generate(ask(), model=None)


def test_sparse_chunks_are_read_defensively(server, generate):
    server.replies = Reply("fine anyway, all the same", reasoning="hmm", sparse=True)
    [completion] = generate(ask())
    assert completion.text == "fine anyway, all the same"
    assert completion.reasoning == "hmm"
    assert completion.usage.completion_tokens == 6


def test_malformed_chunk_is_a_clear_error(server, generate):
    server.replies = Reply("one two three four", malformed_chunk=True)
    with pytest.raises(BackendError, match="stream chunk that is not JSON"):
        generate(ask())


def test_error_sent_mid_stream(server, generate):
    server.replies = Reply("one two three four", stream_error="context length exceeded")
    with pytest.raises(BackendError, match=r"reported an error \(200\): context length exceeded"):
        generate(ask())


def test_403_says_to_check_access(server, generate):
    server.faults = [Fault(403, "model not enabled for this organisation")]
    with pytest.raises(BackendError, match="refused access \\(403\\).*may use model 'fake-model'"):
        generate(ask())


def test_other_finish_reasons_are_kept_in_metrics(server, generate):
    server.replies = Reply("redacted", finish_reason="content_filter")
    [completion] = generate(ask())
    assert completion.finish_reason == "stop"
    assert completion.metrics["finish_reason"] == "content_filter"


@pytest.mark.parametrize("header", [{"retry-after-ms": "1000"}, {"retry-after": "1"}])
def test_429_then_success_honours_retry_after(server, generate, header):
    server.faults = [Fault(429, "slow down", headers=header)]
    start = time.perf_counter()
    [completion] = generate(ask())
    assert time.perf_counter() - start >= 1.0  # the SDK's own first backoff is at most 0.5 s
    assert completion.text
    assert len(server.chat_requests()) == 2


def test_500_is_retried_then_reported(server, generate):
    server.faults = [Fault(500, "boom", headers={"retry-after-ms": "10"})] * 3
    with pytest.raises(BackendError, match="answered 500 after 2 retries: boom"):
        generate(ask(), max_retries=2)
    assert len(server.chat_requests()) == 3


def test_500_once_then_success(server, generate):
    server.faults = [Fault(500, "boom", headers={"retry-after-ms": "10"})]
    [completion] = generate(ask())
    assert completion.text


def test_slow_reply_hits_the_timeout(server, generate):
    server.replies = Reply("too late", delay=2.0)
    start = time.perf_counter()
    with pytest.raises(BackendError, match="did not answer within 0.3 s"):
        generate(ask(), timeout=0.3, max_retries=0)
    assert time.perf_counter() - start < 1.5


def test_bad_key_is_401_error_without_the_key(server, generate):
    with pytest.raises(BackendError) as info:
        generate(ask(), api_key="csk-wrong-key")
    message = str(info.value)
    assert "rejected the API key (401)" in message and "CEREBRAS_API_KEY" in message
    assert "csk-wrong-key" not in message


def test_unknown_model_lists_the_servers_models(generate):
    with pytest.raises(BackendError) as info:
        generate(ask(), model="no-such-model")
    message = str(info.value)
    assert "no model 'no-such-model' (404)" in message
    assert "models there: fake-model, fake-reasoner" in message


def test_unsupported_parameter_is_named(server, generate):
    server.rejected_params = {"reasoning_effort"}
    with pytest.raises(BackendError, match="refused parameter 'reasoning_effort'"):
        generate(ask(), reasoning_effort="high")


def test_unreachable_server(generate):
    with pytest.raises(BackendError, match="cannot reach Cerebras at http://127.0.0.1:9"):
        asyncio.run(_generate_at("http://127.0.0.1:9"))


async def _generate_at(url):
    backend = CerebrasBackend("m", base_url=url, api_key="k", max_retries=0)
    try:
        return await backend.generate(ask())
    finally:
        await backend.aclose()


def test_on_completion_hook_sees_every_completion(k2_plugin, generate):
    seen = []

    class Observer:
        @hookimpl
        def k2_on_completion(self, request, completion):
            seen.append((request.role, completion.backend))

    k2_plugin(Observer())
    generate(ask(n=2))
    assert seen == [("solver", "cerebras"), ("solver", "cerebras")]


def test_key_never_logged(server, generate, caplog):
    server.faults = [Fault(429, "slow down", headers={"retry-after-ms": "10"})]
    with caplog.at_level(logging.DEBUG):
        generate(ask())
    assert caplog.text, "the SDK logs at debug level; this test must see its records"
    assert server.api_key not in caplog.text


def test_construction_makes_no_network_call(server):
    CerebrasBackend("fake-model", base_url=server.url, api_key=server.api_key)
    assert server.requests == []


def test_warm_tcp_connection_on_request(server):
    CerebrasBackend("m", base_url=server.url, api_key=server.api_key, warm_tcp_connection="true")
    assert [r.path for r in server.requests] == ["/v1/tcp_warming"]


def test_concurrency_caps_requests_in_flight(server, generate):
    server.replies = Reply("ok", delay=0.2)
    start = time.perf_counter()
    generate(ask(n=4), concurrency=2)
    assert time.perf_counter() - start >= 0.4  # two rounds of two


def test_ratelimit_headers_slow_the_next_request(server):
    server.ratelimit_headers = {
        "x-ratelimit-remaining-tokens-minute": "0",
        "x-ratelimit-reset-tokens-minute": "0.4",
    }

    async def two_in_a_row():
        backend = CerebrasBackend("fake-model", base_url=server.url, api_key=server.api_key)
        try:
            [first] = await backend.generate(ask())  # nothing known yet: goes at once
            [second] = await backend.generate(ask())  # no tokens left: waits for the reset
            return first, second
        finally:
            await backend.aclose()

    first, second = asyncio.run(two_in_a_row())
    assert "rate_limit_wait" not in first.metrics
    assert 0.2 < second.metrics["rate_limit_wait"] <= 0.4


class TestCerebrasContract(BackendContract):
    """The contract every k2 backend meets, through the fake server."""

    backend_name = "cerebras"

    @pytest.fixture(autouse=True)
    def _server(self):
        with FakeCerebrasServer(replies="Hello there, friend.") as fake:
            self.options = {"model": "fake-model", "base_url": fake.url, "api_key": fake.api_key}
            yield
