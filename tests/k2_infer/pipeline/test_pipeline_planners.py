"""The `k2` planner: topics, then a plan; anything unusable raises PlanningError."""

import asyncio
import json
import re

import pytest

from k2_core import Problem
from k2_core.testing import FakeBackend
from k2_infer.planners import MAX_TOPICS, TOPICS_SCHEMA, K2Planner, PlanningError

PROBLEM = Problem(id="p", prompt="Find the number of positive divisors of 360.")


def plan(replies):
    backend = FakeBackend({"planner": replies})
    return asyncio.run(K2Planner().plan(PROBLEM, backend)), backend


def test_topics_then_plan():
    topics = json.dumps({"hard": True, "topics": ["prime factorisation", "divisor counting"]})
    result, backend = plan([topics, "<think>hm</think>Factor 360, then use the exponents."])
    assert result.text == "Factor 360, then use the exponents."
    assert result.topics == ["prime factorisation", "divisor counting"]
    assert result.usage.completion_tokens > 0
    first, second = backend.calls
    assert first.role == second.role == "planner"
    assert first.structured.json_schema["required"] == ["hard", "topics"], "topics are constrained"
    assert second.structured is None, "the plan itself is free text"
    assert "prime factorisation; divisor counting" in second.messages[0].content
    assert PROBLEM.prompt in second.messages[0].content


def test_at_most_five_topics_and_lenient_json():
    reply = 'Here you go: {"hard": "yes", "topics": "a, b, c, d, e, f, g"} hope it helps'
    result, _ = plan([reply, "Think about it."])
    assert result.topics == ["a", "b", "c", "d", "e"][:MAX_TOPICS]


def test_topics_listed_in_prose_count():
    reply = "This is hard. Topics:\n- prime factorisation\n2. simple divisor counting\n"
    result, _ = plan([reply, "Factor first."])
    assert result.topics == ["prime factorisation", "simple divisor counting"]
    easy, backend = plan("This one is easy:\n- arithmetic")
    assert easy is None and backend.call_count == 1


def test_easy_problem_gets_no_plan_and_one_call():
    result, backend = plan('{"hard": false, "topics": []}')
    assert result is None
    assert backend.call_count == 1


@pytest.mark.parametrize(
    "replies, reason",
    [
        ("I think this is hard", "no JSON object or list"),
        ('{"hard": true, "topics": []}', "no topics"),
        (['{"hard": true, "topics": ["x"]}', "   "], "empty"),
        (['{"hard": true, "topics": ["x"]}', "Factor it: <answer>24</answer>"], "reveal"),
        (['{"hard": true, "topics": ["x"]}', "The answer is 24."], "only states an answer"),
        (['{"hard": true, "topics": ["x"]}', "So we get \\boxed{24}."], "reveal"),
    ],
)
def test_unusable_replies_raise(replies, reason):
    with pytest.raises(PlanningError, match=reason):
        plan(replies)


@pytest.mark.parametrize(
    "written, kept",
    [
        (
            "Factor 360. Use the exponents.\n\nThe answer to this problem is 24",
            "Factor 360. Use the exponents.",
        ),
        ("List the primes first!\nFinal answer: 24", "List the primes first!"),
        ("Check the answer: it must be positive.", "Check the answer: it must be positive."),
        ("Recall that answers are whole numbers.", "Recall that answers are whole numbers."),
    ],
)
def test_a_sentence_stating_the_answer_is_cut_from_the_plan(written, kept):
    result, _ = plan(['{"hard": true, "topics": ["divisors"]}', written])
    assert result.text == kept


def test_the_topics_schema_admits_phrases_and_refuses_placeholders():
    pattern = re.compile(TOPICS_SCHEMA["properties"]["topics"]["items"]["pattern"])
    assert pattern.match("prime factorisation") and pattern.match("a^2 + b^2 = c^2")
    assert not pattern.match("...") and not pattern.match("x" * 41)
