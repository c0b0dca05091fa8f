"""K2-Think-Inference as published (`k2-think-reference`) beside k2's `k2-think` recipe, on one server.

    python bench/reference_vs_k2.py [--n 3] [--solver-delay 1.0] [--call-delay 0.25]

One scripted OpenAI-compatible server answers both recipes: every planner and judge call after
`--call-delay` seconds, every solver call after `--solver-delay`, with the same texts (a topics JSON,
a plan, three different answers, a judge preferring the later response). For each recipe the table
shows the answer chosen, the server calls and tokens per role (the server counts words as tokens),
and the wall time; the last row is k2-think divided by the reference. The reference plans every
sample on its own (2 planner calls per sample) and judges N - 1 pairs one after another; k2-think
plans once and judges pairs in both orders concurrently (a knockout). Compare the ratios, not the
seconds: the machine's load shows in the wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time

import k2_infer  # noqa: F401  (registers the built-in plugins)
from k2_core import Problem
from k2_core.recipes import load_recipe
from k2_infer import reference
from k2_infer.backends.openai import OpenAIBackend
from k2_infer.pipeline import Pipeline
from k2_infer.testing import Reply, ScriptedOpenAIServer, pipeline_step

QUESTION = "What is the sum of the first 100 positive integers?"
ANSWERS = ("5000", "5050", "5100")
ROLES = ("planner", "solver", "judge")


def step_of(body: dict) -> str:
    """Which call a request is, for either recipe: topics, plan, judge or solver."""
    messages = body["messages"]
    if messages[0]["content"] == reference.JUDGE_SYSTEM:
        return "judge"
    text = messages[-1]["content"]
    if text.startswith(reference.TOPICS_PROMPT[:40]):
        return "topics"
    if text.startswith(reference.PLAN_PROMPT[:40]):
        return "plan"
    return pipeline_step(body)


def make_script(solver_delay: float, call_delay: float):
    answers = itertools.cycle(ANSWERS)

    def reply(body: dict) -> Reply:
        step = step_of(body)
        reference_call = body["messages"][0]["content"] == reference.JUDGE_SYSTEM or any(
            m["content"].startswith(("First determine", "You are given a question"))
            for m in body["messages"]
        )
        if step == "topics":
            text = (
                json.dumps({"is_hard_problem": True, "plan": "p", "search_list": ["series"]})
                if reference_call
                else json.dumps({"hard": True, "topics": ["arithmetic series"]})
            )
            return Reply(text, delay=call_delay)
        if step == "plan":
            plan = "Pair the first and last terms."
            return Reply(f"<plan>{plan}</plan>" if reference_call else plan, delay=call_delay)
        if step == "judge":
            text = json.dumps({"index": 1, "explanation": "clearer"}) if reference_call else "B"
            return Reply(text, delay=call_delay)
        texts = [
            f"<think>pairs of 101, fifty of them, so {a}</think> <answer>\\boxed{{{a}}}</answer>"
            for a in (next(answers) for _ in range(body.get("n", 1)))
        ]
        return Reply(texts, delay=solver_delay)

    return reply


async def run(recipe_name: str, base_url: str, n: int) -> tuple[object, float]:
    recipe = load_recipe(recipe_name).override("pipeline", n=n)
    backend = OpenAIBackend(base_url=base_url, model="K2-Think")
    try:
        pipeline = Pipeline.from_recipe(recipe, backend)
        started = time.perf_counter()
        result = await pipeline.run(Problem(id="q", prompt=QUESTION))
        return result, time.perf_counter() - started
    finally:
        await backend.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3)
    parser.add_argument("--solver-delay", type=float, default=1.0)
    parser.add_argument("--call-delay", type=float, default=0.25)
    args = parser.parse_args()

    rows = []
    for name in ("k2-think-reference", "k2-think"):
        with ScriptedOpenAIServer(make_script(args.solver_delay, args.call_delay)) as server:
            result, wall = asyncio.run(run(name, server.base_url, args.n))
            steps = [step_of(body) for body in server.calls]
        calls = {
            "planner": steps.count("topics") + steps.count("plan"),
            "solver": steps.count("solver"),
            "judge": steps.count("judge"),
        }
        tokens = {role: result.usage.get(role) for role in ROLES}
        rows.append((name, result.answer, calls, tokens, wall))

    print(f"N = {args.n}; solver {args.solver_delay:g} s, planner/judge {args.call_delay:g} s")
    header = f"{'recipe':<20}{'answer':>8}  calls p/s/j{'':>3}tokens p/s/j{'':>10}wall s"
    print(header)
    print("-" * len(header))
    for name, answer, calls, tokens, wall in rows:
        call_text = "/".join(str(calls[r]) for r in ROLES)
        token_text = "/".join(str(tokens[r].total_tokens if tokens[r] else 0) for r in ROLES)
        print(f"{name:<20}{answer or '-':>8}  {call_text:<14}{token_text:<22}{wall:>6.2f}")
    (_, _, ref_calls, ref_tokens, ref_wall), (_, _, k2_calls, k2_tokens, k2_wall) = rows
    total = lambda tokens: sum(t.total_tokens for t in tokens.values() if t)  # noqa: E731
    print(
        f"{'k2-think / reference':<20}{'':>8}  "
        f"{sum(k2_calls.values()) / sum(ref_calls.values()):<14.2f}"
        f"{total(k2_tokens) / max(total(ref_tokens), 1):<22.2f}{k2_wall / ref_wall:>6.2f}"
    )


if __name__ == "__main__":
    main()
