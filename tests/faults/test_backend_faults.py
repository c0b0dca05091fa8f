"""The openai and Cerebras backends against a server at its worst: every fault ends in bounded time,
as an answer read right or as one error, never as an empty answer or a hang."""

from __future__ import annotations

import asyncio
import time

import pytest

from k2_core import BackendError, GenerationRequest, Message, SamplingParams
from k2_core.errors import RetriesExhausted
from k2_infer.backends.openai import OpenAIBackend
from k2_infer.backends.retry import RetryPolicy, parse_retry_after
from k2_infer.testing.fault_server import Fault, FaultServer, chat, events

REQUEST = GenerationRequest([Message("user", "2 + 2?")], SamplingParams(max_tokens=10))
FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.2)


def openai(server: FaultServer, timeout: float = 5.0) -> list:
    async def main():
        backend = OpenAIBackend(
            base_url=server.url + "/v1", model="m", timeout=timeout, retry_policy=FAST
        )
        try:
            return await backend.generate(REQUEST)
        finally:
            await backend.aclose()

    return asyncio.run(main())


def test_a_dripping_server_hits_the_deadline():
    with FaultServer(Fault.drip(interval=0.2)) as server:
        start = time.perf_counter()
        with pytest.raises(RetriesExhausted, match="within the 0.5 s deadline"):
            openai(server, timeout=0.5)
        assert time.perf_counter() - start < 3 * 0.5 + 1.5  # three tries, each cut at 0.5 s
        assert server.requests == 3


def test_a_stalled_server_hits_the_deadline_then_a_good_reply_is_read():
    with FaultServer([Fault.stall(), Fault.reply(chat("four"))]) as server:
        [completion] = openai(server, timeout=0.3)
    assert completion.text == "four"


def test_a_dropped_connection_is_retried():
    with FaultServer([Fault.drop(), Fault.reply(chat("four"))]) as server:
        [completion] = openai(server)
    assert completion.text == "four" and server.requests == 2


@pytest.mark.parametrize(
    "value", ["nan", "-5", "1e12", "inf", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]
)
def test_retry_after_edge_cases_wait_a_bounded_time(value):
    assert FAST.delay(0, parse_retry_after(value)) <= FAST.max_delay
    with FaultServer([Fault.status(429, retry_after=value), Fault.reply(chat("ok"))]) as server:
        start = time.perf_counter()
        [completion] = openai(server)
    assert completion.text == "ok" and time.perf_counter() - start < 2.0


@pytest.mark.parametrize(("code", "match"), [(401, "API key"), (400, "400"), (404, "404")])
def test_errors_retrying_cannot_mend_stop_at_once(code, match):
    with FaultServer(Fault.status(code)) as server:
        with pytest.raises(BackendError, match=match) as raised:
            openai(server)
    assert not isinstance(raised.value, RetriesExhausted)
    assert server.requests <= 2  # a 404 asks /models once to name the served models
    assert "\n" not in str(raised.value)


def test_a_down_server_is_one_error(caplog):
    with FaultServer(Fault.drop()) as server:
        url = server.url
    with pytest.raises(BackendError, match="cannot connect") as raised:
        asyncio.run(_generate_at(url))
    assert not isinstance(raised.value, RetriesExhausted)  # start the server: not worth retrying
    assert not [r for r in caplog.records if r.levelname == "WARNING"]  # retries are quiet


async def _generate_at(url: str):
    backend = OpenAIBackend(base_url=url + "/v1", model="m", retry_policy=FAST)
    try:
        return await backend.generate(REQUEST)
    finally:
        await backend.aclose()


def test_usage_given_as_strings_and_content_as_parts_are_read():
    parts = [{"type": "text", "text": "the answer "}, {"type": "text", "text": "is 4"}]
    usage = {"prompt_tokens": "12", "completion_tokens": "4", "total_tokens": "x"}
    with FaultServer(Fault.reply(chat(content=parts, usage=usage))) as server:
        [completion] = openai(server)
    assert completion.text == "the answer is 4"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (12, 4)


@pytest.mark.parametrize("body", [b"<html>gateway</html>", b""])
def test_a_reply_that_is_not_json_is_one_error(body):
    with FaultServer(Fault.reply(body)) as server:
        with pytest.raises(BackendError, match="not JSON"):
            openai(server)


# --- Cerebras: streamed requests answered with what is not a whole stream ------------------------


def cerebras(server: FaultServer, **options) -> list:
    from k2_cerebras.backend import CerebrasBackend

    async def main():
        backend = CerebrasBackend(
            "m", api_key="test", base_url=server.url, max_retries=1, **options
        )
        try:
            return await backend.generate(REQUEST)
        finally:
            await backend.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    "fault",
    [
        Fault.reply(chat("a JSON reply to a stream request")),
        Fault.reply(b"garbage, not events", "text/event-stream"),
        Fault.reply({"id": "x", "choices": []}),
        Fault.reply(events(["cut ", "short"], finish=False, done=False), "text/event-stream"),
    ],
    ids=["json", "garbage", "no-choices", "cut-stream"],
)
def test_cerebras_never_reads_a_broken_stream_as_an_empty_answer(fault):
    with FaultServer(fault) as server:
        with pytest.raises(BackendError) as raised:
            cerebras(server)
    assert isinstance(raised.value, RetriesExhausted)  # worth another try, not a wrong answer
    assert server.requests == 2  # asked again once (max_retries=1)


def test_cerebras_reads_a_whole_stream_and_a_dripping_one_hits_the_deadline():
    with FaultServer(Fault.reply(events(["4"]), "text/event-stream")) as server:
        [completion] = cerebras(server)
    assert completion.text == "4"
    with FaultServer(Fault.drip(interval=0.2)) as server:
        start = time.perf_counter()
        with pytest.raises(RetriesExhausted, match="did not answer within 0.5 s"):
            cerebras(server, timeout=0.5)
        assert time.perf_counter() - start < 3.0


def test_solve_stops_at_the_first_rejected_request():
    from k2_infer.api import solve

    with FaultServer(Fault.status(401)) as server:
        with pytest.raises(BackendError, match="rejected the API key") as raised:
            solve("2 + 2?", backend="openai", base_url=server.url + "/v1", model="m")
    assert server.requests == 1  # the planner's request; no candidate is tried after it
    assert "\n" not in str(raised.value)
