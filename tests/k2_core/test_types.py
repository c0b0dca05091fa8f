"""Core dataclasses round-trip through JSON-ready dicts."""

import json

from k2_core import Completion, Problem, SamplingParams, Usage, Verdict


def test_completion_round_trip_and_tokens_per_second():
    completion = Completion("hi", usage=Usage(3, 10), latency=2.0, metrics={"x": 1})
    again = Completion.from_dict(json.loads(json.dumps(completion.to_dict())))
    assert again == completion
    assert completion.tokens_per_second == 5.0
    assert Completion("x").tokens_per_second == 0.0


def test_problem_from_dict_ignores_unknown_keys():
    problem = Problem.from_dict({"id": "1", "prompt": "p", "future_field": 1})
    assert problem == Problem(id="1", prompt="p")


def test_verdict_round_trip():
    verdict = Verdict(0.5, False, "3", "partial", {"cells": 4})
    assert Verdict.from_dict(verdict.to_dict()) == verdict


def test_sampling_params_replace_ignores_none():
    params = SamplingParams(max_tokens=10).replace(max_tokens=None, temperature=0.0)
    assert (params.max_tokens, params.temperature) == (10, 0.0)


def test_usage_adds():
    assert Usage(1, 2) + Usage(3, 4) == Usage(4, 6)
    assert Usage(1, 2).total_tokens == 3
