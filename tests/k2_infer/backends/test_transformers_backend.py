"""The `transformers` backend on the embedded SmolLM2 model (slow: a real model on the CPU)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from types import SimpleNamespace

import pytest

from k2_core.errors import BackendError, InputError
from k2_core.testing.contracts import BackendContract
from k2_core.types import GenerationRequest, Message, SamplingParams, Structured
from k2_infer.backends.transformers import TransformersBackend

COPY_PROMPT = "Repeat this code exactly:\ndef add(a, b):\n    return a + b\n"


def request(prompt=COPY_PROMPT, **params):
    return GenerationRequest([Message("user", prompt)], SamplingParams(**params))


def generate(backend, req):
    return asyncio.run(backend.generate(req))


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.mark.slow
class TestTransformersContract(BackendContract):
    backend_name = "transformers"


@pytest.mark.slow
def test_n_candidates_in_one_batch_with_seeds_and_accounting():
    backend = TransformersBackend()
    req = request("Name a colour.", n=3, max_tokens=12, temperature=1.0, seed=3)
    first, again = generate(backend, req), generate(backend, req)
    assert [c.text for c in first] == [c.text for c in again]  # same seed, same samples
    assert len({c.text for c in first}) > 1  # sampled, not three copies
    for c in first:
        assert 0 < c.usage.completion_tokens <= 12 and c.usage.prompt_tokens > 5
        assert c.finish_reason in {"stop", "length"} and c.latency > 0
        assert c.backend == "transformers" and c.model == "embedded"
        assert c.finish_reason == "stop" or c.usage.completion_tokens == 12


@pytest.mark.slow
def test_stop_strings_cut_the_text():
    backend = TransformersBackend()
    [plain] = generate(backend, request(max_tokens=20, temperature=0))
    assert "return" in plain.text
    [cut] = generate(backend, request(max_tokens=20, temperature=0, stop=["return"]))
    assert cut.finish_reason == "stop"
    assert cut.text == plain.text[: plain.text.index("return")]


@pytest.mark.slow
def test_prompt_lookup_keeps_greedy_output_and_reports_acceptance():
    req = request(max_tokens=30, temperature=0)
    [plain] = generate(TransformersBackend(), req)
    [fast] = generate(TransformersBackend(speculative="ngram:5"), req)
    assert fast.text == plain.text
    m = fast.metrics
    assert m["speculative"] == "ngram:5"
    assert m["spec_target_passes"] < fast.usage.completion_tokens  # some drafts were accepted
    assert 0 < m["spec_accepted_tokens"] <= m["spec_draft_tokens"]
    assert m["spec_acceptance_rate"] == m["spec_accepted_tokens"] / m["spec_draft_tokens"]
    assert m["spec_mean_accepted"] == fast.usage.completion_tokens / m["spec_target_passes"]
    assert "spec_acceptance_rate" not in plain.metrics


@pytest.mark.slow
def test_generation_runs_off_the_event_loop():
    backend = TransformersBackend()
    ticks = []

    async def ticker():
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.05)

    async def main():
        task = asyncio.create_task(ticker())
        await asyncio.gather(
            *(backend.generate(request(max_tokens=15, temperature=0)) for _ in range(2))
        )
        task.cancel()

    asyncio.run(main())
    assert len(ticks) > 5  # the loop kept running while the model generated


@pytest.mark.slow
def test_prompt_longer_than_the_context_is_a_clear_error():
    backend = TransformersBackend()
    with pytest.raises(BackendError, match="model context is 8192"):
        generate(backend, request("word " * 9000, max_tokens=5))


@pytest.mark.slow
def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError, match="cannot load folder"):
        generate(TransformersBackend(model=str(tmp_path)), request(max_tokens=2))


def test_max_tokens_are_clamped_to_the_context():
    backend = TransformersBackend()
    model = SimpleNamespace(config=SimpleNamespace(max_position_embeddings=100))
    tokenizer = SimpleNamespace(pad_token_id=0, eos_token_id=0)
    options = backend._generate_options(request(max_tokens=1000), model, tokenizer, prompt_len=90)
    assert options["max_new_tokens"] == 10


def test_bad_options_are_clear_errors():
    with pytest.raises(InputError, match="unknown dtype 'int3'"):
        TransformersBackend(dtype="int3")
    with pytest.raises(InputError, match="cannot do 'eagle' speculation"):
        TransformersBackend(speculative="eagle:some/head")


PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "hard": {"type": "boolean"},
        "topics": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "required": ["hard", "topics"],
    "additionalProperties": False,
}


def structured(prompt, constraint, **params):
    req = request(prompt, **params)
    req.structured = constraint
    return req


@pytest.mark.slow
def test_structured_output_follows_a_schema_a_choice_and_a_regex():
    backend = TransformersBackend()
    ask = "Is 'What is 7 * 6?' hard? Give topics."
    replies = generate(
        backend,
        structured(ask, Structured(json_schema=PLAN_SCHEMA), max_tokens=80, temperature=1.0, n=2),
    )
    for reply in replies:
        plan = json.loads(reply.text)
        assert set(plan) == {"hard", "topics"} and isinstance(plan["hard"], bool)
        assert len(plan["topics"]) <= 3 and all(isinstance(t, str) for t in plan["topics"])
    [pick] = generate(backend, structured("Is 7 * 6 = 42?", Structured(choice=["yes", "no"])))
    assert pick.text in {"yes", "no"}
    [number] = generate(backend, structured("7 * 6 = ?", Structured(regex=r"[0-9]{1,3}")))
    assert re.fullmatch(r"[0-9]{1,3}", number.text)


@pytest.mark.slow
def test_concurrent_requests_share_one_batch_and_keep_their_greedy_outputs():
    backend = TransformersBackend()
    prompts = ["Name a colour.", COPY_PROMPT, "Say hello to Ada in French, please."]
    alone = [generate(backend, request(p, max_tokens=12, temperature=0))[0].text for p in prompts]
    batches = []
    run = backend._batcher.run_batch
    backend._batcher.run_batch = lambda items: batches.append(len(items)) or run(items)

    async def together():
        return await asyncio.gather(
            *(backend.generate(request(p, max_tokens=12, temperature=0)) for p in prompts)
        )

    replies = asyncio.run(together())
    assert batches == [3]  # one generate for all three, left-padded
    assert [reply.text for [reply] in replies] == alone
