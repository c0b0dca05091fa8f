"""The adaptive samplers inside the pipeline: dropped and stopped candidates take no part in the
selection, the result says why, the bill counts calls and savings per role, and recipes pass
sampler options (checked against the sampler's signature)."""

import asyncio
import json

import pytest
from click.testing import CliRunner

from k2_core import GenerationRequest, InputError, Message, Problem, SamplingParams
from k2_core.recipes import Recipe
from k2_core.testing import FakeBackend
from k2_infer.adaptive import AdaptiveSampler, DeepConfOfflineSampler, DeepConfOnlineSampler
from k2_infer.cli import cli
from k2_infer.pipeline import Pipeline
from k2_infer.planners import NoPlanner
from k2_infer.samplers import BestOfNSampler
from k2_infer.selectors import MajoritySelector
from k2_infer.testing import Reply, ScriptedOpenAIServer

CONFIDENCE = {"sure": 3.0, "weak": 0.5}
PARAMS = SamplingParams(max_tokens=100)


def reply(answer, mood, words=8):
    return f"{mood} " * words + f"<answer>{answer}</answer>"


def fake(replies):
    return FakeBackend(
        {"solver": replies, "*": "A"}, logprob=lambda text: -CONFIDENCE[text.split()[0]]
    )


def run(pipeline):
    return asyncio.run(pipeline.run(Problem("p", "q", domain="none")))


def test_dropped_candidates_do_not_vote_and_the_result_says_why():
    # three unsure "1"s outvote two sure "2"s in a plain majority; deepconf keeps the sure ones
    replies = [reply("1", "weak")] * 3 + [reply("2", "sure")] * 2
    plain = Pipeline(fake(replies), NoPlanner(), BestOfNSampler(5), MajoritySelector())
    assert run(plain).answer == "1"
    sampler = DeepConfOfflineSampler(n=5, keep=0.4, window=4)
    result = run(Pipeline(fake(replies), NoPlanner(), sampler, MajoritySelector()))
    assert result.answer == "2"
    dropped = [c for c in result.candidates if c.stopped]
    assert [c.index for c in dropped] == [0, 1, 2]
    assert all("not in the top 40%" in c.stopped for c in dropped)
    assert sum("left out of selection" in event for event in result.events) == 3
    assert result.selection.scores == [2, 2]  # only the two kept candidates voted


def test_stopped_candidates_do_not_vote_and_the_bill_shows_calls_and_savings():
    replies = [reply("2", "sure")] * 2 + [reply("1", "weak", 40)] * 3
    sampler = DeepConfOnlineSampler(n=5, warmup=2, keep=0.9, window=4)
    result = run(Pipeline(fake(replies), NoPlanner(), sampler, MajoritySelector()))
    assert result.answer == "2"
    stopped = result.candidates[2:]
    assert all(c.stopped.startswith("stopped early") for c in stopped)
    assert all(c.completion.finish_reason == "cancelled" for c in stopped)
    solver = result.usage["solver"]
    assert solver.calls == 5  # two warm-up calls, then one watched call per trace
    assert solver.completion_tokens == 9 + 9 + 3 * 4
    assert solver.stopped == 3 and solver.saved_tokens == 3 * (9 - 4)


def test_when_every_candidate_was_dropped_the_selection_falls_back_to_all():
    sampler = DeepConfOfflineSampler(n=2, keep=1.0, window=4)
    pipeline = Pipeline(fake([reply("3", "sure")]), NoPlanner(), sampler, MajoritySelector())

    async def drop_all(request, backend, **options):
        candidates = await DeepConfOfflineSampler.sample(sampler, request, backend, **options)
        for candidate in candidates:
            candidate.stopped = "dropped: by the test"
        return candidates

    pipeline.sampler.sample = drop_all
    result = run(pipeline)
    assert result.answer == "3"
    assert any("stopped or dropped every candidate" in event for event in result.events)


