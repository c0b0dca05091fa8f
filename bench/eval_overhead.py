"""What the eval harness costs on top of the backend, and how close it gets to ideal throughput.

    python bench/eval_overhead.py [REPEATS]

1. Overhead per sample: a fake backend answering instantly; the harness's wall time per sample
   (request, verification, one JSONL line, progress, the summary) beside the bare backend call.
2. Throughput: a fake backend that takes a fixed 50 ms per request, at concurrency 1, 8 and 64; the
   ideal is concurrency / latency samples per second. Target: within 10% of ideal at concurrency 64.

Each figure is the median of REPEATS runs (default 5), and the load average is printed beside them:
on a busy machine the event loop waits for a CPU, which shows in the ratios.

A toy benchmark and an exact-match verifier are registered here, so only k2-core and k2-infer are
needed and the figures measure the harness, not a verifier. Runs on the fake backend, so machine load
shows in the seconds: compare the ratios.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from k2_core import GenerationRequest, Message, SamplingParams, Verdict, hookimpl
from k2_core.plugins import register_plugin
from k2_core.testing import FakeBackend
from k2_infer.eval.benchmarks import Benchmark, HubSource, math_rows
from k2_infer.eval.harness import EvalSettings, Evaluation

LATENCY = 0.05
REPLY = "<think>short</think> <answer>7</answer>"
CASES = {1: (40, 1), 8: (80, 4), 64: (128, 16)}  # concurrency: (problems, runs each)


class ExactVerifier:
    name = "bench-exact"
    needs_ground_truth = True

    def verify(self, response, problem):
        correct = f"<answer>{problem.ground_truth}" in response
        return Verdict(float(correct), correct, problem.ground_truth, "bench")


class BenchPlugin:
    @hookimpl
    def k2_register_verifiers(self, register):
        register("bench-exact", ExactVerifier, data_sources=["bench__"])

    @hookimpl
    def k2_register_benchmarks(self, register):
        register(
            "bench", Benchmark("bench", "math", HubSource("-", "-"), math_rows("bench__")).factory
        )


def evaluate(folder: Path, data: Path, n: int, concurrency: int, latency: float) -> float:
    """Seconds for one full harness run of `n` runs over the data's problems."""
    settings = EvalSettings(
        ["bench"], folder, n=n, backend="fake", data={"bench": str(data)}, concurrency=concurrency
    )
    evaluation = Evaluation(settings, FakeBackend(REPLY, latency=latency))
    start = time.perf_counter()
    asyncio.run(evaluation.run())
    return time.perf_counter() - start


def bare_calls(count: int) -> float:
    """Seconds for `count` sequential calls to the instant fake backend, no harness."""
    backend = FakeBackend(REPLY)
    request = GenerationRequest([Message("user", "q")], SamplingParams(max_tokens=64))

    async def main():
        for _ in range(count):
            await backend.generate(request)

    start = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - start


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    register_plugin(BenchPlugin(), name="eval-bench")
    print(f"median of {repeats} runs; load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "bench.jsonl"
        rows = [{"id": f"q{i}", "problem": f"question {i}", "answer": "7"} for i in range(128)]
        data.write_text("".join(json.dumps(row) + "\n" for row in rows))

        samples = 128 * 16
        harness = statistics.median(
            evaluate(root / f"zero{i}", data, n=16, concurrency=64, latency=0.0)
            for i in range(repeats)
        )
        bare = statistics.median(bare_calls(samples) for _ in range(repeats))
        print("overhead per sample, zero-latency backend (2048 samples, concurrency 64)")
        print(f"  {'harness':<18} {1e6 * harness / samples:9.0f} µs/sample")
        print(f"  {'bare backend call':<18} {1e6 * bare / samples:9.0f} µs/sample")
        print(f"  harness overhead   {1e6 * (harness - bare) / samples:9.0f} µs/sample")
        print()
        print(f"throughput, backend latency {1000 * LATENCY:.0f} ms")
        print(f"  {'concurrency':>11} {'samples':>8} {'samples/s':>10} {'ideal':>8} {'ratio':>6}")
        for concurrency, (problems, n) in CASES.items():
            subset = root / f"subset{concurrency}.jsonl"
            subset.write_text("".join(json.dumps(row) + "\n" for row in rows[:problems]))
            seconds = statistics.median(
                evaluate(root / f"c{concurrency}-{i}", subset, n, concurrency, LATENCY)
                for i in range(repeats)
            )
            rate, ideal = problems * n / seconds, concurrency / LATENCY
            print(
                f"  {concurrency:>11} {problems * n:>8} {rate:>10.1f} {ideal:>8.1f} {rate / ideal:>6.2f}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
