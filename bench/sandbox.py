"""Throughput of the code sandbox against a bare `subprocess.run([python, file])` with a timeout.

    python bench/sandbox.py [--rounds 12] [--workers N]

The jobs are LiveCodeBench public stdin tests (../shared/benchmarks/livecodebench) run by the
reference programs of tests/k2_verify/code/test_code_livecodebench.py, repeated to a few hundred
runs. Both sides use the same thread pool (one worker per core by default) and check every output.
Phases alternate (bare, sandbox, bare, sandbox) so that load from elsewhere hits both alike.
Prints tests/s, ms per test, the ratio sandbox/bare per test (target: at most 1.5), and how busy
the machine's cores were (from /proc/stat, so other load on the machine counts too).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from k2_verify.code.compare import outputs_match
from k2_verify.sandbox import Limits, SandboxPool, choose_mechanism

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests/k2_verify/code/test_code_livecodebench.py"
TIMEOUT = 10.0


def load_jobs(rounds: int) -> list[tuple[str, str, str]]:
    """`(program, stdin, expected stdout)` for every public test of the solved problems, `rounds`
    times over."""
    spec = importlib.util.spec_from_file_location("lcb_reference", REFERENCE)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    rows = json.loads(reference.DATA.read_text())
    jobs = [
        (program, test["input"], test["output"])
        for index, (_, program) in sorted(reference.STDIN_SOLUTIONS.items())
        for test in rows[index]["tests"]
    ]
    return jobs * rounds


def busy_cores() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine so far."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run_bare(jobs, workers: int, folder: Path) -> tuple[int, float]:
    files = {}
    for program, _, _ in jobs:
        if program not in files:
            files[program] = folder / f"program_{len(files)}.py"
            files[program].write_text(program)

    def one(job) -> bool:
        program, stdin, expected = job
        done = subprocess.run(
            [sys.executable, str(files[program])],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return done.returncode == 0 and outputs_match(done.stdout, expected)

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(one, jobs)), 0.0


def run_sandboxed(jobs, workers: int) -> tuple[int, float]:
    with SandboxPool(workers, Limits(wall_time=TIMEOUT)) as pool:
        results = pool.map([(program, stdin) for program, stdin, _ in jobs])
    correct = sum(
        r.status == "ok" and outputs_match(r.stdout, expected)
        for r, (_, _, expected) in zip(results, jobs, strict=True)
    )
    return correct, sum(r.cpu_time for r in results)


def measure(name: str, work) -> dict:
    busy_before, total_before = busy_cores()
    started = time.perf_counter()
    correct, _ = work()
    seconds = time.perf_counter() - started
    busy_after, total_after = busy_cores()
    busy = (busy_after - busy_before) / max(total_after - total_before, 1)
    return {"name": name, "seconds": seconds, "correct": correct, "busy": busy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=12, help="Repeat the tests this many times.")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="Parallel runs.")
    args = parser.parse_args()
    jobs = load_jobs(args.rounds)
    mechanism = choose_mechanism()
    cores = os.cpu_count()
    print(f"{len(jobs)} stdin tests, {args.workers} workers, {cores} cores, isolation {mechanism}")
    with tempfile.TemporaryDirectory() as folder:
        run_bare(jobs[:4], args.workers, Path(folder))  # warm caches on both sides
        run_sandboxed(jobs[:4], args.workers)
        phases = []
        for _ in range(2):
            phases.append(measure("bare", lambda: run_bare(jobs, args.workers, Path(folder))))
            phases.append(measure("sandbox", lambda: run_sandboxed(jobs, args.workers)))
            print(
                f"  {phases[-2]['seconds']:.2f} s bare, {phases[-1]['seconds']:.2f} s sandbox",
                file=sys.stderr,
            )
    print(f"{'method':<22}{'tests/s':>9}{'ms/test':>9}{'correct':>9}{'cores busy':>12}")
    best = {}
    for name in ("bare", "sandbox"):
        runs = [p for p in phases if p["name"] == name]
        fastest = min(runs, key=lambda p: p["seconds"])
        best[name] = fastest["seconds"]
        label = "bare subprocess" if name == "bare" else f"sandbox ({mechanism})"
        print(
            f"{label:<22}{len(jobs) / fastest['seconds']:>9.1f}"
            f"{1000 * fastest['seconds'] / len(jobs):>9.2f}"
            f"{fastest['correct']:>5}/{len(jobs):<4}{fastest['busy'] * cores:>7.2f} of {cores}"
        )
    print(f"ratio sandbox/bare per test: {best['sandbox'] / best['bare']:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
