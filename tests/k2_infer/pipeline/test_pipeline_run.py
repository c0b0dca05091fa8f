"""The pipeline end to end on FakeBackend: plan, candidates, selection, bill, events; solve(); the CLI."""

import asyncio
import json

import pytest
from click.testing import CliRunner

import k2_infer
from k2_core import Problem, Verdict, hookimpl
from k2_core.recipes import load_recipe
from k2_core.testing import FakeBackend
from k2_infer.cli import cli
from k2_infer.pipeline import PLAN_INTRO, Pipeline

TOPICS = '{"hard": true, "topics": ["arithmetic"]}'
PLAN = "Add the two numbers."
SOLUTIONS = ["<think>2+2=5</think><answer>5</answer>", "<think>2+2=4</think><answer>4</answer>"]


def judge_for_four(request, index):
    a = request.messages[0].content.split("Response A:")[1].split("Response B:")[0]
    return '{"better": "A"}' if "<answer>4" in a else '{"better": "B"}'


def backend(**changes):
    replies = {"planner": [TOPICS, PLAN], "solver": SOLUTIONS, "judge": judge_for_four}
    return FakeBackend({**replies, **changes})


def run(fake, recipe="k2-think", **overrides):
    return k2_infer.solve("What is 2 + 2?", recipe=recipe, backend=fake, **overrides)


def test_the_whole_trace():
    fake = backend()
    result = run(fake, n=2)
    assert result.answer == "4"
    assert result.text == SOLUTIONS[1].removesuffix("</answer>"), "cut at the stop string"
    assert result.plan.text == PLAN and result.plan.topics == ["arithmetic"]
    assert [c.answer for c in result.candidates] == ["5", "4"]
    assert result.selection.selector == "tournament" and result.selection.index == 1
    assert set(result.usage) == {"planner", "solver", "judge"}
    assert result.usage["solver"].completion_tokens == sum(
        c.completion.usage.completion_tokens for c in result.candidates
    )
    assert {"plan", "sample", "select", "total"} <= set(result.timings)
    assert result.events == []
    json.dumps(result.to_dict())


def test_solver_prompt_carries_the_system_prompt_and_the_plan():
    fake = backend()
    run(fake, n=2)
    [solver_call] = [c for c in fake.calls if c.role == "solver"]
    system, user = solver_call.messages
    assert system.role == "system" and "<think>" in system.content
    assert user.content.startswith("What is 2 + 2?") and f"{PLAN_INTRO}\n{PLAN}" in user.content
    assert solver_call.params.n == 2 and solver_call.params.stop == ["</answer>"]
    assert solver_call.params.max_tokens == 64000, "the k2-think recipe's budget"


def test_malformed_planner_reply_solves_without_a_plan_and_says_so():
    fake = backend(planner="I'd rather not")
    result = run(fake, n=2)
    assert result.plan is None and result.answer == "4"
    assert any("no plan" in e and "no JSON" in e for e in result.events)
    assert "insights" not in [c for c in fake.calls if c.role == "solver"][0].messages[-1].content


def test_malformed_judge_falls_back_to_majority():
    fake = backend(
        judge="beats me", solver=["<answer>7</answer>", "<answer>3</answer>", "<answer>3</answer>"]
    )
    result = run(fake, n=3)
    assert result.selection.selector == "majority" and result.answer == "3"
    assert any("tournament" in e and "none of the 2 judge replies" in e for e in result.events)


def test_every_selector_failing_takes_the_first_usable_candidate():
    stuck = "I am not sure where to start.\nLet me think about it some more later."
    fake = backend(judge="beats me", solver=[stuck, stuck + " Really."])
    result = run(fake, n=2)
    assert result.selection.index == 0 and result.answer is None
    assert result.events[-1] == "every selector failed; taking the first usable candidate"


def test_one_candidate_needs_no_judge():
    fake = backend()
    result = run(fake, n=1, planner="none")
    assert [c.role for c in fake.calls] == ["solver"]
    assert result.selection.reason == "the only usable candidate"


def test_separate_planner_backend():
    solver, planner = backend(), backend()
    k2_infer.solve("What is 2 + 2?", backend=solver, planner_backend=planner, n=2)
    assert {c.role for c in planner.calls} == {"planner"}
    assert "planner" not in {c.role for c in solver.calls}


def test_on_result_hook_sees_every_result(k2_plugin):
    seen = []

    class Observer:
        @hookimpl
        def k2_on_result(self, result):
            seen.append(result.answer)

    k2_plugin(Observer(), name="observer")
    run(backend(), n=2)
    assert seen == ["4"]


def test_tournament_from_the_recipe_with_a_progress_log():
    lines = []
    fake = backend(solver=[f"<answer>{i}</answer>" for i in (1, 2, 3, 4, 5, 6, 7, 8)])
    fake.replies["judge"] = lambda request, index: (
        '{"better": "A"}'
        if "<answer>4" in request.messages[0].content.split("Response B:")[0]
        else '{"better": "B"}'
    )
    result = run(fake, n=8, selector="tournament", progress=lines.append)
    assert result.answer == "4"
    assert sum(c.role == "judge" for c in fake.calls) == 14
    assert sum(line.startswith("candidate ") for line in lines) == 8
    assert lines[-1].startswith("selected candidate 4 by tournament")


class Shouting:
    """Reads the answer in capitals, needs no reference, and prefers the answer `FOUR`."""

    name = "shouting"
    needs_ground_truth = False
    built = 0

    def __init__(self):
        Shouting.built += 1

    def extract(self, response):
        return response.rsplit("<answer>", 1)[-1].removesuffix("</answer>").upper()

    def verify(self, response, problem):
        good = self.extract(response) == "FOUR"
        return Verdict(float(good), good, self.extract(response), "shouting")


