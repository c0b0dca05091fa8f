"""The official `openai` client against `k2-infer serve` in front of a scripted upstream."""

import asyncio

import openai
import pytest

import k2_core
from k2_infer.testing import Reply, pipeline_step

from .conftest import PLAN


def client(server, **options):
    return openai.OpenAI(base_url=server.base_url, api_key="unused", max_retries=0, **options)


def test_pipeline_answer_with_the_whole_bill_and_the_k2_block(serve, upstream):
    server = serve()
    reply = client(server).chat.completions.create(
        model="k2/m", messages=[{"role": "user", "content": "What is 2 + 2?"}]
    )
    assert reply.choices[0].message.content == "4"
    assert reply.choices[0].message.reasoning_content == "so 4"
    k2 = reply.model_extra["k2"]
    assert [c["answer"] for c in k2["candidates"]] == ["5", "4", "5"]
    assert k2["selection"]["selector"] == "tournament" and k2["answer"] == "4"
    assert k2["plan"]["text"] == PLAN
    upstream_prompt = sum(c["usage"]["prompt_tokens"] for c in upstream_usage(upstream))
    assert reply.usage.prompt_tokens == upstream_prompt, "the sum over every upstream call"
    roles = k2["usage"]
    assert set(roles) == {"planner", "solver", "judge"}
    assert reply.usage.completion_tokens == sum(r["completion_tokens"] for r in roles.values())
    assert sum(r["calls"] for r in roles.values()) == len(upstream.calls), "one count per call"
    assert all(r["stopped"] == 0 == r["saved_tokens"] for r in roles.values())
    assert [c["stopped"] for c in k2["candidates"]] == [None] * 3, "no sampler stopped one"


def upstream_usage(upstream):
    """What the scripted upstream billed for each call (it counts words as tokens)."""
    return [
        {"usage": {"prompt_tokens": sum(len(m["content"].split()) for m in body["messages"])}}
        for body in upstream.calls
    ]


def test_extra_body_options_reach_the_pipeline(serve, upstream):
    server = serve()
    reply = client(server).chat.completions.create(
        model="k2-think",
        messages=[{"role": "user", "content": "What is 2 + 2?"}],
        extra_body={"k2": {"n": 2, "selector": "majority", "planner": "none", "domain": "math"}},
        temperature=0.5,
    )
    steps = [pipeline_step(body) for body in upstream.calls]
    assert steps == ["solver"], "planner none, majority needs no judge"
    assert upstream.calls[0]["n"] == 2 and upstream.calls[0]["temperature"] == 0.5
    assert upstream.calls[0]["model"] == "m"
    assert reply.model_extra["k2"]["selection"]["selector"] == "majority"


def test_one_pipeline_per_model_and_options(serve):
    server = serve()
    api = client(server)
    for _ in range(3):
        api.chat.completions.create(
            model="k2/m",
            messages=[{"role": "user", "content": "2 + 2?"}],
            extra_body={"k2": {"planner": "none"}},
        )
    built = server.server.pipelines._pipelines
    assert len(built) == 2, "the default one, built at start, and this one with planner none"
    assert len(server.server.pipelines._backends) == 1


