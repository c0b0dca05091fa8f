"""best-of-n: one batched request or N concurrent ones; soft and hard timeouts; failures."""

import asyncio

import pytest

from k2_core import BackendError, Completion, GenerationRequest, InputError, Message, SamplingParams
from k2_core.testing import FakeBackend
from k2_infer.samplers import BestOfNSampler, SamplingError, SingleSampler

REQUEST = GenerationRequest([Message("user", "2 + 2?")], SamplingParams(max_tokens=50))


class TimedBackend:
    """Answers the i-th request after delays[i] seconds with '<answer>i</answer>' (or fails)."""

    name = "timed"

    def __init__(self, delays, fail=()):
        self.delays, self.fail, self.calls, self.cancelled = delays, set(fail), 0, 0
        self.in_flight = self.most_in_flight = 0

    async def generate(self, request):
        index = self.calls
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delays[index])
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        if index in self.fail:
            raise BackendError(f"request {index} failed", "scripted")
        return [Completion(f"<answer>{index}</answer>")] * request.params.n

    async def aclose(self):
        pass


def sample(sampler, backend):
    return asyncio.run(sampler.sample(REQUEST, backend))


def test_batched_by_default_one_request_with_n():
    backend = FakeBackend(["<answer>1</answer>", "<answer>2</answer>", "<answer>3</answer>"])
    candidates = sample(BestOfNSampler(n=3), backend)
    assert backend.call_count == 1 and backend.calls[0].params.n == 3
    assert [c.answer for c in candidates] == ["1", "2", "3"]
    assert [c.index for c in candidates] == [0, 1, 2]


def test_split_sends_n_concurrent_requests():
    backend = TimedBackend([0.05, 0.05, 0.05, 0.05])
    candidates = sample(BestOfNSampler(n=4, split=True), backend)
    assert backend.calls == 4 and backend.most_in_flight == 4
    assert [c.answer for c in candidates] == ["0", "1", "2", "3"]


def test_soft_timeout_keeps_finishers_and_cancels_stragglers():
    backend = TimedBackend([0.05, 5.0, 0.05])
    reported = []
    candidates = asyncio.run(
        BestOfNSampler(n=3, split=True, soft_timeout=0.3, hard_timeout=10).sample(
            REQUEST, backend, on_candidate=reported.append
        )
    )
    assert [c.error is None for c in candidates] == [True, False, True]
    assert "cancelled" in candidates[1].error
    assert backend.cancelled == 1
    assert sorted(c.index for c in reported) == [0, 2]


def test_after_soft_timeout_waits_for_the_first_finisher_only():
    backend = TimedBackend([0.4, 5.0])
    candidates = sample(BestOfNSampler(n=2, split=True, soft_timeout=0.1, hard_timeout=10), backend)
    assert [c.answer for c in candidates] == ["0", None]
    assert backend.cancelled == 1


def test_hard_timeout_is_a_clear_error_and_cancels_everything():
    backend = TimedBackend([5.0, 5.0])
    with pytest.raises(SamplingError, match="hard timeout of 0.2 s"):
        sample(BestOfNSampler(n=2, split=True, soft_timeout=0.1, hard_timeout=0.2), backend)
    assert backend.cancelled == 2


def test_some_failures_are_kept_as_error_candidates():
    candidates = sample(BestOfNSampler(n=3, split=True), TimedBackend([0, 0, 0], fail={1}))
    assert candidates[1].error == "request 1 failed; scripted"
    assert candidates[1].completion.finish_reason == "error"
    assert candidates[0].answer == "0" and candidates[2].answer == "2"


def test_every_candidate_failing_names_the_first_error():
    with pytest.raises(
        SamplingError, match=r"every one of the 3 candidates failed.*request 0 failed"
    ):
        sample(BestOfNSampler(n=3, split=True), TimedBackend([0, 0, 0], fail={0, 1, 2}))


def test_single_asks_once_for_one():
    backend = FakeBackend("<answer>9</answer>")
    [candidate] = sample(SingleSampler(), backend)
    assert candidate.answer == "9" and backend.calls[0].params.n == 1


def test_n_below_one_is_refused():
    with pytest.raises(InputError, match="at least 1"):
        BestOfNSampler(n=0)
