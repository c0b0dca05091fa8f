"""The k2-think-reference recipe replays K2-Think-Inference's calls, prompts and judge, in order."""

from __future__ import annotations

import asyncio
import json

import pytest

from k2_core import Problem
from k2_core.recipes import load_recipe
from k2_core.replies import PROMPTS
from k2_infer import reference
from k2_infer.backends.openai import OpenAIBackend
from k2_infer.pipeline import Pipeline
from k2_infer.testing.openai_server import ScriptedOpenAIServer

QUESTION = "What is 2 + 2?"


def role_of(body):
    """Which of the script's calls a request is, read from its prompt."""
    messages = body["messages"]
    if messages[0]["content"] == reference.JUDGE_SYSTEM:
        return "judge"
    text = messages[-1]["content"]
    if text.startswith("First determine"):
        return "topics"
    if text.startswith("You are given a question"):
        return "plan"
    return "solver"


def script(*, hard=True, answers=("3", "4", "5"), winners=(1, 0)):
    solver_replies = iter(f"<think>thinking {a}</think> <answer>{a}</answer>" for a in answers)
    judge_replies = iter(winners)

    def reply(body):
        kind = role_of(body)
        if kind == "topics":
            return json.dumps(
                {"is_hard_problem": hard, "plan": "p", "search_list": ["sums", "ints"]}
            )
        if kind == "plan":
            return "Thinking aloud. <plan>Add the numbers.</plan>"
        if kind == "judge":
            return json.dumps({"index": next(judge_replies), "explanation": "better"})
        return next(solver_replies)

    return reply


def solve(server, problem_text=QUESTION):
    recipe = load_recipe("k2-think-reference")
    backend = OpenAIBackend(base_url=server.base_url, model="K2-Think", max_concurrency=1)
    pipeline = Pipeline.from_recipe(recipe, backend)
    return asyncio.run(pipeline.run(Problem(id="p", prompt=problem_text)))


def test_every_sample_plans_on_its_own_then_one_order_judging():
    with ScriptedOpenAIServer(script()) as server:
        result = solve(server)
    kinds = [role_of(body) for body in server.calls]
    assert kinds.count("topics") == 3 and kinds.count("plan") == 3 and kinds.count("solver") == 3
    assert kinds[-2:] == ["judge", "judge"]  # N - 1 judge calls, after the samples
    # Judge 1 prefers response 1 (the second sample), judge 2 keeps it: the answer "4" wins.
    assert result.answer == "4" and result.selection.selector == "k2-think-reference"


def test_the_solver_gets_the_scripts_prompts_and_settings():
    with ScriptedOpenAIServer(script()) as server:
        solve(server)
    solver = next(body for body in server.calls if role_of(body) == "solver")
    assert solver["messages"][0] == {"role": "system", "content": PROMPTS["k2-think"]}
    assert solver["messages"][1]["content"] == (
        "<question>What is 2 + 2?</question>Below are some helpful insights or ideas:\n"
        "<ideas>Add the numbers.</ideas>\nThe ideas above may provide some insights in solving "
        "the challenge. Now please answer the original question."
    )
    assert solver["temperature"] == 1.0 and not solver.get("stop")
    plan = next(body for body in server.calls if role_of(body) == "plan")
    assert "<topics>['sums', 'ints']</topics>" in plan["messages"][0]["content"]


def test_the_judge_sees_the_text_after_think_in_one_order():
    with ScriptedOpenAIServer(script()) as server:
        solve(server)
    first, second = (body for body in server.calls if role_of(body) == "judge")
    assert first["messages"][1]["content"] == (
        f"Question: {QUESTION}\nResponse 0:  <answer>3</answer>\nResponse 1:  <answer>4</answer>"
    )
    assert (
        "Response 0:  <answer>4</answer>\nResponse 1:  <answer>5</answer>"
        in (second["messages"][1]["content"])
    )


def test_an_easy_problem_is_solved_without_a_plan():
    with ScriptedOpenAIServer(script(hard=False)) as server:
        solve(server)
    kinds = [role_of(body) for body in server.calls]
    assert "plan" not in kinds
    solver = next(body for body in server.calls if role_of(body) == "solver")
    assert solver["messages"][1]["content"] == QUESTION


def test_the_recipe_carries_the_scripts_timeouts():
    settings = load_recipe("k2-think-reference").section("pipeline")
    assert settings["soft_timeout"] == 1200.0  # the effective 20 minutes, not the documented 9
    assert settings["hard_timeout"] == 7200.0
    assert settings["n"] == 3


@pytest.mark.parametrize(
    ("reply", "seen"),
    [
        ("a</plan>b<plan>c</plan>d", "c"),
        ("<plan>only</plan>", "only"),
        ("no tags", "no tags"),
    ],
)
def test_the_plan_is_the_part_before_the_last_close(reply, seen):
    assert reference.plan_part(reply) == seen


def test_a_sample_without_think_is_judged_by_its_tail():
    view = reference.judged_view("x" * 3000)
    assert view.startswith("No answer was found") and view.endswith("x" * 2000)
    assert reference.judged_view("<think>a</think>b</think>c") == "b"