def test_streamed_pipeline_progress_then_answer_then_usage(serve):
    server = serve()
    stream = client(server).chat.completions.create(
        model="k2/m",
        messages=[{"role": "user", "content": "What is 2 + 2?"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    reasoning = "".join(
        c.choices[0].delta.reasoning_content or ""
        for c in chunks
        if c.choices
        if getattr(c.choices[0].delta, "reasoning_content", None)
    )
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert PLAN in reasoning and "candidate 2 finished: answer '4'" in reasoning
    assert reasoning.index(PLAN) < reasoning.index("candidate 1 finished")
    assert content == "4"
    assert chunks[-1].usage.total_tokens > 0 and chunks[-1].choices == []
    finish = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert finish == ["stop"]


def test_async_client_concurrent_requests(serve):
    server = serve()

    async def main():
        api = openai.AsyncOpenAI(base_url=server.base_url, api_key="unused", max_retries=0)
        replies = await asyncio.gather(
            *(
                api.chat.completions.create(
                    model="k2/m", messages=[{"role": "user", "content": f"{i} + 2?"}]
                )
                for i in range(5)
            )
        )
        await api.close()
        return replies

    replies = asyncio.run(main())
    assert [r.choices[0].message.content for r in replies] == ["4"] * 5


def test_passthrough_keeps_n_tools_and_tool_calls(serve, upstream):
    call = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    upstream.script = Reply(["one", "two"], tool_calls=[call])
    tools = [{"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}]
    server = serve()
    reply = client(server).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], n=2, tools=tools
    )
    assert [c.message.content for c in reply.choices] == ["one", "two"]
    assert reply.choices[0].message.tool_calls[0].function.name == "add"
    assert reply.choices[0].finish_reason == "tool_calls"
    assert upstream.calls[-1]["tools"] == tools and upstream.calls[-1]["n"] == 2


def test_passthrough_streams_tool_calls(serve, upstream):
    call = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    upstream.script = Reply("sum coming", tool_calls=[call])
    server = serve()
    chunks = list(
        client(server).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.content or "" for d in deltas) == "sum coming"
    assert [d.tool_calls[0].function.name for d in deltas if d.tool_calls] == ["add"]


def test_models_lists_pipeline_and_upstream_names(serve):
    names = [m.id for m in client(serve()).models.list()]
    assert names[:2] == ["k2-think", "k2/m"] and "m" in names


@pytest.mark.parametrize(
    ("status", "kind"), [(500, openai.APIStatusError), (404, openai.NotFoundError)]
)
def test_upstream_errors_reach_the_client_as_one_line(serve, upstream, status, kind):
    upstream.script = Reply(status=status, error="model fell over")
    with pytest.raises(kind) as caught:
        client(serve()).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
    error = caught.value
    assert error.status_code == (502 if status == 500 else 404)
    assert "model fell over" in error.message and "Traceback" not in error.message


def test_with_one_candidate_the_upstream_tokens_stream_live(serve, upstream):
    server = serve()
    stream = client(server).chat.completions.create(
        model="k2/m",
        messages=[{"role": "user", "content": "What is 2 + 2?"}],
        stream=True,
        extra_body={"k2": {"n": 1, "planner": "none"}},
    )
    pieces = [
        c.choices[0].delta.reasoning_content
        for c in stream
        if c.choices and getattr(c.choices[0].delta, "reasoning_content", None)
    ]
    [solver] = [body for body in upstream.calls if pipeline_step(body) == "solver"]
    assert solver["stream"] is True and solver["n"] == 1
    told = "".join(pieces)
    assert told.index("<think>so") < told.index("candidate 1 finished")
    assert len(pieces) >= 3, "the tokens came in several deltas, not as one block"


def test_one_candidate_without_streaming_bills_the_streamed_call(serve, upstream):
    reply = client(serve()).chat.completions.create(
        model="k2/m",
        messages=[{"role": "user", "content": "What is 2 + 2?"}],
        extra_body={"k2": {"n": 1, "planner": "none"}},
    )
    assert reply.choices[0].message.content == "5"
    assert reply.usage.completion_tokens == 2 and reply.usage.prompt_tokens > 0


def test_completion_hooks_fire_once_per_upstream_completion(serve, upstream, k2_plugin):
    seen = []

    class Observer:
        @k2_core.hookimpl
        def k2_on_completion(self, request, completion):
            seen.append(request.role)

    k2_plugin(Observer())
    client(serve()).chat.completions.create(
        model="k2/m",
        messages=[{"role": "user", "content": "What is 2 + 2?"}],
        extra_body={"k2": {"n": 1}},
    )
    assert seen == ["planner", "planner", "solver"]
