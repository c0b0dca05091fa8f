"""Log-probabilities from the local backends (slow: the embedded model on the CPU), and vLLM's
log-probability maps read into k2 tokens (fast: vLLM's output shape, no engine)."""

import asyncio
import math
from types import SimpleNamespace

import pytest

from k2_core.types import GenerationRequest, Message, SamplingParams
from k2_infer.backends.vllm import _logprobs as vllm_logprobs


@pytest.mark.slow
def test_transformers_gives_per_token_logprobs_with_top_k(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from k2_infer.backends.transformers import TransformersBackend

    backend = TransformersBackend()
    ask = GenerationRequest(
        [Message("user", "Say hello.")], SamplingParams(max_tokens=8, temperature=0, logprobs=3)
    )
    [completion] = asyncio.run(backend.generate(ask))
    [plain] = asyncio.run(backend.generate(GenerationRequest(ask.messages, SamplingParams(8))))
    assert len(completion.logprobs) == completion.usage.completion_tokens
    for token in completion.logprobs:
        assert token.logprob <= 0 and len(token.top) <= 3
        # greedy: the chosen token is the most likely one
        assert token.logprob == pytest.approx(max(token.top.values()), abs=1e-4)
    assert "".join(t.token for t in completion.logprobs).strip().startswith(completion.text[:3])
    assert plain.logprobs is None


def entry(logprob, rank, text):
    return SimpleNamespace(logprob=logprob, rank=rank, decoded_token=text)


def test_vllm_logprob_maps_become_tokens():
    choice = SimpleNamespace(
        token_ids=[7, 9],
        logprobs=[
            {7: entry(-0.1, 1, "a"), 3: entry(-2.5, 2, "b")},
            {4: entry(-0.2, 1, "c"), 5: entry(-1.9, 2, "d"), 9: entry(-3.0, 5, "e")},
        ],
    )
    tokens = vllm_logprobs(choice, 2)
    assert [t.token for t in tokens] == ["a", "e"]
    assert tokens[1].logprob == -3.0
    assert tokens[1].top == {"c": -0.2, "d": -1.9}  # the sampled token ranks 5th: not in the top 2
    assert vllm_logprobs(choice, None) is None
    assert math.isclose(tokens[0].top["b"], -2.5)


@pytest.mark.slow
@pytest.mark.llamacpp
def test_llamacpp_gives_logprobs_only_when_built_to_keep_logits():
    from k2_infer.backends.llamacpp import LlamaCppBackend

    ask = GenerationRequest(
        [Message("user", "Say hello.")], SamplingParams(max_tokens=6, temperature=0, logprobs=2)
    )

    async def main(backend):
        try:
            return await backend.generate(ask)
        finally:
            await backend.aclose()

    [completion] = asyncio.run(main(LlamaCppBackend(logprobs=True, context=512)))
    [without] = asyncio.run(main(LlamaCppBackend(context=512)))
    assert len(completion.logprobs) == completion.usage.completion_tokens
    assert all(t.logprob <= 0 and len(t.top) <= 2 for t in completion.logprobs)
    assert without.logprobs is None and without.text == completion.text
