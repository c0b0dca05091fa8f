"""The k2_core types that carry log-probabilities, early stops and their bill."""

from k2_core import Completion, GenerationRequest, Message, Usage
from k2_core.types import TokenLogprob


def test_a_completion_with_logprobs_survives_a_round_trip():
    completion = Completion("hi", logprobs=[TokenLogprob("hi", -0.5, {"hi": -0.5, "yo": -1.5})])
    again = Completion.from_dict(completion.to_dict())
    assert again == completion and isinstance(again.logprobs[0], TokenLogprob)
    assert Completion.from_dict(Completion("x").to_dict()).logprobs is None


def test_a_request_serialises_without_its_watch():
    request = GenerationRequest([Message("user", "q")], watch=lambda token: True)
    data = request.to_dict()
    assert "watch" not in data and data["messages"] == [{"role": "user", "content": "q"}]
    assert request.watch is not None  # the request itself keeps it


def test_usage_adds_early_stops_and_savings():
    total = Usage(1, 2, stopped=1, saved_tokens=5) + Usage(3, 4, stopped=2, saved_tokens=1)
    assert total == Usage(4, 6, stopped=3, saved_tokens=6)
    assert Usage(1, 2) == Usage(1, 2, 0, 0)
