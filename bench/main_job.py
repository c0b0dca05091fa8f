"""The README's main job, `k2-infer solve "What is 7 * 6?"`, run as a new user runs it.

Printed beside the figures measured before issue 20 (fresh clone, 2 cores):

- the first solve after install with a fresh k2 home, model preparation included (target <= 60 s);
- over `--runs` warm runs (default 5): planner parse rate and judge parse rate (target 100%; before:
  0%, every run fell back), how many answers are right (graded by k2-verify's math verifier; before:
  3 of 9), and the median wall seconds (target <= 10 s on 2 cores; before: 25 s quiet, 38-76 s busy).

Every run is the CLI in a subprocess (`--json` added so the result can be read; the human summary
goes to stderr as usual), so interpreter start-up and model loading are counted as a user sees them.

    hatch run python bench/main_job.py [--runs 5] [--question "What is 7 * 6?"] [--answer 42]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from k2_verify.api import score

BASELINE = {"parse": "0%", "correct": "3 of 9", "median": "25 s (38-76 s busy)", "first": "-"}
JUDGED = re.compile(r"judge \((\d+) of (\d+) replies usable\)")
UNJUDGED = re.compile(r"none of the (\d+) judge replies")


def solve(question: str, home: str) -> tuple[dict, str, float]:
    """One CLI run: its JSON result, its stderr and its wall seconds."""
    command = [str(Path(sys.executable).with_name("k2-infer")), "solve", question, "--json"]
    env = {**os.environ, "K2_HOME": home, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"k2-infer solve failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout), done.stderr, wall


def judge_replies(result: dict) -> tuple[int, int]:
    """(readable, asked) judge replies of one run, from the selection and the fallback events."""
    asked = parsed = 0
    for text in [result["selection"]["reason"], *result["events"]]:
        if found := JUDGED.search(text):
            parsed, asked = parsed + int(found[1]), asked + int(found[2])
        elif found := UNJUDGED.search(text):
            asked += int(found[1])
    return parsed, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default="What is 7 * 6?")
    parser.add_argument("--answer", default="42")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="k2-home-") as home:
        _, _, first = solve(args.question, home)  # converts and caches the embedded model
        runs = [solve(args.question, home) for _ in range(args.runs)]

    planned = sum(
        not any("planner" in e and "failed" in e for e in r["events"]) for r, _, _ in runs
    )
    judged = [judge_replies(r) for r, _, _ in runs]
    parsed, asked = sum(p for p, _ in judged), sum(a for _, a in judged)
    right = sum(score(r["text"], args.answer).correct for r, _, _ in runs)
    walls = [wall for _, _, wall in runs]

    rows = [
        ("first solve, fresh k2 home (s)", f"{first:.1f}", BASELINE["first"], "<= 60"),
        ("planner parse rate", f"{planned / len(runs):.0%}", BASELINE["parse"], "100%"),
        ("judge parse rate", f"{parsed / asked:.0%}" if asked else "-", BASELINE["parse"], "100%"),
        ("correct answers", f"{right} of {len(runs)}", BASELINE["correct"], "-"),
        ("median wall, warm (s)", f"{statistics.median(walls):.1f}", BASELINE["median"], "<= 10"),
    ]
    print(f"{'figure':34} {'now':>10} {'before':>20} {'target':>8}")
    for name, now, before, target in rows:
        print(f"{name:34} {now:>10} {before:>20} {target:>8}")
    print(
        f"walls: {', '.join(f'{w:.1f}' for w in walls)}; answers: "
        f"{', '.join(repr(r['answer']) for r, _, _ in runs)}"
    )
    print("last run's summary (stderr):")
    print("\n".join(line for line in runs[-1][1].splitlines() if not line.startswith("[k2]")))


if __name__ == "__main__":
    main()
