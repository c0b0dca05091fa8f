"""`k2-infer serve` under bad input, wrong keys, load and clients that hang up."""

import asyncio
import json
import socket
import subprocess
import time

import httpx
import psutil
import pytest
from starlette.requests import Request

from k2_infer.serve.errors import ApiError
from k2_infer.testing import Reply

from .conftest import by_step

CHAT = {"model": "k2/m", "messages": [{"role": "user", "content": "What is 2 + 2?"}]}


def post(server, body, headers=None, raw=None):
    url = server.base_url + "/chat/completions"
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(url, content=content, headers=headers or {}, timeout=30)


@pytest.mark.parametrize(
    ("body", "param", "reason"),
    [
        ({**CHAT, "model": 7}, "model", "non-empty string"),
        ({**CHAT, "messages": "hi"}, "messages", "non-empty list"),
        ({**CHAT, "temperature": "hot"}, "temperature", "must be a number"),
        ({**CHAT, "temperature": 9}, "temperature", "between 0 and 2"),
        ({**CHAT, "stream": "yes"}, "stream", "true or false"),
        ({**CHAT, "max_tokens": True}, "max_tokens", "an integer"),
        ({**CHAT, "k2": {"n": 0}}, "k2.n", "between 1 and 64"),
        ({**CHAT, "k2": {"best": 1}}, "k2.best", "unknown option"),
        ({**CHAT, "k2": {"selector": "coin"}}, "k2.selector", "coin"),
        ({**CHAT, "n": 2}, "n", "one selected answer"),
        ({**CHAT, "model": "m", "k2": {"n": 2}}, "k2", "apply to k2/ models"),
    ],
)
def test_bad_fields_are_400_naming_the_field(serve, body, param, reason):
    response = post(serve(), body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == param and reason in error["message"]
    assert error["type"] == "invalid_request_error"


def test_malformed_json_unknown_model_and_a_too_large_body(serve):
    server = serve(base_url=None, backend="openai")
    malformed = post(server, None, raw=b'{"model": ')
    assert malformed.status_code == 400 and "not valid JSON" in malformed.json()["error"]["message"]
    unknown = post(server, {**CHAT, "model": "gpt-9"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "model_not_found"
    assert "k2/m" in unknown.json()["error"]["message"]
    server = serve(max_body_bytes=1000)
    big = post(server, {**CHAT, "messages": [{"role": "user", "content": "x" * 2000}]})
    assert big.status_code == 413 and "larger than 1000 bytes" in big.json()["error"]["message"]


def test_keys_are_required_and_checked(serve, upstream):
    server = serve(api_keys=["k-one", "k-two"], upstream_api_key="upstream-secret")
    missing = post(server, CHAT)
    assert missing.status_code == 401 and "missing API key" in missing.json()["error"]["message"]
    wrong = post(server, CHAT, {"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
    assert httpx.get(server.base_url + "/models").status_code == 401
    for key in ("k-one", "k-two"):
        assert post(server, CHAT, {"Authorization": f"Bearer {key}"}).status_code == 200
    assert upstream.call_headers[-1]["Authorization"] == "Bearer upstream-secret"
    assert httpx.get(server.base_url.removesuffix("/v1") + "/health").status_code == 200


def test_without_keys_only_loopback_clients_are_served(serve):
    server = serve()
    assert post(server, CHAT).status_code == 200
    for host in ("10.1.2.3", "::ffff:10.1.2.3", "2001:db8::1"):
        remote = Request({"type": "http", "client": (host, 5000), "headers": []})
        with pytest.raises(ApiError) as refused:
            server.server.authorize(remote)
        assert refused.value.status == 403 and "loopback clients only" in refused.value.message
    for host in ("127.0.0.1", "127.8.0.1", "::1", "::ffff:127.0.0.1"):
        server.server.authorize(Request({"type": "http", "client": (host, 1), "headers": []}))


def test_upstream_down_is_502_and_slow_is_504_without_secrets(serve, upstream):
    server = serve(base_url="http://127.0.0.1:9/v1", upstream_api_key="sk-secret-123")
    down = post(server, {**CHAT, "model": "m"})
    assert (
        down.status_code == 502 and "cannot reach the upstream" in down.json()["error"]["message"]
    )
    upstream.script = Reply("late", delay=2)
    server = serve(deadline=0.3, upstream_api_key="sk-secret-123")
    for model in ("m", "k2/m"):
        slow = post(server, {**CHAT, "model": model})
        assert slow.status_code == 504, model
        message = slow.json()["error"]["message"]
        assert "deadline of 0.3 s" in message and "sk-secret" not in slow.text


def test_raw_sse_bytes_of_a_streamed_pipeline(serve):
    server = serve()
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    with httpx.stream("POST", server.base_url + "/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = b"".join(response.iter_raw())
    events = raw.split(b"\n\n")
    assert events[-1] == b"" and events[-2] == b"data: [DONE]"
    chunks = [json.loads(e.removeprefix(b"data: ")) for e in events[:-2]]
    assert all(e.startswith(b"data: {") for e in events[:-2])
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[-1]["usage"]["total_tokens"] > 0


def test_first_streamed_bytes_come_before_the_pipeline_ends(serve, upstream):
    upstream.script = by_step(delays={"topics": 1.0, "solver": 1.0})
    server = serve()
    body = {**CHAT, "stream": True}
    started = time.perf_counter()
    with httpx.stream("POST", server.base_url + "/chat/completions", json=body) as response:
        stream = response.iter_lines()
        next(stream)
        first = time.perf_counter() - started
        rest = list(stream)
    assert first < 0.5, "the role chunk arrives at once, before the planner has answered"
    assert any("plan ready" in line for line in rest)


def test_a_client_that_hangs_up_leaves_no_upstream_call_running(serve, upstream):
    upstream.script = by_step(delays={"solver": 5.0})
    server = serve()
    for stream in (False, True):
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            body = json.dumps({**CHAT, "stream": stream}).encode()
            head = (
                f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            sock.sendall(head.encode() + body)
            deadline = time.monotonic() + 5
            while upstream.in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert upstream.in_flight == 1, "the solver call is running upstream"
        deadline = time.monotonic() + 3
        while upstream.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        assert upstream.in_flight == 0, f"stream={stream}: the upstream call was cancelled"
    assert upstream.abandoned == 2
    assert server.server.admission.running == 0


def test_two_hundred_simultaneous_requests_no_errors_and_429s_when_full(serve, upstream):
    upstream.script = Reply("fast")
    server = serve(max_running=16, max_waiting=400)
    tight = serve(max_running=4, max_waiting=8)
    process = psutil.Process()

    async def burst(target, n=200):
        limits = httpx.Limits(max_connections=n)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
            url = target.base_url + "/chat/completions"
            return await asyncio.gather(*(client.post(url, json=body) for _ in range(n)))

    asyncio.run(burst(server))  # warm up
    before = process.memory_info().rss
    for _ in range(3):
        statuses = {r.status_code for r in asyncio.run(burst(server))}
        assert statuses == {200}
    grown = (process.memory_info().rss - before) / 2**20
    assert grown < 30, f"memory grew {grown:.0f} MiB over 600 requests"
    responses = asyncio.run(burst(tight))
    statuses = [r.status_code for r in responses]
    assert set(statuses) == {200, 429} and statuses.count(200) >= 12
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"]["type"] == "rate_limit_error"


def test_metrics_count_requests_tokens_per_role_and_in_flight(serve):
    server = serve()
    post(server, CHAT)
    post(server, {**CHAT, "model": 3})
    text = httpx.get(server.base_url.removesuffix("/v1") + "/metrics").text
    assert 'k2_serve_requests_total{mode="pipeline",status="200"} 1.0' in text
    assert 'k2_serve_requests_total{mode="invalid",status="400"} 1.0' in text
    assert 'k2_serve_tokens_total{kind="completion",role="judge"}' in text
    assert "k2_serve_in_flight 0.0" in text
    assert 'k2_serve_request_seconds_count{mode="pipeline"} 1.0' in text


def test_the_deadline_counts_from_arrival_so_the_wait_in_the_queue_is_part_of_it(serve, upstream):
    upstream.script = Reply("slow", delay=3.0)
    server = serve(max_running=1, max_waiting=4, deadline=1.0)
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}

    async def running_then_queued():
        async with httpx.AsyncClient(timeout=30) as client:
            url = server.base_url + "/chat/completions"
            running = asyncio.ensure_future(client.post(url, json=body))
            while upstream.in_flight == 0:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)  # the second one waits for the slot the first one holds
            started = time.perf_counter()
            queued = await client.post(url, json=body)
            return await running, queued, time.perf_counter() - started

    running, queued, waited = asyncio.run(running_then_queued())
    assert running.status_code == queued.status_code == 504
    assert "deadline of 1 s" in queued.json()["error"]["message"]
    # a fresh deadline after the queue would have taken 0.7 s in it plus 1 s at work
    assert waited < 1.4, f"the queued request took {waited:.2f} s"
    assert server.server.admission.running == server.server.admission.waiting == 0


def _hang_up_after_sending(server, upstream, body):
    """Send `body` on a raw connection, wait until the upstream is working on it, hang up."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        raw = json.dumps(body).encode()
        head = (
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n"
        )
        sock.sendall(head.encode() + raw)
        deadline = time.monotonic() + 5
        while upstream.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert upstream.in_flight == 1, "the call is running upstream"


def test_a_passthrough_client_that_hangs_up_leaves_no_upstream_call_running(serve, upstream):
    upstream.script = Reply("late", delay=5.0)
    server = serve()
    for stream in (False, True):
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": stream}
        _hang_up_after_sending(server, upstream, body)
        deadline = time.monotonic() + 3
        while upstream.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        assert upstream.in_flight == 0, f"stream={stream}: the upstream call was dropped"
    assert upstream.abandoned == 2
    deadline = time.monotonic() + 3
    while server.server.admission.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.server.admission.running == 0, "both slots were given back"


def test_curl_reads_the_sse_bytes_of_both_modes(serve, upstream):
    solution = "<think>so 4</think><answer>4</answer>"
    upstream.script = by_step(solver=Reply(solution))
    server = serve()
    expected = {"m": solution, "k2/m": "4"}  # pass-through relays; the pipeline answers
    for model, extra in (("m", {}), ("k2/m", {"k2": {"n": 1}})):
        body = {**CHAT, "model": model, "stream": True, **extra}
        command = ["curl", "-sS", "-N", "--fail-with-body", "-H", "Content-Type: application/json"]
        command += ["-d", json.dumps(body), server.base_url + "/chat/completions"]
        done = subprocess.run(command, capture_output=True, timeout=30, check=True)
        events = done.stdout.split(b"\n\n")
        assert events[-2:] == [b"data: [DONE]", b""], model
        chunks = [json.loads(e.removeprefix(b"data: ")) for e in events[:-2]]
        assert all(c["object"] == "chat.completion.chunk" for c in chunks)
        content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
        assert content == expected[model]


def test_passthrough_tokens_are_counted_from_the_upstream_usage(serve, upstream):
    upstream.script = Reply('a reply that quotes "usage": {"prompt_tokens": 999} as text')
    server = serve()
    body = {"model": "m", "messages": [{"role": "user", "content": "one two three"}]}
    reply = post(server, body).json()
    assert reply["usage"]["prompt_tokens"] == 3
    text = httpx.get(server.base_url.removesuffix("/v1") + "/metrics").text
    assert 'k2_serve_tokens_total{kind="prompt",role="passthrough"} 3.0' in text
    completion = reply["usage"]["completion_tokens"]
    assert f'k2_serve_tokens_total{{kind="completion",role="passthrough"}} {completion}.0' in text


def test_chat_posts_skip_starlettes_stack_but_keep_its_answers(serve, monkeypatch):
    server = serve()
    assert post(server, CHAT).status_code == 200, "the short path serves the request"
    wrong_method = httpx.get(server.base_url + "/chat/completions")
    assert wrong_method.status_code == 405, "other methods still go through Starlette's routes"

    async def broken(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(server.server, "chat", broken)
    crashed = post(server, CHAT)
    assert crashed.status_code == 500 and "secret" not in crashed.text, "a 500 without internals"
