"""The scripted OpenAI-compatible server that tests and benches use as a model."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from k2_infer.testing import Reply, ScriptedOpenAIServer


def chat(server, **body):
    body = {"model": "scripted", "messages": [{"role": "user", "content": "hi there"}]} | body
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=10)


def test_plain_completion_with_usage_and_call_count():
    with ScriptedOpenAIServer("the answer is 4") as server:
        response = chat(server)
        assert response.status_code == 200
        data = response.json()
        assert data["choices"][0]["message"]["content"] == "the answer is 4"
        assert data["choices"][0]["finish_reason"] == "stop"
        assert data["usage"] == {"prompt_tokens": 2, "completion_tokens": 4, "total_tokens": 6}
        assert server.call_count == 1
        assert server.calls[0]["messages"][0]["content"] == "hi there"


def test_n_choices_stop_strings_and_max_tokens():
    with ScriptedOpenAIServer(Reply(text=["a b </answer> c", "one two three four"])) as server:
        choices = chat(server, n=2, stop=["</answer>"], max_tokens=3).json()["choices"]
    assert [c["message"]["content"] for c in choices] == ["a b ", "one two three"]
    assert [c["finish_reason"] for c in choices] == ["stop", "length"]


def test_list_script_is_used_in_turn_and_last_item_repeats():
    script = [Reply(status=429, headers={"Retry-After": "7"}), Reply(status=500), "fine"]
    with ScriptedOpenAIServer(script) as server:
        first, second, third, fourth = (chat(server) for _ in range(4))
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    assert second.status_code == 500 and "error" in second.json()
    assert third.json()["choices"][0]["message"]["content"] == "fine"
    assert fourth.json()["choices"][0]["message"]["content"] == "fine"


def test_callable_script_sees_the_request_and_sets_delay():
    def script(request):
        role = request["messages"][0]["content"]
        return Reply(text=f"you said {role}", delay=0.3 if role == "slow" else 0.0)

    with ScriptedOpenAIServer(script) as server:
        start = time.perf_counter()
        fast = chat(server, messages=[{"role": "user", "content": "fast"}])
        fast_time = time.perf_counter() - start
        start = time.perf_counter()
        slow = chat(server, messages=[{"role": "user", "content": "slow"}])
        slow_time = time.perf_counter() - start
    assert fast.json()["choices"][0]["message"]["content"] == "you said fast"
    assert slow.json()["choices"][0]["message"]["content"] == "you said slow"
    assert slow_time >= 0.3 > fast_time


def test_concurrent_requests_overlap():
    with ScriptedOpenAIServer(Reply(text="ok", delay=0.5)) as server:
        start = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: chat(server).status_code, range(4)))
        elapsed = time.perf_counter() - start
    assert statuses == [200] * 4
    assert elapsed < 1.5  # four 0.5 s requests served in parallel, not in sequence (2 s)


def test_malformed_body():
    with ScriptedOpenAIServer(Reply(body=b'{"choices": [')) as server:
        response = chat(server)
    assert response.status_code == 200
    assert response.text == '{"choices": ['


def test_streaming_sends_chunks_then_done():
    with ScriptedOpenAIServer("alpha beta gamma") as server:
        body = {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        with httpx.stream("POST", f"{server.base_url}/chat/completions", json=body) as response:
            lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "alpha beta gamma"
    finishes = [c["choices"][0].get("finish_reason") for c in chunks if c["choices"]]
    assert finishes[-1] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 3


def test_models_list_unknown_model_and_api_key():
    with ScriptedOpenAIServer(models=["small", "large"], api_key="sk-test") as server:
        headers = {"Authorization": "Bearer sk-test"}
        models = httpx.get(f"{server.base_url}/models", headers=headers).json()
        assert [m["id"] for m in models["data"]] == ["small", "large"]
        assert httpx.get(f"{server.base_url}/models").status_code == 401
        body = {"model": "huge", "messages": [{"role": "user", "content": "x"}]}
        missing = httpx.post(f"{server.base_url}/chat/completions", json=body, headers=headers)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "model_not_found"
