"""Reward throughput through the TRL reward callable: one process versus the verification pool.

    python bench/rewards.py [--size 2048] [--timeout 2] [--workers 2]

A batch of `--size` responses cycles through every Guru domain (math, code, logic zebra / ordering /
graph / ARC grid, CodeI/O simulation, tabular, multiple choice), each right, wrong, malformed or
hostile, plus a few `stem_web` rows whose judge (the scripted fake backend) answers after 60 s: these
slow samples must be cut at the per-item timeout and counted, not stall the batch. The same batch goes
through `trl_reward(workers=0)` (verification in this process) and `trl_reward(workers=N)` (the pool),
called the way TRL's GRPOTrainer calls a reward function. Printed side by side: samples/s, wall time,
timeouts counted, the CPU this process and its workers used per wall second (2.0 = both cores
busy), and the speed-up; then the same for the rule-based rows alone (no judge waits, no sandbox), where the
work is pure CPU. Target: both cores busy, and no slow sample holding the batch past its timeout.

The machine may be shared: compare the ratio, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter

from k2_verify.guru import compress
from k2_verify.rewards import trl_reward

ZEBRA = {"header": ["House", "Name", "Pet"], "rows": [["1", "Ann", "cat"], ["2", "Bob", "dog"]]}
CODE_TESTS = {"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]}
SUM_PROGRAM = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


def sample(i: int) -> tuple[dict, str]:
    """The i-th row of the batch (dataset columns) and its completion text."""
    n = i % 97 + 2
    kinds = [
        ("math__bench", f"{n}", f"<think>...</think><answer>\\boxed{{{n}}}</answer>"),
        ("math__bench", f"\\frac{{1}}{{{n}}}", f"\\boxed{{{1 / n:.12f}}}"),
        ("math__bench", f"(x+{n})^2", f"\\boxed{{x^2 + {2 * n}x + {n * n}}}"),
        ("math__bench", f"{n}", f"\\boxed{{{n + 1}}}"),
        ("math__bench", f"{n}", "\\boxed{10^{10^{10^{10}}}}"),
        (
            "logic__zebra_puzzle_dataset",
            json.dumps(ZEBRA),
            "<answer>" + json.dumps(ZEBRA) + "</answer>",
        ),
        ("logic__ordering_puzzle_dataset", '["Ann", "Bob", "Cy"]', "<answer>Bob, Ann, Cy</answer>"),
        ("logic__graph_logical_dataset", f"node{n}", f"<answer>NODE{n}</answer>"),
        (
            "simulation__arcagi1",
            compress([[n % 10] * 5] * 5),
            f"<answer>{[[n % 10] * 5] * 5}</answer>",
        ),
        (
            "simulation__codeio",
            json.dumps({"output": [n, n * 2]}),
            f'```json\n{{"output": [{n}.0, {n * 2}]}}\n```',
        ),
        ("table__hitab", f"{n}.5|north", f"\\boxed{{North | {n}.50}}"),
        ("table__finqa", f"{n}%", "no box" + "{" * 5000),
        ("multiple_choice", "C", "The answer is C." if n % 2 else "Answer: (C) or Answer: (D)"),
    ]
    if i % 128 == 0:
        kinds = [("codegen__bench", json.dumps(CODE_TESTS), SUM_PROGRAM)]
    if i % 512 == 1:
        kinds = [("stem_web", "carbon dioxide", "\\boxed{CO2}")]
    source, truth, response = kinds[i % len(kinds)]
    row = {"prompt": [{"role": "user", "content": f"question {i}"}], "ground_truth": truth}
    row["data_source"] = "" if source == "multiple_choice" else source
    row["domain"] = "multiple_choice" if source == "multiple_choice" else ""
    return row, response


def tree_cpu_seconds() -> float:
    """CPU seconds used by this process and every live process under it (pool workers included)."""
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    mine, total = {os.getpid()}, 0.0
    for pid in sorted(parents):  # children have larger pids than their parents, nearly always
        if pid in mine or parents[pid] in mine:
            mine.add(pid)
            total += times[pid]
    return total


def call_like_trl(reward, inputs: list[dict], completions: list) -> tuple[list[float], dict]:
    """What GRPOTrainer._calculate_rewards does: columns as keyword lists, plus the logging hooks."""
    metrics: dict[str, list[float]] = {}
    columns = {key: [row[key] for row in inputs] for key in inputs[0] if key != "prompt"}
    scores = reward(
        prompts=[row["prompt"] for row in inputs],
        completions=completions,
        completion_ids=[[0] * len(c[0]["content"]) for c in completions],
        log_metric=lambda name, value: metrics.setdefault(name, []).append(value),
        log_extra=lambda column, values: None,
        **columns,
    )
    return scores, metrics


def run(workers: int, inputs, completions, timeout: float) -> dict:
    (reward,) = trl_reward(
        workers=workers, timeout=timeout, backend="fake", replies="yes", latency=60
    )
    try:
        if workers:  # start the workers outside the timed run, as a trainer would have them warm
            call_like_trl(reward, inputs[2 : 2 + workers], completions[2 : 2 + workers])
        before = Counter(reward.reasons)
        cpu, start = tree_cpu_seconds(), time.perf_counter()
        scores, metrics = call_like_trl(reward, inputs, completions)
        wall = time.perf_counter() - start
        cpu = tree_cpu_seconds() - cpu
    finally:
        reward.close()
    return {
        "scores": scores,
        "wall": wall,
        "rate": len(scores) / wall,
        "timeouts": int(sum(metrics["k2_verify/timeouts"])),
        "cpu": cpu / wall,
        "reasons": reward.reasons - before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds per item")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    rows = [sample(i) for i in range(args.size)]
    slow = sum(row["data_source"] == "stem_web" for row, _ in rows)
    print(
        f"{args.size} responses, {slow} slow (judge answers after 60 s), timeout {args.timeout} s",
        file=sys.stderr,
    )
    mixed = compare(f"{args.size} mixed responses", rows, args)
    rules = [
        (row, text)
        for row, text in rows
        if row["data_source"] not in ("stem_web", "codegen__bench")
    ]
    compare(f"the {len(rules)} rule-based ones only (no judge, no sandbox)", rules, args)
    print(
        f"\nslowest possible stall: {slow} slow items x {args.timeout} s / {args.workers} workers "
        f"= {slow * args.timeout / args.workers:.1f} s of the pool's {mixed['wall']:.2f} s"
    )
    print("reasons (pool, mixed):", dict(mixed["reasons"].most_common()))


def compare(title: str, rows: list[tuple[dict, str]], args) -> dict:
    """Run `rows` in one process and in the pool; print the table; return the pool's figures."""
    inputs = [row for row, _ in rows]
    completions = [[{"role": "assistant", "content": text}] for _, text in rows]
    print(f"{title}: one process ...", file=sys.stderr)
    single = run(0, inputs, completions, args.timeout)
    print(f"{title}: pool of {args.workers} ...", file=sys.stderr)
    pooled = run(args.workers, inputs, completions, args.timeout)
    print(f"\n| reward callable, {title} | one process | pool of {args.workers} |")
    print("|---|---|---|")
    print(f"| samples/s | {single['rate']:.0f} | {pooled['rate']:.0f} |")
    print(f"| wall seconds | {single['wall']:.2f} | {pooled['wall']:.2f} |")
    print(f"| timeouts counted | {single['timeouts']} | {pooled['timeouts']} |")
    print(f"| CPU used by this process tree (cores) | {single['cpu']:.2f} | {pooled['cpu']:.2f} |")
    mean = [sum(r["scores"]) / len(rows) for r in (single, pooled)]
    print(f"| mean reward | {mean[0]:.3f} | {mean[1]:.3f} |")
    same = single["scores"] == pooled["scores"]
    print(
        f"\npool / one process: {pooled['rate'] / single['rate']:.2f}x samples/s; same scores: {same}"
    )
    return pooled


if __name__ == "__main__":
    main()
