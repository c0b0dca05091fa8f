"""The human summary `k2-infer solve` prints on stderr: plan, candidates, judge, stages, fallbacks."""

import asyncio
import json

from k2_core import Problem
from k2_core.recipes import load_recipe
from k2_core.testing import FakeBackend
from k2_infer.pipeline import Pipeline
from k2_infer.summary import summary

SOLUTIONS = [
    "<think>6 sevens</think> <answer>42</answer>",
    "<think>guess</think> <answer>49</answer>",
]


def run(replies, **pipeline):
    recipe = load_recipe("k2-think").override("pipeline", n=2, **pipeline)
    pipe = Pipeline.from_recipe(recipe, FakeBackend(replies))
    return asyncio.run(pipe.run(Problem(id="q", prompt="What is 7 * 6?")))


def judge_for_42(request, index):
    shown_a = request.messages[0].content.split("Response A:")[1].split("Response B:")[0]
    return "A" if "42" in shown_a else "B"


def test_a_full_run_shows_every_stage_and_no_fallback():
    topics = json.dumps({"hard": True, "topics": ["times tables"]})
    planner = [topics, "Recall the table of sevens."]
    result = run({"planner": planner, "solver": SOLUTIONS, "judge": judge_for_42})
    lines = summary(result).splitlines()
    assert lines[0] == "plan      topics: times tables"
    assert lines[1].startswith("candidate #1  answer '42'  ")
    assert lines[2].startswith("candidate #2  answer '49'  ")
    assert lines[3] == ("select    tournament: judge (2 of 2 replies usable): #1 beat #2 (2-0)")
    assert lines[4] == "chosen    #1"
    assert lines[5].startswith("stages    plan ") and "sample" in lines[5] and "total" in lines[5]
    assert "select" in lines[5] and "tokens" in lines[5]
    assert lines[6] == "fallbacks none"


def test_an_easy_problem_is_no_fallback():
    easy = json.dumps({"hard": False, "topics": []})
    result = run({"planner": easy, "solver": SOLUTIONS, "judge": judge_for_42})
    text = summary(result)
    assert "plan      easy: no plan" in text
    assert text.endswith("fallbacks none")


def test_fallbacks_are_named_with_their_reason():
    replies = {"planner": "no idea", "solver": SOLUTIONS, "judge": "who knows"}
    text = summary(run(replies))
    assert "plan      no plan: planner 'k2' failed" in text
    fallbacks = text.splitlines()[-1]
    assert fallbacks.startswith("fallbacks no plan: planner 'k2' failed")
    assert "selector 'tournament' failed (none of the 2 judge replies" in fallbacks
    assert "select    majority:" in text, "the recipe's fallback chose"


def test_a_run_on_the_embedded_model_says_what_such_a_small_model_can_do():
    result = run({"planner": "no idea", "solver": SOLUTIONS, "judge": judge_for_42})
    assert "135M" not in summary(result)
    for candidate in result.candidates:
        candidate.completion.model = "embedded"
    assert summary(result).splitlines()[-2].startswith("note      the embedded 135M model")
