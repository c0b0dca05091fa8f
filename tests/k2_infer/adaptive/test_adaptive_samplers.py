"""deepconf-offline, deepconf-online and adaptive on the fake backend; the Beta stopping rule; the
confidence vote; and every registered sampler meeting the Sampler protocol inside a pipeline."""

import asyncio

import pytest

from k2_core import (
    Candidate,
    Completion,
    GenerationRequest,
    InputError,
    Message,
    Problem,
    SamplingParams,
    get_registry,
)
from k2_core.protocols import Sampler
from k2_core.testing import FakeBackend
from k2_infer.adaptive import (
    AdaptiveSampler,
    ConfidenceVoteSelector,
    DeepConfOfflineSampler,
    DeepConfOnlineSampler,
    majority_probability,
    percentile,
)
from k2_infer.billing import Bill, MeteredBackend
from k2_infer.pipeline import Pipeline
from k2_infer.planners import NoPlanner
from k2_infer.selectors import SelectionError

REQUEST = GenerationRequest([Message("user", "q")], SamplingParams(max_tokens=100))
# the fake backend gives each word log-probability -c, so a reply's token confidence is c
CONFIDENCE = {"sure": 3.0, "fair": 2.0, "weak": 0.5}


def reply(answer: str, mood: str, words: int = 8) -> str:
    return f"{mood} " * words + f"<answer>{answer}</answer>"


def fake(replies, **options):
    def logprob(text):
        return -CONFIDENCE[text.split()[0]]

    return FakeBackend({"solver": replies, "*": "A"}, logprob=logprob, **options)


def sample(sampler, backend):
    return asyncio.run(sampler.sample(REQUEST, backend))


def test_majority_probability_is_the_beta_tail():
    assert majority_probability(0, 0) == pytest.approx(0.5)
    assert majority_probability(3, 0) == pytest.approx(15 / 16)  # 1 - 0.5**4
    assert majority_probability(4, 0) == pytest.approx(31 / 32)
    assert majority_probability(5, 1) == pytest.approx(1 - 8 / 128)
    assert majority_probability(6, 1) == pytest.approx(1 - 9 / 256)
    assert majority_probability(2, 2) == pytest.approx(0.5)


def test_percentile_interpolates():
    assert percentile([4.0, 1.0, 2.0, 3.0], 0.0) == 1.0
    assert percentile([4.0, 1.0, 2.0, 3.0], 0.5) == pytest.approx(2.5)
    assert percentile([4.0, 1.0, 2.0, 3.0], 1.0) == 4.0


def test_offline_keeps_the_most_confident_share_and_marks_the_rest():
    replies = [reply("1", "weak"), reply("2", "sure"), reply("2", "fair"), reply("1", "weak")]
    backend = fake(replies)
    candidates = sample(DeepConfOfflineSampler(n=4, keep=0.5, window=4), backend)
    assert backend.calls[0].params.logprobs == 5
    assert [c.confidence for c in candidates] == pytest.approx([0.5, 3.0, 2.0, 0.5])
    assert [c.stopped is None for c in candidates] == [False, True, True, False]
    assert "not in the top 50%" in candidates[0].stopped


def test_offline_without_logprobs_keeps_everything():
    backend = FakeBackend(["<answer>1</answer>"])
    backend.generate = _without_logprobs(backend.generate)
    candidates = sample(DeepConfOfflineSampler(n=3, keep=0.1), backend)
    assert all(c.stopped is None and c.confidence is None for c in candidates)


def _without_logprobs(generate):
    async def wrapped(request):
        completions = await generate(request)
        for completion in completions:
            completion.logprobs = None
        return completions

    return wrapped


def test_online_stops_traces_below_the_warmup_threshold_and_bills_the_saving():
    replies = [reply("2", "sure"), reply("2", "fair"), reply("1", "weak", 40), reply("2", "sure")]
    bill = Bill()
    sampler = DeepConfOnlineSampler(n=4, warmup=2, keep=0.9, window=4)
    candidates = sample(sampler, MeteredBackend(fake(replies), bill))
    # threshold: the 10th percentile of the warm-up's 3.0 and 2.0 = 2.1; "fair" is dropped
    assert [c.index for c in candidates] == [0, 1, 2, 3]
    assert candidates[0].stopped is None and candidates[3].stopped is None
    assert candidates[1].stopped.startswith("dropped: confidence 2.000 < 2.100")
    weak = candidates[2]
    assert weak.stopped == "stopped early: group confidence 0.500 < 2.100 after 4 tokens"
    assert weak.completion.finish_reason == "cancelled" and weak.answer is None
    solver = bill.usage["solver"]
    assert solver.completion_tokens == 9 + 9 + 4 + 9
    assert solver.stopped == 1 and solver.saved_tokens == 9 - 4


def test_online_needs_a_sensible_warmup():
    with pytest.raises(InputError):
        DeepConfOnlineSampler(n=4, warmup=5)
    with pytest.raises(InputError):
        DeepConfOfflineSampler(keep=0)


def test_adaptive_stops_once_the_answers_agree():
    backend = fake([reply("7", "sure")])
    candidates = sample(AdaptiveSampler(n=16, wave=2), backend)
    assert len(candidates) == 4  # 4-0 gives 31/32 >= 0.95; 2-0 gives 7/8 < 0.95
    assert backend.call_count == 2
    assert [c.index for c in candidates] == [0, 1, 2, 3]


def test_adaptive_draws_up_to_n_when_the_answers_disagree():
    backend = fake([reply("1", "sure"), reply("2", "sure")])
    candidates = sample(AdaptiveSampler(n=6, wave=4), backend)
    assert len(candidates) == 6 and backend.call_count == 2


def candidate(index, answer, confidence=None, stopped=None):
    return Candidate(index, Completion(""), answer=answer, confidence=confidence, stopped=stopped)


def test_confidence_vote_weighs_answers_and_ignores_stopped_candidates():
    candidates = [
        candidate(0, "1", 1.0),
        candidate(1, "1", 1.0),
        candidate(2, "2", 2.5),
        candidate(3, "1", 9.0, stopped="dropped: low"),
    ]
    selection = asyncio.run(
        ConfidenceVoteSelector().select(Problem("p", "q"), candidates, None, None)
    )
    assert selection.index == 2
    assert selection.scores == pytest.approx([2.0, 2.0, 2.5, 0.0])
    with pytest.raises(SelectionError):
        asyncio.run(ConfidenceVoteSelector().select(Problem("p", "q"), candidates[3:], None, None))


@pytest.mark.parametrize("name", ["deepconf-offline", "deepconf-online", "adaptive"])
def test_registered_samplers_meet_the_protocol_inside_a_pipeline(name):
    sampler = get_registry().create("sampler", name, n=4)
    assert isinstance(sampler, Sampler) and sampler.name == name
    backend = fake([reply("5", "sure"), reply("5", "fair"), reply("6", "weak")])
    selector = get_registry().create("selector", "confidence-vote")
    pipeline = Pipeline(backend, NoPlanner(), sampler, selector, params=REQUEST.params)
    result = asyncio.run(pipeline.run(Problem("p", "q", domain="none")))
    assert result.answer == "5"
    assert result.usage["solver"].completion_tokens > 0
    assert {c.index for c in result.candidates} == set(range(len(result.candidates)))


def test_every_registered_sampler_meets_the_protocol():
    registry = get_registry()
    for name in registry.names("sampler"):
        sampler = registry.create("sampler", name)
        assert isinstance(sampler, Sampler), name
        assert sampler.name == name
