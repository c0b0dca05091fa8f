"""Log-probabilities and early stopping over HTTP, against the scripted OpenAI server."""

import asyncio

from k2_core import GenerationRequest, Message, SamplingParams
from k2_infer.adaptive import DeepConfOnlineSampler
from k2_infer.backends.openai import OpenAIBackend
from k2_infer.billing import Bill, MeteredBackend
from k2_infer.testing import ScriptedOpenAIServer
from k2_infer.testing.openai_server import Reply

LONG = " ".join(["step"] * 300) + " <answer>7</answer>"


def generate(server, request):
    async def main():
        backend = OpenAIBackend(base_url=server.base_url, model="m", max_retries=0)
        try:
            return await backend.generate(request)
        finally:
            await backend.aclose()

    return asyncio.run(main())


def ask(**params):
    return GenerationRequest([Message("user", "q")], SamplingParams(**params))


def test_logprobs_are_asked_for_and_read_back():
    with ScriptedOpenAIServer("<answer>4</answer> done", logprob=-0.25) as server:
        [completion] = generate(server, ask(logprobs=3))
        [plain] = generate(server, ask())
    assert server.calls[0]["logprobs"] is True and server.calls[0]["top_logprobs"] == 3
    assert "logprobs" not in server.calls[1]
    assert [t.token for t in completion.logprobs] == ["<answer>4</answer>", "done"]
    assert completion.logprobs[0].logprob == -0.25
    assert completion.logprobs[0].top == {"alt0": -0.25, "alt1": -0.25, "alt2": -0.25}
    assert plain.logprobs is None


def test_a_watched_request_streams_and_runs_to_the_end_when_never_stopped():
    seen = []
    request = ask(logprobs=1)
    request.watch = lambda token: seen.append(token.token) or True
    with ScriptedOpenAIServer("a b c", logprob=-1.0) as server:
        [completion] = generate(server, request)
    assert server.calls[0]["stream"] is True
    assert seen == ["a", "b", "c"]
    assert completion.text == "a b c" and completion.finish_reason == "stop"
    assert completion.usage.completion_tokens == 3


def test_stopping_a_watched_request_stops_the_server_and_bills_less():
    seen = []

    def watch(token):
        seen.append(token)
        return len(seen) < 20

    request = ask(logprobs=2, max_tokens=1000)
    request.watch = watch
    with ScriptedOpenAIServer(Reply(LONG, token_delay=0.002)) as server:
        [completion] = generate(server, request)
        for _ in range(100):  # the server notices the hang-up on its next writes
            if server.streamed:
                break
            asyncio.run(asyncio.sleep(0.02))
    assert completion.finish_reason == "cancelled"
    assert completion.usage.completion_tokens == 20
    assert completion.text.split() == ["step"] * 20
    assert server.streamed and server.streamed[0] < 100  # of 301 words, far fewer were sent


def test_deepconf_online_stops_unsure_traces_over_http():
    sure, unsure = "<answer>7</answer> " + "fine " * 10, "hmm " * 200 + "<answer>3</answer>"
    replies = [Reply(sure, logprob=-2.0)] * 2 + [Reply(unsure, logprob=-0.1, token_delay=0.001)]
    sampler = DeepConfOnlineSampler(n=4, warmup=2, keep=0.9, window=4, top_logprobs=2)
    bill = Bill()

    async def main(server):
        backend = OpenAIBackend(base_url=server.base_url, model="m", max_retries=0)
        try:
            return await sampler.sample(ask(max_tokens=500), MeteredBackend(backend, bill))
        finally:
            await backend.aclose()

    with ScriptedOpenAIServer(replies) as server:
        candidates = asyncio.run(main(server))
    assert [c.stopped is None for c in candidates] == [True, True, False, False]
    assert all(c.completion.finish_reason == "cancelled" for c in candidates[2:])
    assert all(c.completion.usage.completion_tokens == 4 for c in candidates[2:])
    usage = bill.usage["solver"]
    assert usage.stopped == 2
    assert usage.saved_tokens == 2 * (11 - 4)
