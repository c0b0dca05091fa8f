"""Scale-out: eval throughput with 1 against 2 shards, and the verifier pool's rewards/s as workers grow.

    hatch run python bench/scale.py [--problems 30] [--n 8] [--latency 0.2] [--concurrency 4]
                                    [--pool-items 400]

1. Sharded eval against k2's scripted OpenAI-compatible server on 127.0.0.1, which answers every
   request after a fixed `--latency` (a model server whose replies take that long). The same run of
   `--problems` x `--n` samples (the `aime24` benchmark over a local file, scored by k2-verify's math
   verifier) is made three ways, each 1 shard against 2, each shard with `--concurrency` requests in
   flight, as a user would with one backend (GPU, server) per shard:
   - processes: `k2-infer eval` alone, then `--shard 1/2` and `--shard 2/2` as two processes at once
     (wall time from the first start to the last exit; the merge is timed on its own line);
   - Ray tasks: `--ray --ray-tasks 1`, then `--ray-tasks 2`, on a local Ray cluster started once
     beforehand (2 CPUs, no dashboard), when ray is installed (`pip install 'k2-infer[ray]'`); the
   cluster's start is not timed.
   The ideal for 2 shards is 2.0x. Target: >= 1.8x.
2. `k2_verify.pool.VerifyPool` on symbolic math items (each needs sympy): rewards/s with 1, 2 and 4
   workers beside the ideal, 1 worker's rate times min(workers, CPUs). Workers are started and warm
   before the clock starts.

Every figure is printed beside its baseline as a ratio, with the load average: this machine may be
shared, so compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from k2_infer.testing import ScriptedOpenAIServer

REPLY = "<think>7 * 6</think> <answer>\\boxed{42}</answer>"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def write_problems(folder: Path, count: int) -> Path:
    path = folder / "problems.jsonl"
    rows = [
        {"id": str(i), "problem": f"What is 7 * 6? ({i})", "answer": "42"} for i in range(count)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def eval_command(args: argparse.Namespace, data: Path, server: ScriptedOpenAIServer, out: Path):
    return [
        *(sys.executable, "-m", "k2_infer", "eval", "aime24"),
        *("--backend", "openai", "--base-url", server.base_url, "--model", "m"),
        *("--n", str(args.n), "--data", str(data), "-c", str(args.concurrency), "-o", str(out)),
    ]


def timed_processes(commands: list[list[str]]) -> float:
    """Seconds from starting every command at once to the last one's exit (each must succeed)."""
    start = time.perf_counter()
    processes = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    for process in processes:
        _, err = process.communicate()
        if process.returncode:
            sys.exit(f"{' '.join(process.args[3:6])}... failed: {err.strip().splitlines()[-1:]}")
    return time.perf_counter() - start


def row(label: str, samples: int, seconds: float, baseline: float | None) -> None:
    rate = samples / seconds
    ratio = f"{rate / baseline:.2f}x" if baseline else "1.00x (baseline)"
    print(f"  {label:<31} {seconds:6.2f} s  {rate:7.1f} samples/s  {ratio}")


def shards_as_processes(args, data: Path, server, folder: Path) -> None:
    samples = args.problems * args.n
    print(
        f"eval, processes ({samples} samples, {args.latency * 1e3:.0f} ms a reply, "
        f"-c {args.concurrency} per shard)"
    )
    whole = timed_processes([eval_command(args, data, server, folder / "whole")])
    row("1 process (unsharded)", samples, whole, None)
    shards = [folder / "shard1", folder / "shard2"]
    two = timed_processes(
        [
            [*eval_command(args, data, server, shard), "--shard", f"{i}/2"]
            for i, shard in enumerate(shards, 1)
        ]
    )
    row("2 processes (--shard 1/2, 2/2)", samples, two, samples / whole)
    merge = [sys.executable, "-m", "k2_infer", "eval-merge", *map(str, shards)]
    seconds = timed_processes([[*merge, "-o", str(folder / "merged")]])
    print(f"  {'eval-merge of the 2 shards':<31} {seconds:6.2f} s (a process of its own)")
    print(f"  2 shards with the merge: {whole / (two + seconds):.2f}x")


def shards_as_ray_tasks(args, data: Path, server, folder: Path) -> None:
    try:
        import ray
    except ImportError:
        print("eval, Ray tasks: skipped (pip install 'k2-infer[ray]')")
        return
    from k2_infer.eval.harness import EvalSettings, run_eval
    from k2_infer.eval.ray_runner import RayRunner

    samples = args.problems * args.n
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        print(
            f"eval, Ray tasks on a local cluster ({samples} samples, -c {args.concurrency} "
            "per task)"
        )
        baseline = None
        for tasks in (1, 2):
            settings = EvalSettings.from_recipe(
                "k2-think",
                benchmarks=["aime24"],
                output=folder / f"ray{tasks}",
                backend="openai",
                base_url=server.base_url,
                model="m",
                n=args.n,
                concurrency=args.concurrency,
                data={"aime24": str(data)},
            )
            start = time.perf_counter()
            run_eval(settings, runner=RayRunner(tasks=tasks))
            seconds = time.perf_counter() - start
            row(f"{tasks} Ray task{'s' if tasks > 1 else ''}", samples, seconds, baseline)
            baseline = baseline or samples / seconds
    finally:
        ray.shutdown()


def verifier_pool(items: int) -> None:
    from k2_verify.pool import Job, VerifyPool

    jobs = [  # each distinct, so no worker answers from a cache
        Job(f"\\boxed{{(x+{i + 1})(x-{i + 2})}}", f"x^2 - x - {(i + 1) * (i + 2)}")
        for i in range(items)
    ]
    cpus = os.cpu_count() or 1
    print(f"verifier pool ({items} symbolic math items, {cpus} CPUs)")
    single = None
    for workers in (1, 2, 4):
        with VerifyPool(workers=workers, timeout=10.0) as pool:
            pool.map(jobs[: workers * 4])  # start and warm every worker
            start = time.perf_counter()
            verdicts = pool.map(jobs)
            seconds = time.perf_counter() - start
        assert all(v.correct for v in verdicts), "the bench items must all verify"
        rate = items / seconds
        single = single or rate
        ideal = single * min(workers, cpus)
        print(
            f"  {workers} worker{'s' if workers > 1 else ' '}  {rate:7.1f} rewards/s  "
            f"ideal {ideal:7.1f}  {rate / ideal:.2f}x of ideal  {rate / single:.2f}x of 1 worker"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=30)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--pool-items", type=int, default=400)
    args = parser.parse_args()
    print(load())
    with (
        tempfile.TemporaryDirectory() as tmp,
        ScriptedOpenAIServer(REPLY, delay=args.latency) as server,
    ):
        folder = Path(tmp)
        data = write_problems(folder, args.problems)
        shards_as_processes(args, data, server, folder)
        shards_as_ray_tasks(args, data, server, folder)
    verifier_pool(args.pool_items)
    print(load())


if __name__ == "__main__":
    main()