def test_the_verifier_is_built_once_per_problem_and_handed_to_sampler_and_selectors(k2_plugin):
    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("shouting", Shouting, domains=["words"])

    k2_plugin(Plugin(), name="shouting")
    Shouting.built = 0
    fake = backend(
        solver=["<answer>five</answer>", "<answer>four</answer>", "<answer>six</answer>"]
    )
    problem = Problem(id="w", prompt="Two plus two, in words?", domain="words")
    result = run_problem(fake, problem, n=3, selector="verifier", planner="none")
    assert Shouting.built == 1, "one verifier per problem, shared by the sampler and the selector"
    assert [c.answer for c in result.candidates] == ["FIVE", "FOUR", "SIX"], (
        "the verifier read them"
    )
    assert result.answer == "FOUR" and result.selection.selector == "verifier"
    assert result.candidates[1].verdicts["shouting"].correct


def run_problem(fake, problem, **overrides):
    return k2_infer.solve(problem, recipe="k2-think", backend=fake, **overrides)


def test_pipeline_from_recipe_reads_embedded_settings():
    pipeline = Pipeline.from_recipe(load_recipe("k2-think-embedded"), FakeBackend())
    assert pipeline.params.max_tokens < 1000 and pipeline.planner.params.max_tokens < 1000
    assert pipeline.selector.params.max_tokens < 100 and pipeline.fallback.name == "majority"


def test_default_recipe_is_embedded_only_for_the_embedded_model():
    from k2_infer.api import default_recipe

    assert default_recipe(None, None) == "k2-think-embedded"
    assert default_recipe("transformers", None) == "k2-think-embedded"
    assert default_recipe("transformers", "Qwen/Qwen2.5-32B") == "k2-think"
    assert default_recipe("openai", None) == "k2-think"


def test_problem_objects_pass_through():
    problem = Problem(id="mine", prompt="What is 2 + 2?", domain="arithmetic")
    assert k2_infer.solve(problem, backend=backend(), n=2).problem is problem


@pytest.fixture
def scripted(monkeypatch):
    # the judge prefers the second candidate in both orders (asked forward, then backward)
    judge = ['{"better": "B"}', '{"better": "A"}']
    replies = {"planner": [TOPICS, PLAN], "solver": SOLUTIONS, "judge": judge}
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps(replies))


def invoke(*args, input=None):
    return CliRunner().invoke(cli, ["solve", *args], input=input)


def test_cli_prints_the_answer_and_progress_on_stderr(scripted):
    result = invoke("What is 2 + 2?", "--backend", "fake", "--n", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "4\n"
    assert "[k2] recipe k2-think" in result.stderr
    assert "[k2] plan ready; topics: arithmetic" in result.stderr
    assert "[k2] selected candidate 2 by tournament" in result.stderr


def test_cli_reads_stdin_and_prints_json(scripted):
    result = invoke(
        "-",
        "--backend",
        "fake",
        "--n",
        "2",
        "--planner",
        "none",
        "--json",
        input="What is 2 + 2?\n",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["problem"]["prompt"] == "What is 2 + 2?" and data["answer"] == "4"
    assert data["plan"] is None and len(data["candidates"]) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["  ", "--backend", "fake"], "Error: the question is empty; pass the question text"),
        (["q", "--backend", "fake", "--selector", "nope"], "Error: no selector 'nope'; installed:"),
        (["q", "--backend", "nope"], "Error: no backend 'nope'"),
        (["q", "--recipe", "missing"], "Error: no recipe 'missing'"),
    ],
)
def test_cli_bad_input_is_one_line(scripted, args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(message)


def test_cli_backend_flags_reach_the_backend_factory(k2_plugin, scripted):
    built = []

    def factory(**options):
        built.append(options)
        return FakeBackend()

    class Plugin:
        @hookimpl
        def k2_register_backends(self, register):
            register("capture", factory)

    k2_plugin(Plugin(), name="capture-backend")
    flags = [
        "--backend",
        "capture",
        "--model",
        "m",
        "--base-url",
        "http://h/v1",
        "--api-key",
        "sk-1",
    ]
    result = invoke("q", *flags, "--speculative", "ngram:3", "--planner-model", "p", "--n", "2")
    assert result.exit_code == 0, result.output
    solver, planner = built
    assert solver == {
        "model": "m",
        "base_url": "http://h/v1",
        "api_key": "sk-1",
        "speculative": "ngram:3",
    }
    assert planner == {"model": "p", "base_url": "http://h/v1", "api_key": "sk-1"}
    assert "sk-1" not in result.output, "the key is never shown"


def test_the_registry_says_which_options_a_component_takes():
    from k2_core.registry import get_registry

    registry = get_registry()
    assert registry.entry("planner", "none").options() == []
    assert "max_tokens" in registry.entry("selector", "tournament").options()
    assert registry.entry("backend", "fake").options() is None, "it takes **options"


def test_a_candidate_without_an_answer_is_not_put_to_the_selector():
    solver = ["<think>hm</think>", "<think>6 sevens</think> <answer>42</answer>"]
    recipe = load_recipe("k2-think").override("pipeline", n=2, planner="none", selector="first")
    pipeline = Pipeline.from_recipe(recipe, FakeBackend({"solver": solver}))
    result = asyncio.run(pipeline.run(Problem(id="q", prompt="What is 7 * 6?")))
    assert result.answer == "42" and result.selection.reason == "the only usable candidate"
