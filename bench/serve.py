"""`k2-infer serve` against calling its upstream directly, side by side in one run.

    hatch run python bench/serve.py

1. Pass-through overhead: the same chat request sent to a scripted upstream directly and through the
   server, at concurrency 1 and 64: p50/p99 latency and throughput. Targets: <= 3 ms added at p50,
   >= 0.95x the direct throughput.
2. Pipeline mode at N=8 (k2 planner, tournament judge) with 2 s solver calls and 0.5 s planner and
   judge calls upstream, against the critical path: topics + plan + solver + log2(8) judge rounds
   = 0.5 + 0.5 + 2 + 3 x 0.5 = 4.5 s. Target: <= 1.1x.
3. Time to the first streamed byte in pipeline mode. Target: < 100 ms. The first request also
   opens the upstream backend and builds the pipeline (once per model and options); the warm row
   is every request after it.

The upstream is k2's threaded scripted server; both paths hit the same one, so its own cost is in
the baseline. The server runs as `k2-infer serve` in its own process, as users run it; the load
generator and the upstream share this one. On a 2-core machine all three share the cores, so the
proxy's CPU time shows up in the direct row's neighbours too: compare ratios, not seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from k2_infer.testing import Reply, ScriptedOpenAIServer, judged_pair, pipeline_step

BODY = {"model": "m", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8}


async def _load(url: str, concurrency: int, requests: int) -> tuple[list[float], float]:
    """Latencies (s) of `requests` posts with `concurrency` in flight, and the wall seconds."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        queue = iter(range(requests))

        async def worker() -> None:
            for _ in queue:
                start = time.perf_counter()
                response = await client.post(url, json=BODY)
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(min(concurrency, 4))))  # warm up
        latencies.clear()
        queue = iter(range(requests))
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - start


@contextlib.contextmanager
def serving(upstream: ScriptedOpenAIServer, *options: str) -> Iterator[str]:
    """`k2-infer serve` in front of `upstream` in its own process; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(Path(sys.executable).with_name("k2-infer")), "-q", "serve"]
    command += ["--base-url", upstream.base_url, "--model", "m", "--port", str(port), *options]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(url + "/health")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        yield url + "/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def passthrough(upstream: ScriptedOpenAIServer, served: str) -> None:
    print(f"pass-through overhead (scripted upstream, {upstream.delay * 1e3:.0f} ms per reply)")
    print(f"{'concurrency':>11} {'path':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for concurrency, requests in ((1, 400), (64, 1600)):
        rows = {}
        for path, base in (("direct", upstream.base_url), ("serve", served)):
            latencies, wall = asyncio.run(_load(base + "/chat/completions", concurrency, requests))
            rows[path] = (_pct(latencies, 50), _pct(latencies, 99), requests / wall)
            p50, p99, rate = rows[path]
            print(f"{concurrency:>11} {path:>8} {p50 * 1e3:8.2f} {p99 * 1e3:8.2f} {rate:8.0f}")
        added = (rows["serve"][0] - rows["direct"][0]) * 1e3
        ratio = rows["serve"][2] / rows["direct"][2]
        print(f"{'':>11} added p50 {added:.2f} ms (target <= 3); throughput {ratio:.2f}x (>= 0.95)")


def _timed_steps(body: dict) -> Reply:
    step = pipeline_step(body)
    if step == "topics":
        return Reply('{"hard": true, "topics": ["arithmetic"]}', delay=0.5)
    if step == "plan":
        return Reply("Add the numbers.", delay=0.5)
    if step == "judge":
        a, _ = judged_pair(body)
        return Reply('{"better": "A"}' if "4" in a else '{"better": "B"}', delay=0.5)
    return Reply([f"<think>t</think><answer>{i % 5}</answer>" for i in range(8)], delay=2.0)


def pipeline(served: str) -> None:
    floor = 0.5 + 0.5 + 2.0 + 3 * 0.5
    body = {
        "model": "k2/m",
        "messages": [{"role": "user", "content": "What is 2 + 2?"}],
        "stream": True,
        "k2": {"n": 8, "selector": "tournament", "planner": "k2"},
    }
    print("pipeline mode, N=8, tournament; upstream: 2 s solver, 0.5 s planner and judge calls")
    for run in ("first request", "warm"):
        start = time.perf_counter()
        first = None
        url = served + "/chat/completions"
        with httpx.stream("POST", url, json=body, timeout=60) as response:
            for chunk in response.iter_raw():
                if first is None and chunk:
                    first = time.perf_counter() - start
        wall = time.perf_counter() - start
        print(
            f"  {run:>13}: wall {wall:.2f} s vs critical-path floor {floor:.2f} s: "
            f"{wall / floor:.2f}x (<= 1.1); first streamed byte {first * 1e3:.1f} ms (< 100)"
        )


def main() -> None:
    for delay in (0.0, 0.02):  # an instant reply, and one as quick as a short real completion
        with ScriptedOpenAIServer(Reply("hi there"), model="m", delay=delay) as upstream:
            with serving(upstream) as served:
                passthrough(upstream, served)
    with ScriptedOpenAIServer(_timed_steps, model="m") as upstream:
        with serving(upstream, "--recipe", "k2-think") as served:
            pipeline(served)


if __name__ == "__main__":
    main()
