"""`--speculative` parsing, the Leviathan formula, the vLLM mapping, and retry timing."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import pytest

from k2_core.errors import InputError
from k2_infer.backends.metrics import SpeculationCounts, finish_reason
from k2_infer.backends.retry import RetryableError, RetryPolicy, parse_retry_after, with_retries
from k2_infer.backends.speculative import Speculation, leviathan_speedup, parse_speculative
from k2_infer.backends.vllm import VLLMBackend, speculative_config


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ngram", Speculation("ngram", 10)),
        ("ngram:4", Speculation("ngram", 4)),
        ("draft:Qwen/Qwen2.5-0.5B", Speculation("draft", 5, "Qwen/Qwen2.5-0.5B")),
        ("draft:/models/small:3", Speculation("draft", 3, "/models/small")),
        ("eagle3:org/head:2", Speculation("eagle3", 2, "org/head")),
        ("none", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_speculative(text, expected):
    assert parse_speculative(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("medusa:x", "unknown speculative method 'medusa'"),
        ("draft", "needs a model"),
        ("ngram:0", "positive integer"),
        ("ngram:many", "positive integer"),
    ],
)
def test_bad_speculative_values_are_clear_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_speculative(text)


def test_speculation_prints_back_as_parsed():
    assert str(parse_speculative("draft:/m:3")) == "draft:/m:3"
    assert str(parse_speculative("ngram")) == "ngram:10"


def test_leviathan_formula():
    # no acceptance and free drafting: one token per step, no gain
    assert leviathan_speedup(0.0, 4, 0.0) == pytest.approx(1.0)
    # alpha 0.8, gamma 5, c 0.05: (1 - 0.8^6) / (0.2 * 1.25), about 2.95x
    assert leviathan_speedup(0.8, 5, 0.05) == pytest.approx((1 - 0.8**6) / (0.2 * 1.25))
    # everything accepted: gamma + 1 tokens per step over the drafting cost
    assert leviathan_speedup(1.0, 3, 0.1) == pytest.approx(4 / 1.3)
    # poor acceptance with a costly draft is a slowdown
    assert leviathan_speedup(0.1, 5, 0.3) < 1


def test_vllm_speculative_config():
    assert speculative_config(parse_speculative("ngram:4")) == {
        "method": "ngram",
        "num_speculative_tokens": 4,
        "prompt_lookup_max": 4,
        "prompt_lookup_min": 1,
    }
    assert speculative_config(parse_speculative("draft:/m/small:3")) == {
        "method": "draft_model",
        "model": "/m/small",
        "num_speculative_tokens": 3,
    }
    assert speculative_config(parse_speculative("eagle:org/head")) == {
        "method": "eagle",
        "model": "org/head",
        "num_speculative_tokens": 5,
    }
    assert speculative_config(None) is None


def test_vllm_backend_rejects_unknown_engine():
    with pytest.raises(InputError, match="unknown vllm engine 'turbo'"):
        VLLMBackend(engine="turbo")


def test_speculation_metrics():
    counts = SpeculationCounts(target_passes=10, drafted=40, accepted=20, generated=30)
    metrics = counts.metrics()
    assert metrics["spec_acceptance_rate"] == 0.5
    assert metrics["spec_mean_accepted"] == 3.0
    assert SpeculationCounts().metrics()["spec_acceptance_rate"] == 0.0


def test_finish_reasons():
    assert finish_reason("length") == "length"
    assert finish_reason("stop") == finish_reason("eos") == finish_reason(None) == "stop"


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert 5 < parse_retry_after(formatdate(time.time() + 10, usegmt=True)) <= 10


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert 0.5 <= policy.delay(0, None) <= 1.0
    assert 2.0 <= policy.delay(2, None) <= 4.0
    assert policy.delay(10, None) == 5.0
    assert policy.delay(0, 2.5) == 2.5  # the server's Retry-After wins
    assert policy.delay(0, 999) == 5.0


def test_with_retries_retries_then_gives_up():
    calls = []

    async def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RetryableError("busy", retry_after=0)
        return "ok"

    policy = RetryPolicy(max_retries=2, base_delay=0.001)
    assert asyncio.run(with_retries(flaky, policy)) == "ok" and len(calls) == 3

    async def always():
        raise RetryableError("down")

    with pytest.raises(RetryableError, match="down"):
        asyncio.run(with_retries(always, RetryPolicy(max_retries=1, base_delay=0.001)))
