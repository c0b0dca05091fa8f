"""Can the `cerebras` backend keep up with Cerebras' ~2,000 tokens/s per request?

A fake Cerebras server (in its own process, so it does not share the GIL) streams a 2,000-token reply
as fast as it can, one token per chunk. The figures, each beside its baseline:

- one stream read by the `cerebras` backend (SDK, defensive chunk reading, limiter) vs the same
  stream read with bare httpx and json.loads: the backend's own overhead;
- that rate vs K2 Think's 2,000 tokens/s on Cerebras: the headroom on this machine;
- 8 concurrent streams, aggregate, vs 8 x 2,000 tokens/s.

    hatch run python bench/cerebras_stream_overhead.py [--tokens 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time

import httpx

from k2_cerebras.backend import CerebrasBackend
from k2_cerebras.testing import FakeCerebrasServer
from k2_core.types import GenerationRequest, Message, SamplingParams

CEREBRAS_TOKENS_PER_SECOND = 2000  # K2 Think on the Wafer-Scale Engine (REFERENCE.md)
KEY = "csk-bench"


def serve(tokens: int, url_queue) -> None:
    with FakeCerebrasServer(" ".join(["tok"] * tokens), api_key=KEY) as server:
        url_queue.put(server.url)
        time.sleep(3600)


async def raw_httpx(url: str) -> tuple[int, float]:
    """Baseline: the same stream read with bare httpx, one json.loads per chunk (warm connection)."""
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "go"}], "stream": True}
    headers = {"Authorization": f"Bearer {KEY}"}

    async def read(client: httpx.AsyncClient) -> int:
        tokens = 0
        request = client.stream("POST", f"{url}/v1/chat/completions", json=body, headers=headers)
        async with request as response:
            async for line in response.aiter_lines():
                if line.startswith("data: ") and not line.startswith("data: [DONE]"):
                    choices = json.loads(line[6:]).get("choices") or [{}]
                    tokens += bool((choices[0].get("delta") or {}).get("content"))
        return tokens

    async with httpx.AsyncClient(timeout=60) as client:
        await read(client)  # warm up, as the backend run does
        start = time.perf_counter()
        tokens = await read(client)
        return tokens, time.perf_counter() - start


async def backend_streams(url: str, max_tokens: int, n: int) -> tuple[int, float]:
    """`n` concurrent streams through the `cerebras` backend: completion tokens and wall seconds."""
    backend = CerebrasBackend("fake-model", base_url=url, api_key=KEY)
    request = GenerationRequest([Message("user", "go")], SamplingParams(max_tokens=max_tokens, n=n))
    try:
        await backend.generate(GenerationRequest([Message("user", "warm up")]))
        start = time.perf_counter()
        completions = await backend.generate(request)
        wall = time.perf_counter() - start
    finally:
        await backend.aclose()
    return sum(c.usage.completion_tokens for c in completions), wall


def best_rate(run, repeats: int) -> float:
    """The best tokens/s over `repeats` runs (the least disturbed by other work on the machine)."""
    rates = []
    for _ in range(repeats):
        tokens, seconds = asyncio.run(run())
        rates.append(tokens / seconds)
    return max(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.tokens, queue), daemon=True)
    server.start()
    url = queue.get(timeout=30)
    try:
        baseline = best_rate(lambda: raw_httpx(url), args.repeats)
        one = best_rate(lambda: backend_streams(url, args.tokens, 1), args.repeats)
        many = best_rate(lambda: backend_streams(url, args.tokens, args.concurrency), args.repeats)
    finally:
        server.terminate()

    target_many = args.concurrency * CEREBRAS_TOKENS_PER_SECOND
    rows = [
        ("1 stream, cerebras backend", one, "bare httpx + json", baseline),
        ("1 stream, cerebras backend", one, "Cerebras 2,000 tok/s", CEREBRAS_TOKENS_PER_SECOND),
        (
            f"{args.concurrency} streams, aggregate",
            many,
            f"{args.concurrency} x 2,000",
            target_many,
        ),
    ]
    print(f"{args.tokens}-token streams from a local fake server, best of {args.repeats}")
    print("(the fake server, in Python, caps every rate here: these are lower bounds)")
    print(f"{'measure':<30} {'tok/s':>9}  {'baseline':<22} {'tok/s':>9}  {'ratio':>6}")
    for name, value, base_name, base in rows:
        print(f"{name:<30} {value:>9.0f}  {base_name:<22} {base:>9.0f}  {value / base:>6.2f}")


if __name__ == "__main__":
    main()