def recipe(**pipeline):
    return Recipe("r", sections={"sampling": {"max_tokens": 50}, "pipeline": pipeline})


def test_recipes_pass_sampler_options():
    options = {"warmup": 2, "keep": 0.5, "window": 16, "top_logprobs": 3}
    built = Pipeline.from_recipe(
        recipe(sampler="deepconf-online", n=6, sampler_options=options), fake(["x"])
    )
    sampler = built.sampler
    assert isinstance(sampler, DeepConfOnlineSampler)
    assert (sampler.n, sampler.warmup, sampler.keep, sampler.window) == (6, 2, 0.5, 16)
    assert sampler.top_logprobs == 3
    built = Pipeline.from_recipe(
        recipe(sampler="adaptive", n=8, sampler_options={"wave": 3, "confidence": 0.9}),
        fake(["x"]),
    )
    assert isinstance(built.sampler, AdaptiveSampler)
    assert (built.sampler.n, built.sampler.wave, built.sampler.confidence) == (8, 3, 0.9)


def test_a_sampler_option_the_sampler_does_not_take_is_refused_by_name():
    with pytest.raises(InputError) as error:
        Pipeline.from_recipe(recipe(sampler="adaptive", sampler_options={"keep": 0.5}), fake(["x"]))
    assert "has no option 'keep'" in str(error.value)
    assert "wave" in error.value.hint and "confidence" in error.value.hint
    with pytest.raises(InputError, match="warmup must be in 1..n"):
        Pipeline.from_recipe(
            recipe(sampler="deepconf-online", n=2, sampler_options={"warmup": 3}), fake(["x"])
        )


def test_seeded_draws_in_several_calls_get_different_seeds():
    backend = fake([reply("7", "sure")])
    request = GenerationRequest([Message("user", "q")], SamplingParams(seed=10))
    asyncio.run(AdaptiveSampler(n=6, wave=2).sample(request, backend))
    assert [call.params.seed for call in backend.calls] == [10, 12]
    backend = fake([reply("7", "sure")])
    asyncio.run(DeepConfOnlineSampler(n=4, warmup=2, window=4).sample(request, backend))
    assert sorted(call.params.seed for call in backend.calls) == [10, 11, 12, 13]
    assert all(call.params.n == 1 for call in backend.calls)


def test_solve_json_reports_calls_savings_and_why_candidates_were_stopped(tmp_path):
    # the recipe stops at </answer>, so a sure reply is 11 words: ten "fine" and "<answer>7"
    sure, unsure = "fine " * 10 + "<answer>7</answer>", "hmm " * 200 + "<answer>3</answer>"
    replies = [Reply(sure, logprob=-2.0)] * 2 + [Reply(unsure, logprob=-0.1, token_delay=0.001)]
    path = tmp_path / "online.toml"
    path.write_text(
        'name = "online"\nextends = "k2-think"\n[sampling]\nmax_tokens = 500\n'
        '[pipeline]\nplanner = "none"\nsampler = "deepconf-online"\nn = 4\nselector = "majority"\n'
        "sampler_options = { warmup = 2, keep = 0.9, window = 4, top_logprobs = 2 }\n"
    )
    with ScriptedOpenAIServer(replies) as server:
        done = CliRunner().invoke(
            cli,
            ["solve", "q", "--recipe", str(path), "--backend", "openai"]
            + ["--base-url", server.base_url, "--model", "m", "--json"],
        )
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["answer"] == "7"
    solver = result["usage"]["solver"]
    assert solver["calls"] == 4 and solver["stopped"] == 2
    assert solver["saved_tokens"] == 2 * (11 - 4)
    assert solver["completion_tokens"] == 2 * 11 + 2 * 4
    assert [c["answer"] for c in result["candidates"]] == ["7", "7", None, None]
    reasons = [c["stopped"] for c in result["candidates"]]
    assert reasons[:2] == [None, None] and all(r.startswith("stopped early") for r in reasons[2:])
    assert sum("left out of selection" in e for e in result["events"]) == 2
