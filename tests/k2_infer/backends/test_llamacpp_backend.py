"""The `llamacpp` backend: the token mask and errors here; the embedded GGUF itself in the llamacpp
environment (`hatch run llamacpp:test`, marked `llamacpp`)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re

import numpy as np
import pytest

from k2_core.errors import BackendError, InputError, UnavailableError
from k2_core.registry import get_registry
from k2_core.testing.contracts import BackendContract
from k2_core.types import GenerationRequest, Message, SamplingParams, Structured
from k2_infer.backends.llamacpp import LlamaCppBackend, resolve_gguf

SCHEMA = {
    "type": "object",
    "properties": {
        "hard": {"type": "boolean"},
        "topics": {"type": "array", "items": {"type": "string", "maxLength": 30}, "maxItems": 3},
    },
    "required": ["hard", "topics"],
    "additionalProperties": False,
}
COPY_PROMPT = "Repeat this code exactly:\ndef add(a, b):\n    return a + b\n"


def request(prompt=COPY_PROMPT, structured=None, **params):
    return GenerationRequest(
        [Message("user", prompt)], SamplingParams(**params), structured=structured
    )


def generate(backend, req):
    async def main():
        try:
            return await backend.generate(req)
        finally:
            await backend.aclose()

    return asyncio.run(main())


class ByteTokenizer:
    """A tokenizer of 256 byte tokens and an end-of-sequence token, for llguidance."""

    eos_token_id = 256
    bos_token_id = None
    tokens = [bytes([b]) for b in range(256)] + [b"\xff<eos>"]
    special_token_ids = [256]

    def __call__(self, text: bytes) -> list[int]:
        return list(text)


def decode_greedily(constraint, scores, steps=40):
    """Drive `LogitsMask` as llama-cpp-python does: the prompt first, then one sampled token a call;
    "sampling" takes the best of fixed random scores among the allowed tokens."""
    llguidance = pytest.importorskip("llguidance")
    from k2_infer.backends.grammar import LogitsMask, TokenMask

    tokenizer = llguidance.LLTokenizer(llguidance.TokenizerWrapper(ByteTokenizer()))
    mask = LogitsMask(TokenMask(tokenizer, constraint, 257, ByteTokenizer.eos_token_id))
    ids = [ord("?")] * 3  # the prompt
    for step in range(steps):
        token = int(np.argmax(mask(np.array(ids), scores[step].copy())))
        if token == ByteTokenizer.eos_token_id:
            break
        ids.append(token)
    return bytes(ids[3:]).decode()


def test_the_token_mask_keeps_a_reply_to_its_regex_choice_or_schema_then_ends_it():
    scores = np.random.default_rng(0).normal(size=(40, 257)).astype(np.float32)
    assert re.fullmatch(
        "[0-9]{2,4}-[ab]", decode_greedily(Structured(regex="[0-9]{2,4}-[ab]"), scores)
    )
    assert decode_greedily(Structured(choice=["yes", "no"]), scores) in {"yes", "no"}
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "required": ["n"],
        "additionalProperties": False,
    }
    reply = decode_greedily(Structured(json_schema=schema), scores)
    assert set(json.loads(reply)) == {"n"} and reply.startswith('{"n": ')  # compact JSON


def test_a_bad_regex_is_a_clear_error():
    with pytest.raises(InputError, match="cannot use the structured-output constraint"):
        decode_greedily(Structured(regex="[0-9"), np.zeros((1, 257), dtype=np.float32))


def test_bad_options_and_missing_files_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="cannot do 'draft' speculation"):
        LlamaCppBackend(speculative="draft:some/model")
    with pytest.raises(InputError, match="parallel must be at least 1"):
        LlamaCppBackend(parallel=0)
    with pytest.raises(BackendError, match="needs a local .gguf file"):
        resolve_gguf(str(tmp_path / "missing.gguf"))


def test_without_llama_cpp_the_backend_says_how_to_install_it(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real_find_spec(name, *a),
    )
    with pytest.raises(UnavailableError, match=r"k2-infer\[llamacpp\]"):
        get_registry().create("backend", "llamacpp")


@pytest.mark.llamacpp
@pytest.mark.slow
class TestLlamaCppContract(BackendContract):
    backend_name = "llamacpp"


@pytest.mark.llamacpp
@pytest.mark.slow
def test_structured_output_follows_a_schema_a_choice_and_a_regex():
    backend = LlamaCppBackend(parallel=2)
    ask = "Is 'What is 7 * 6?' hard? Give topics as JSON."
    replies = generate(
        backend, request(ask, Structured(json_schema=SCHEMA), max_tokens=80, temperature=1.0, n=2)
    )
    for reply in replies:
        plan = json.loads(reply.text)
        assert set(plan) == {"hard", "topics"} and isinstance(plan["hard"], bool)
        assert reply.metrics["gguf"].endswith(".gguf")
    [pick] = generate(
        LlamaCppBackend(), request("Is 7 * 6 = 42?", Structured(choice=["yes", "no"]))
    )
    assert pick.text in {"yes", "no"}
    answer = r"<answer>[0-9]{1,3}</answer>"
    speculating = LlamaCppBackend(speculative="ngram:5")  # a constrained reply decodes without it
    [boxed] = generate(
        speculating, request("What is 7 * 6?", Structured(regex=answer), max_tokens=12)
    )
    assert re.fullmatch(answer, boxed.text) and boxed.finish_reason == "stop"
    assert "spec_draft_tokens" not in boxed.metrics


@pytest.mark.llamacpp
@pytest.mark.slow
def test_candidates_are_seeded_and_accounted():
    req = request("Name a colour.", n=3, max_tokens=12, temperature=1.0, seed=3)
    first, again = generate(LlamaCppBackend(), req), generate(LlamaCppBackend(), req)
    assert [c.text for c in first] == [c.text for c in again]  # same seed, same samples
    assert len({c.text for c in first}) > 1
    side_by_side = generate(LlamaCppBackend(parallel=3), req)
    assert len(side_by_side) == 3 and len({c.text for c in side_by_side}) > 1
    for c in first + side_by_side:
        assert 0 < c.usage.completion_tokens <= 12 and c.usage.prompt_tokens > 5
        assert c.backend == "llamacpp" and c.model == "embedded"


@pytest.mark.llamacpp
@pytest.mark.slow
def test_prompt_lookup_reports_acceptance_and_stop_strings_cut():
    [fast] = generate(LlamaCppBackend(speculative="ngram:5"), request(max_tokens=30, temperature=0))
    m = fast.metrics
    assert m["speculative"] == "ngram:5"
    assert 0 < m["spec_target_passes"] < fast.usage.completion_tokens  # drafts were accepted
    assert m["spec_accepted_tokens"] <= m["spec_draft_tokens"]
    [cut] = generate(LlamaCppBackend(), request(max_tokens=30, temperature=0, stop=["return"]))
    assert "return" not in cut.text and cut.finish_reason == "stop"


@pytest.mark.llamacpp
@pytest.mark.slow
def test_a_prompt_longer_than_the_context_is_a_clear_error():
    with pytest.raises(BackendError, match="larger context="):
        generate(LlamaCppBackend(context=64), request("word " * 200, max_tokens=5))


@pytest.mark.llamacpp
@pytest.mark.slow
def test_every_stage_of_the_embedded_recipe_parses_on_llamacpp():
    """The main job's backend: a readable plan (or "easy"), candidates in the K2 format, judged."""
    from k2_core import Problem
    from k2_core.recipes import load_recipe
    from k2_core.replies import well_formed
    from k2_infer.pipeline import Pipeline

    backend = LlamaCppBackend()
    pipeline = Pipeline.from_recipe(load_recipe("k2-think-embedded"), backend)
    try:
        result = asyncio.run(pipeline.run(Problem(id="q", prompt="What is 7 * 6?")))
    finally:
        asyncio.run(backend.aclose())
    assert not any("failed" in event for event in result.events), result.events
    assert result.plan is not None or any("judged the problem easy" in e for e in result.events)
    for candidate in result.candidates:
        completion = candidate.completion
        assert well_formed(completion.text) or completion.finish_reason == "length", completion
        assert completion.backend == "llamacpp"
    # one entrant per distinct answer: every judge reply readable, or nothing left to judge
    reason = result.selection.reason
    assert re.search(r"judge \((\d+) of \1 replies usable\)|nothing to judge", reason), reason
