"""Wall time and server calls of the K2 pipeline for one question, beside a sequential pipeline.

    python bench/pipeline.py

A local scripted OpenAI-compatible server answers after fixed delays (solver 2 s, planner and judge
0.5 s each). The sequential baseline is the straightforward pipeline: plan (two calls), N samples one
by one, then a linear judge scan (N - 1 calls, one order each). The K2 pipeline asks for the N samples
in one request and judges pairs in both orders concurrently; `tournament` also runs each round's pairs
at once. A judge round is a wave of judge requests reaching the server together (arrivals less than
half a judge delay apart). Target at N = 8: under 6 s wall, at most two planner calls and at most 3
judge rounds. The machine's load shows in the wall times: compare the ratios, not the seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import k2_infer
from k2_core import GenerationRequest, Message, Problem, SamplingParams
from k2_infer.backends.openai import OpenAIBackend
from k2_infer.planners import K2Planner
from k2_infer.selectors import JUDGE_PROMPT, read_preference
from k2_infer.testing import Reply, ScriptedOpenAIServer, pipeline_step

SOLVER_DELAY, PLANNER_DELAY, JUDGE_DELAY = 2.0, 0.5, 0.5
QUESTION = "What is the sum of the first 100 positive integers?"
judge_arrivals: list[float] = []


def reply(body: dict) -> Reply:
    step = pipeline_step(body)
    if step == "judge":
        judge_arrivals.append(time.perf_counter())
        return Reply('{"better": "B", "reason": "clearer"}', delay=JUDGE_DELAY)
    if step == "topics":
        return Reply('{"hard": true, "topics": ["arithmetic series"]}', delay=PLANNER_DELAY)
    if step == "plan":
        return Reply("Pair the first and last terms.", delay=PLANNER_DELAY)
    return Reply(
        "<think>pairs of 101, fifty of them</think><answer>5050</answer>",
        delay=SOLVER_DELAY,
    )


async def sequential(base_url: str, n: int) -> None:
    """Plan, then N samples one after another, then a linear judge scan in one order."""
    backend = OpenAIBackend(base_url=base_url, model="scripted")
    problem = Problem(id="q", prompt=QUESTION)
    try:
        plan = await K2Planner().plan(problem, backend)
        prompt = f"{QUESTION}\n\n{plan.text}"
        texts = []
        for _ in range(n):
            request = GenerationRequest([Message("user", prompt)], SamplingParams(max_tokens=512))
            texts.append((await backend.generate(request))[0].text)
        best = texts[0]
        for challenger in texts[1:]:
            judge = JUDGE_PROMPT.format(problem=QUESTION, a=best, b=challenger)
            request = GenerationRequest([Message("user", judge)], role="judge")
            if read_preference((await backend.generate(request))[0].text) == "B":
                best = challenger
    finally:
        await backend.aclose()


def rounds(arrivals: list[float]) -> int:
    """How many waves of judge requests arrived (a gap of half a judge delay starts a new one)."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    return (1 if arrivals else 0) + sum(gap > JUDGE_DELAY / 2 for gap in gaps)


def measure(run) -> tuple[float, dict[str, int], int]:
    """(wall seconds, server calls per role, judge rounds) for one question."""
    judge_arrivals.clear()
    with ScriptedOpenAIServer(reply) as server:
        start = time.perf_counter()
        run(server.base_url)
        wall = time.perf_counter() - start
        calls = {role: 0 for role in ("planner", "solver", "judge")}
        for body in server.calls:
            step = pipeline_step(body)
            calls["planner" if step in ("topics", "plan") else step] += 1
    return wall, calls, rounds(sorted(judge_arrivals))


def run_sequential(n: int):
    return lambda base_url: asyncio.run(sequential(base_url, n))


def run_k2(n: int, selector: str):
    return lambda base_url: k2_infer.solve(
        QUESTION, backend="openai", base_url=base_url, model="scripted", n=n, selector=selector
    )


def main() -> None:
    print(
        f"server delays: solver {SOLVER_DELAY} s, planner {PLANNER_DELAY} s, judge {JUDGE_DELAY} s"
    )
    measure(run_k2(1, "first"))  # warm up: imports, plugin registry, first connection
    header = (
        f"{'N':>2}  {'pipeline':<26} {'wall s':>7} {'speedup':>8}  calls plan/solve/judge  rounds"
    )
    print(header)
    print("-" * len(header))
    for n in (3, 8):
        base_wall = None
        rows = [
            ("sequential (baseline)", run_sequential(n)),
            ("k2 pairwise-judge", run_k2(n, "pairwise-judge")),
            ("k2 tournament", run_k2(n, "tournament")),
        ]
        for name, run in rows:
            wall, calls, judged = measure(run)
            base_wall = base_wall or wall
            counts = f"{calls['planner']}/{calls['solver']}/{calls['judge']}"
            print(
                f"{n:>2}  {name:<26} {wall:>7.2f} {base_wall / wall:>7.2f}x  {counts:>22}  {judged:>6}"
            )
            if n == 8 and name == "k2 tournament":
                met = wall < 6 and calls["planner"] <= 2 and judged <= 3
                print(
                    f"target at N = 8 (< 6 s, <= 2 planner calls, <= 3 judge rounds): "
                    f"{'met' if met else 'NOT met'}"
                )


if __name__ == "__main__":
    main()
