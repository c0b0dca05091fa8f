"""`k2-infer serve` against calling its upstream directly, side by side in one run.

    hatch run python bench/serve.py [--pin]

1. Pass-through overhead: the same chat request sent to an upstream directly and through the
   server, at concurrency 1 and 64: p50/p99 latency, throughput, and the server's CPU time per
   request. Targets: <= 3 ms added at p50, >= 0.95x the direct throughput.
   - Headline: an upstream that answers after a fixed 50 ms, like a short real completion. Its
     latency, not the CPU, bounds the direct throughput, so what the server adds is what shows.
   - Reference: a bare forwarder (uvicorn + one aiohttp session, nothing else: no keys, limits,
     validation, deadlines or metrics), the floor for this stack on this machine. What `serve`
     costs beyond it is the server's own logic; what the bare forwarder costs is the stack's.
   - `--pin` runs the headline again with the proxies on CPU 1 and the load generator and the
     upstream on CPU 0, as when a proxy does not share its cores with its clients and upstream.
   - Worst case: an instant upstream. Then every path is CPU-bound and, on a small machine, the
     load generator, the server and the upstream share the cores: the ratio there is the server's
     CPU cost against the upstream's, not a latency the server adds.
2. Pipeline mode at N=8 (k2 planner, tournament judge) with 2 s solver calls and 0.5 s planner and
   judge calls upstream, against the critical path: topics + plan + solver + log2(8) judge rounds
   = 0.5 + 0.5 + 2 + 3 x 0.5 = 4.5 s. Target: <= 1.1x.
3. Time to the first streamed byte in pipeline mode, from the request sent on an open connection to
   the first body byte. Target: < 100 ms. The first request also builds the pipeline for its
   options (once per model and options); the warm rows are requests after it.

Each of the upstream, the server (`k2-infer serve`, as users run it) and the load generator runs
in its own process. The pass-through upstream and load generator are deliberately lean (a bare ASGI
app on uvicorn; raw keep-alive connections parsed by httptools), so their own CPU cost stays small
beside the server's; the pipeline upstream is k2's scripted server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httptools
import httpx
import psutil
import uvicorn

from k2_infer.testing import Reply, ScriptedOpenAIServer, judged_pair, pipeline_step

BODY = {"model": "m", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8}
ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi there"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str) -> None:
    for _ in range(600):
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


# -- the pass-through upstream: one fixed answer after a fixed delay --------------------------------


def run_upstream(port: int, delay: float) -> None:
    """Serve `ANSWER` to every request after `delay` seconds (this process's whole job)."""
    answer = json.dumps(ANSWER).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]

    async def app(scope, receive, send) -> None:
        while (await receive()).get("more_body"):
            pass
        if delay:
            await asyncio.sleep(delay)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    uvicorn.run(app, port=port, log_level="warning", access_log=False, lifespan="off", backlog=2048)


def run_forwarder(port: int, base_url: str) -> None:
    """Forward every request's body to `base_url`'s chat route and return its answer, nothing
    else (this process's whole job): the reference row."""
    session: aiohttp.ClientSession | None = None
    target = base_url + "/chat/completions"
    json_type = {"Content-Type": "application/json"}

    async def app(scope, receive, send) -> None:
        nonlocal session
        if scope["type"] == "lifespan":
            while (await receive())["type"] == "lifespan.startup":
                session = aiohttp.ClientSession(auto_decompress=False)
                await send({"type": "lifespan.startup.complete"})
            await session.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        async with session.post(target, data=body, headers=json_type) as answer:
            content = await answer.read()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(content)),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    uvicorn.run(app, port=port, log_level="warning", access_log=False, backlog=2048)


@dataclass
class Served:
    """A server in a process of its own: the process (for its CPU time) and its `/v1` URL."""

    process: psutil.Process
    base_url: str


@contextlib.contextmanager
def process(command: list[str], port: int, ready_path: str) -> Iterator[Served]:
    child = subprocess.Popen(command)
    try:
        _wait_for(f"http://127.0.0.1:{port}{ready_path}")
        yield Served(psutil.Process(child.pid), f"http://127.0.0.1:{port}/v1")
    finally:
        child.terminate()
        child.wait(timeout=30)


def upstream(delay: float) -> contextlib.AbstractContextManager[Served]:
    port = _free_port()
    command = [sys.executable, __file__, "--upstream", str(port), "--delay", str(delay)]
    return process(command, port, "/")


def forwarder(base_url: str) -> contextlib.AbstractContextManager[Served]:
    port = _free_port()
    command = [sys.executable, __file__, "--forwarder", str(port), "--to", base_url]
    return process(command, port, "/v1/chat/completions")


def serving(base_url: str, *options: str) -> contextlib.AbstractContextManager[Served]:
    """`k2-infer serve` in front of `base_url` in its own process."""
    port = _free_port()
    command = [str(Path(sys.executable).with_name("k2-infer")), "-q", "serve"]
    command += ["--base-url", base_url, "--model", "m", "--port", str(port), *options]
    return process(command, port, "/health")


# -- the load generator: keep-alive connections, responses parsed by httptools -------------------


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection that sends a request and waits for its whole response."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.answered: asyncio.Future[int] | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        self.answered.set_result(self.parser.get_status_code())

    async def send(self, request: bytes) -> int:
        self.answered = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.answered


