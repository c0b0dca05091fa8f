"""The whole K2 pipeline (`k2-infer solve --backend cerebras`) through the fake Cerebras server."""

from __future__ import annotations

import json

from click.testing import CliRunner

import k2_infer
from k2_cerebras.testing import FakeCerebrasServer, Fault, Reply
from k2_infer.cli import cli as infer_cli
from k2_infer.testing import judged_pair, pipeline_step

TOPICS = '{"hard": true, "topics": ["arithmetic"]}'
PLAN = "Add the two numbers."


def script(solutions):
    """Replies by step; solver replies are used in turn, the judge prefers the answer 4."""
    turn = iter(range(1_000))

    def reply(body):
        step = pipeline_step(body)
        if step == "topics":
            return TOPICS
        if step == "plan":
            return PLAN
        if step == "judge":
            a, _ = judged_pair(body)
            return '{"better": "A", "reason": "right sum"}' if "4" in a else '{"better": "B"}'
        return solutions[next(turn) % len(solutions)]

    return reply


def test_solve_through_cerebras_with_reasoning_fields():
    solutions = [
        Reply("<answer>5</answer>", reasoning="Two plus two is five?"),
        Reply("<answer>4</answer>", reasoning="Two plus two is four."),
        Reply("<answer>5</answer>", reasoning="Five, surely."),
    ]
    with FakeCerebrasServer(script(solutions)) as server:
        result = k2_infer.solve(
            "What is 2 + 2?",
            backend="cerebras",
            model="fake-model",
            base_url=server.url + "/v1",  # normalised
            api_key=server.api_key,
            n=3,
        )
    assert result.answer == "4"
    assert result.plan is not None and result.plan.text == PLAN
    assert sorted(c.answer for c in result.candidates) == ["4", "5", "5"]
    assert {c.completion.backend for c in result.candidates} == {"cerebras"}
    assert all(c.completion.reasoning for c in result.candidates)
    steps = [pipeline_step(r.body) for r in server.chat_requests()]
    assert steps.count("solver") == 3 and steps.count("topics") == steps.count("plan") == 1
    bodies = server.chat_requests()
    topics = bodies[steps.index("topics")].body
    assert topics["response_format"]["type"] == "json_schema"
    assert all("max_completion_tokens" in r.body for r in bodies)
    assert result.usage["solver"].completion_tokens > 0


def test_cli_solve_with_a_rate_limit_on_the_way():
    solutions = ["<think>2 + 2 = 4</think> <answer>4</answer>"]
    faults = [Fault(429, "slow down", headers={"retry-after-ms": "50"})]
    with FakeCerebrasServer(script(solutions), faults=faults) as server:
        args = ["solve", "What is 2 + 2?", "--backend", "cerebras", "--model", "fake-model"]
        args += ["--base-url", server.url, "--n", "2", "--json"]
        result = CliRunner().invoke(infer_cli, args, env={"CEREBRAS_API_KEY": server.api_key})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answer"] == "4"
    assert data["candidates"][0]["completion"]["backend"] == "cerebras"


def test_cli_solve_with_an_unknown_model_is_one_line():
    with FakeCerebrasServer() as server:
        args = ["solve", "What is 2 + 2?", "--backend", "cerebras", "--model", "nope"]
        args += ["--base-url", server.url, "--api-key", server.api_key, "--planner", "none"]
        result = CliRunner().invoke(infer_cli, args)
    assert result.exit_code == 1
    assert "no model 'nope' (404); models there: fake-model, fake-reasoner" in result.output
