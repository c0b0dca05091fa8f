"""Write `adaptive_traces_synthetic.jsonl`: SYNTHETIC reasoning traces for `bench/adaptive.py`.

No model produced these. They imitate what DeepConf (arXiv 2508.15260) and its predecessors report
of real traces, so the replay bench has something to run on any machine; replace them with a real
`samples.jsonl` (with logprobs) whenever one is at hand.

- Each problem has a difficulty; a trace is correct with probability 1 - difficulty, and a wrong
  trace picks one of three distractor answers (the first far more often, as models repeat mistakes).
- Wrong traces run longer (lognormal lengths, median 300 tokens correct, 450 wrong; real
  reasoning traces are ten times longer, so the bench scales DeepConf's 2,048-token window down).
- Per-token confidence (DeepConf's C_i) wanders around a per-trace level (AR(1) noise); correct traces
  sit a little higher on average (2.2 vs 2.0, overlapping), and 60% of wrong traces (15% of correct
  ones) have a stretch of confusion (a dip of 60-120 tokens at 1.5), which the lowest group
  confidence picks up: it tells correct from wrong with an AUROC near 0.8, not perfectly.
- Latency: tokens at 60 tokens/s plus 0.3 s to the first token.

One JSON object per trace, in the fields `k2-infer eval` writes to samples.jsonl plus `confidences`
(per-token C_i, one decimal): benchmark, problem_id, run, status, correct, extracted, ground_truth,
completion_tokens, latency, confidences. Deterministic: `python bench/data/build_adaptive_traces.py`.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

PROBLEMS, TRACES, SEED = 20, 32, 2508
OUT = Path(__file__).parent / "adaptive_traces_synthetic.jsonl"


def confidences(rng: random.Random, length: int, level: float, dip: bool) -> list[float]:
    values, drift = [], 0.0
    start = rng.randrange(length // 4, length)
    width = rng.randint(60, 120)
    for i in range(length):
        drift = 0.97 * drift + rng.gauss(0, 0.04)
        base = 1.5 if dip and start <= i < start + width else level
        values.append(round(max(0.05, base + drift + rng.gauss(0, 0.4)), 1))
    return values


def trace(rng: random.Random, problem: int, run: int, difficulty: float) -> dict:
    correct = rng.random() > difficulty
    answer = (
        str(100 + problem) if correct else str(rng.choices([1, 2, 3], [6, 2, 1])[0] * 7 + problem)
    )
    median = 300 if correct else 450
    length = max(40, int(median * math.exp(rng.gauss(0, 0.35))))
    level = rng.gauss(2.2 if correct else 2.0, 0.25)
    dip = rng.random() < (0.6 if not correct else 0.15)
    return {
        "benchmark": "synthetic",
        "problem_id": f"s{problem:02d}",
        "run": run,
        "status": "ok",
        "correct": correct,
        "extracted": answer,
        "ground_truth": str(100 + problem),
        "completion_tokens": length,
        "latency": round(0.3 + length / 60, 3),
        "confidences": confidences(rng, length, level, dip),
    }


def main() -> None:
    rng = random.Random(SEED)
    with OUT.open("w") as out:
        for problem in range(PROBLEMS):
            difficulty = rng.uniform(0.15, 0.7)
            for run in range(TRACES):
                out.write(json.dumps(trace(rng, problem, run, difficulty)) + "\n")
    print(f"wrote {OUT} ({PROBLEMS} problems x {TRACES} traces, synthetic)")


if __name__ == "__main__":
    main()
