"""`k2-infer solve` against a scripted OpenAI-compatible server: the happy path and every failure path."""

import json
import socket

import pytest
from click.testing import CliRunner

import k2_infer
from k2_infer.cli import cli
from k2_infer.samplers import SamplingError
from k2_infer.testing import Reply, ScriptedOpenAIServer, judged_pair, pipeline_step

TOPICS = '{"hard": true, "topics": ["arithmetic"]}'
PLAN = "Add the two numbers."
SOLUTIONS = ["<think>...</think><answer>5</answer>", "<think>...</think><answer>4</answer>"] * 2


def script(**changes):
    """A server script by role; each value is a reply or a list used in turn (the last repeats)."""
    replies = {"topics": TOPICS, "plan": PLAN, "solver": Reply(SOLUTIONS), "judge": judge_for_four}
    replies.update(changes)
    counts = dict.fromkeys(replies, 0)

    def answer(body):
        kind = pipeline_step(body)
        reply = replies[kind]
        if isinstance(reply, list):
            reply = reply[min(counts[kind], len(reply) - 1)]
        counts[kind] += 1
        return reply(body) if callable(reply) else reply

    return answer


def judge_for_four(body):
    a, _ = judged_pair(body)
    return '{"better": "A", "reason": "right sum"}' if "<answer>4" in a else '{"better": "B"}'


def solve(server, **options):
    options = {"n": 3, **options}
    return k2_infer.solve("What is 2 + 2?", backend="openai", base_url=server.base_url, **options)


def test_happy_path_through_the_openai_backend():
    with ScriptedOpenAIServer(script()) as server:
        result = solve(server)
    assert result.answer == "4" and result.plan.text == PLAN
    assert [c.answer for c in result.candidates] == ["5", "4", "5"]
    kinds = [pipeline_step(body) for body in server.calls]
    assert kinds.count("solver") == 1, "one request with n=3"
    assert server.calls[kinds.index("solver")]["n"] == 3
    assert kinds.count("topics") == kinds.count("plan") == 1
    assert kinds.count("judge") == 2, "5 against 4, both orders: the two 5s are one entrant"
    topics = server.calls[kinds.index("topics")]
    assert topics["response_format"]["type"] == "json_schema"
    assert result.usage["judge"].completion_tokens > 0


def test_cli_against_the_server():
    with ScriptedOpenAIServer(script()) as server:
        args = ["solve", "What is 2 + 2?", "--backend", "openai", "--base-url", server.base_url]
        result = CliRunner().invoke(cli, [*args, "--model", "scripted", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answer"] == "4"
    assert "[k2] selected candidate 2 by tournament" in result.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_is_a_one_line_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    args = ["solve", "q", "--backend", "openai", "--base-url", url, "--model", "m"]
    result = CliRunner().invoke(cli, [*args, "--planner", "none"])
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "Error: every one of the 3 candidates failed (first error: cannot connect"
    )
    assert "start one" in last


def test_429_is_retried_after_the_servers_wait():
    busy = Reply(status=429, headers={"Retry-After": "0"}, error="slow down")
    with ScriptedOpenAIServer(script(solver=[busy, Reply(SOLUTIONS)])) as server:
        result = solve(server)
    assert result.answer == "4"
    assert [pipeline_step(body) for body in server.calls].count("solver") == 2


@pytest.mark.parametrize(
    "topics, why",
    [
        ("Sure, it is hard: arithmetic.", "no JSON object"),
        (Reply(body=b'{"choices": [ oops'), "malformed response"),
    ],
)
def test_malformed_planner_reply_means_no_plan_recorded(topics, why):
    with ScriptedOpenAIServer(script(topics=topics)) as server:
        result = solve(server)
    assert result.plan is None and result.answer == "4"
    assert any(
        event.startswith("no plan: planner 'k2' failed") and why in event for event in result.events
    )
    solver = next(body for body in server.calls if pipeline_step(body) == "solver")
    assert "insights" not in solver["messages"][-1]["content"]


def test_malformed_judge_reply_falls_back_to_majority():
    with ScriptedOpenAIServer(script(judge="{'better': maybe")) as server:
        result = solve(server)
    assert result.selection.selector == "majority" and result.answer == "5"
    assert any("selector 'tournament' failed" in event for event in result.events)


def test_every_candidate_failing_is_a_clear_error():
    refused = Reply(status=400, error="prompt too long for this model")
    with ScriptedOpenAIServer(script(solver=refused)) as server:
        with pytest.raises(
            SamplingError, match="every one of the 3 candidates failed.*prompt too long"
        ):
            solve(server, planner="none")


def test_hard_timeout_is_a_clear_error():
    slow = Reply(SOLUTIONS, delay=3.0)
    with ScriptedOpenAIServer(script(solver=slow)) as server:
        with pytest.raises(SamplingError, match="hard timeout of 0.3 s"):
            solve(server, planner="none", soft_timeout=0.1, hard_timeout=0.3)


def test_planner_model_differs_from_the_solvers():
    with ScriptedOpenAIServer(script()) as server:
        result = solve(server, model="big", planner_model="small")
    assert result.answer == "4"
    models = {pipeline_step(body): body["model"] for body in server.calls}
    assert models == {"topics": "small", "plan": "small", "solver": "big", "judge": "big"}


def test_pipeline_step_recognises_each_prompt_of_a_real_solve():
    with ScriptedOpenAIServer(script()) as server:
        solve(server)
    steps = [pipeline_step(body) for body in server.calls]
    assert steps.count("topics") == steps.count("plan") == 1
    assert steps.count("solver") == 1 and steps.count("judge") >= 2
    judge = next(body for body in server.calls if pipeline_step(body) == "judge")
    assert all("<answer>" in answer and "<think>" not in answer for answer in judged_pair(judge))
