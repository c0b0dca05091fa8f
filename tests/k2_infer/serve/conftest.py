"""A scripted upstream on 127.0.0.1 and `k2-infer serve` in front of it, for the serve tests."""

import pytest

from k2_infer.serve.background import BackgroundServer
from k2_infer.serve.settings import ServeSettings
from k2_infer.testing import Reply, ScriptedOpenAIServer, judged_pair, pipeline_step

TOPICS = '{"hard": true, "topics": ["arithmetic"]}'
PLAN = "Add the two numbers."
SOLUTIONS = ["<think>so 5</think><answer>5</answer>", "<think>so 4</think><answer>4</answer>"]


def judge_for_four(body):
    a, _ = judged_pair(body)
    return '{"better": "A", "reason": "right sum"}' if "<answer>4" in a else '{"better": "B"}'


def by_step(solver=None, delays=None):
    """A script that answers each pipeline step; `delays` maps a step to its seconds."""
    delays = delays or {}
    solver = solver or Reply(SOLUTIONS * 4)

    def answer(body):
        step = pipeline_step(body)
        replies = {"topics": TOPICS, "plan": PLAN, "judge": judge_for_four, "solver": solver}
        reply = replies[step](body) if step == "judge" else replies[step]
        if isinstance(reply, str):
            reply = Reply(reply)
        if step in delays:
            reply = Reply(**{**reply.__dict__, "delay": delays[step]})
        return reply

    return answer


@pytest.fixture
def upstream():
    with ScriptedOpenAIServer(by_step(), model="m") as server:
        yield server


@pytest.fixture
def serve(upstream):
    """Start a server in front of `upstream` with settings overrides; stopped after the test."""
    started = []

    def start(**settings):
        settings = {"base_url": upstream.base_url, "model": "m", "recipe": "k2-think", **settings}
        server = BackgroundServer(ServeSettings(**settings)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
