"""The typed eval API: settings from a recipe, one pipeline per run, hooks, the summary records."""

import asyncio
import json

import pytest

from k2_core import InputError, hookimpl
from k2_core.testing import FakeBackend
from k2_infer import pipeline as pipeline_module
from k2_infer.eval import EvalSettings, EvalSummary, run_eval
from k2_infer.eval.harness import SETTINGS, Evaluation

TRUTH = {"a": "1", "b": "2", "c": "3"}


def test_settings_from_a_recipe_with_overrides(tmp_path):
    settings = EvalSettings.from_recipe(
        "k2-think",
        benchmarks=["toy"],
        output=tmp_path,
        backend="fake",
        max_tokens=64,
        seed=7,
        base_url="http://127.0.0.1:9/v1",
        judge_model="judge-m",
        n=None,  # None keeps the recipe's value
    )
    assert settings.sampling.max_tokens == 64 and settings.sampling.seed == 7
    assert settings.sampling.stop == ["</answer>"] and settings.sampling.temperature == 1.0
    assert settings.n == 16 and settings.pipeline == "plain" and settings.recipe == "k2-think"
    assert settings.backend_options == {"base_url": "http://127.0.0.1:9/v1"}
    # the refusal verifier's judge (for replies its rules cannot decide) is the same judge
    assert settings.verifier_options == {
        "judge": {"model": "judge-m"},
        "refusal": {"model": "judge-m"},
    }
    assert "<think>" in settings.system_prompt


def test_settings_refuse_an_unknown_key_in_one_line_naming_the_valid_ones(tmp_path):
    with pytest.raises(InputError) as error:
        EvalSettings.from_recipe("k2-think", benchmarks=["toy"], output=tmp_path, max_tokenz=8)
    message = str(error.value)
    assert "'max_tokenz'" in message and "max_tokens" in message and "\n" not in message
    assert all(key in message for key in SETTINGS)


def test_settings_need_benchmarks_and_an_output():
    with pytest.raises(InputError, match="needs benchmarks and an output"):
        EvalSettings.from_recipe("k2-think", backend="fake")


def toy_settings(tmp_path, toy_data, **overrides):
    return EvalSettings.from_recipe(
        "k2-think",
        benchmarks=["toy"],
        output=tmp_path / "run",
        backend="fake",
        data={"toy": str(toy_data(TRUTH))},
        retry_delay=0.0,
        **{"n": 2, **overrides},
    )


def test_one_pipeline_per_evaluation(tmp_path, toy, toy_data, monkeypatch):
    built = []
    from_recipe = pipeline_module.Pipeline.from_recipe.__func__

    def counting(cls, *args, **kwargs):
        built.append(1)
        return from_recipe(cls, *args, **kwargs)

    monkeypatch.setattr(pipeline_module.Pipeline, "from_recipe", classmethod(counting))
    backend = FakeBackend({"planner": '{"hard": false, "topics": []}', "*": "<answer>1</answer>"})
    settings = toy_settings(tmp_path, toy_data, pipeline="k2", n=3)
    summary = asyncio.run(Evaluation(settings, backend).run())
    assert summary.benchmarks["toy"].samples == 9
    assert len(built) == 1, "one pipeline for the 9 samples"
    seeds = sorted(call.params.seed for call in backend.calls if call.role == "solver")
    assert seeds == [0, 0, 0, 1, 1, 1, 2, 2, 2], "each sample still gets its run's seed"


def test_k2_on_verdict_fires_once_per_sample(tmp_path, toy, toy_data, k2_plugin):
    verdicts, completions = [], []

    class Observer:
        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            verdicts.append(problem.id)

        @hookimpl
        def k2_on_completion(self, request, completion):
            completions.append(completion)

    k2_plugin(Observer(), name="observer")
    asyncio.run(
        Evaluation(toy_settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>")).run()
    )
    assert sorted(verdicts) == ["a", "a", "b", "b", "c", "c"]
    assert len(completions) == 6


def test_the_summary_reads_back_as_the_json_it_wrote(tmp_path, toy, toy_data):
    summary = run_eval(toy_settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))
    on_disk = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert on_disk["benchmarks"]["toy"]["avg@n"] == pytest.approx(100 / 3)
    assert set(on_disk["benchmarks"]["toy"]) >= {"pass@k", "maj@n", "k2_think_reported"}
    again = EvalSummary.read(tmp_path / "run")
    assert again == summary and again.to_dict() == on_disk
    assert again.benchmarks["toy"].maj_at_n == pytest.approx(100 / 3)