async def _load(url: str, concurrency: int, requests: int) -> tuple[list[float], float]:
    """Latencies (s) of `requests` posts with `concurrency` in flight, and the wall seconds."""
    address = httpx.URL(url)
    body = json.dumps(BODY).encode()
    request = (
        f"POST {address.path} HTTP/1.1\r\nHost: {address.host}:{address.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    loop = asyncio.get_running_loop()
    connections = [
        (await loop.create_connection(_Connection, address.host, address.port))[1]
        for _ in range(concurrency)
    ]
    latencies: list[float] = []

    async def worker(connection: _Connection, count: int) -> None:
        for _ in range(count):
            start = time.perf_counter()
            status = await connection.send(request)
            latencies.append(time.perf_counter() - start)
            assert status == 200, status

    await asyncio.gather(*(worker(c, 5) for c in connections))  # warm up
    latencies.clear()
    start = time.perf_counter()
    await asyncio.gather(*(worker(c, requests // concurrency) for c in connections))
    wall = time.perf_counter() - start
    for connection in connections:
        connection.transport.close()
    return latencies, wall


def _measure(url: str, concurrency: int, requests: int) -> tuple[list[float], float]:
    import uvloop

    return uvloop.run(_load(url, concurrency, requests))


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def _pin(pin: bool, *proxies: Served) -> None:
    """With `pin`, each proxy on CPU 1 and this process (the load generator) with the upstream on
    CPU 0, as when the proxy does not share its cores with its clients and upstream."""
    if pin:
        for proxy in proxies:
            for thread in proxy.process.threads():
                os.sched_setaffinity(thread.id, {1})


def passthrough(delay: float, label: str, pin: bool) -> None:
    where = "; proxies pinned to CPU 1, the rest to CPU 0" if pin else ""
    print(f"pass-through, {label}: upstream answers after {delay * 1e3:.0f} ms{where}")
    print(
        f"{'concurrency':>11} {'path':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'CPU/req':>8}"
    )
    with upstream(delay) as up, serving(up.base_url) as proxy, forwarder(up.base_url) as bare:
        _pin(pin, proxy, bare)
        for concurrency, requests in ((1, 300 if delay else 2000), (64, 3200 if delay else 6400)):
            rows = {}
            paths = (("direct", up), ("bare", bare), ("serve", proxy))
            for path, served in paths * 2:  # interleaved
                cpu = sum(served.process.cpu_times()[:2])
                url = served.base_url + "/chat/completions"
                latencies, wall = _measure(url, concurrency, requests)
                cpu_ms = (sum(served.process.cpu_times()[:2]) - cpu) / len(latencies) * 1e3
                row = (_pct(latencies, 50), _pct(latencies, 99), len(latencies) / wall, cpu_ms)
                rows[path] = max(rows.get(path, row), row, key=lambda r: r[2])  # best of two
            for path, (p50, p99, rate, cpu_ms) in rows.items():
                print(
                    f"{concurrency:>11} {path:>7} {p50 * 1e3:8.2f} {p99 * 1e3:8.2f} "
                    f"{rate:8.0f} {cpu_ms:6.2f}ms"
                )
            for path in ("serve", "bare"):
                added = (rows[path][0] - rows["direct"][0]) * 1e3
                ratio = rows[path][2] / rows["direct"][2]
                target = " (<= 3 ms; >= 0.95x)" if path == "serve" else " (the stack's floor)"
                print(f"{path:>18}: added p50 {added:.2f} ms, throughput {ratio:.2f}x{target}")


# -- pipeline mode --------------------------------------------------------------------------------


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


def pipeline() -> None:
    floor = 0.5 + 0.5 + 2.0 + 3 * 0.5
    body = {
        "model": "k2/m",
        "messages": [{"role": "user", "content": "What is 2 + 2?"}],
        "stream": True,
        "k2": {"n": 8, "selector": "tournament", "planner": "k2"},
    }
    print("pipeline mode, N=8, tournament; upstream: 2 s solver, 0.5 s planner and judge calls")
    with ScriptedOpenAIServer(_timed_steps, model="m") as scripted:
        with serving(scripted.base_url, "--recipe", "k2-think") as proxy:
            url = proxy.base_url + "/chat/completions"
            with httpx.Client(timeout=60) as client:
                client.get(url.removesuffix("/v1/chat/completions") + "/health")  # connected
                for run in ("first request", "warm", "warm"):
                    start = time.perf_counter()
                    first = None
                    with client.stream("POST", url, json=body) as response:
                        for chunk in response.iter_raw():
                            if first is None and chunk:
                                first = time.perf_counter() - start
                    wall = time.perf_counter() - start
                    print(
                        f"  {run:>13}: wall {wall:.2f} s vs critical-path floor {floor:.2f} s: "
                        f"{wall / floor:.2f}x (<= 1.1); first streamed byte "
                        f"{first * 1e3:.1f} ms (< 100)"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=int, help=argparse.SUPPRESS)  # the upstream process
    parser.add_argument("--delay", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--forwarder", type=int, help=argparse.SUPPRESS)  # the reference row
    parser.add_argument("--to", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="also measure pass-through with the proxies on a core of their own",
    )
    args = parser.parse_args()
    if args.upstream:
        run_upstream(args.upstream, args.delay)
        return
    if args.forwarder:
        run_forwarder(args.forwarder, args.to)
        return
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs at the start")
    passthrough(0.05, "headline", pin=False)
    if args.pin:
        os.sched_setaffinity(0, {0})  # the upstream started next inherits it
        passthrough(0.05, "headline", pin=True)
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    passthrough(0.0, "CPU-bound worst case", pin=False)
    pipeline()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
