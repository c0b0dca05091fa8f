"""Measure a Cerebras model: time to first token and tokens/s, per request and in aggregate.

Per request, tokens/s comes two ways: from the server's `time_info.completion_time` (decode speed on
the wafer) and from the wall clock (what the caller sees, network and queueing included). The
aggregate is all completion tokens over the wall time of the whole run.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from dataclasses import dataclass, field

from k2_core.types import Completion, GenerationRequest, Message, SamplingParams

from .backend import gather_or_cancel

log = logging.getLogger("k2.cerebras.bench")

DEFAULT_PROMPT = "Explain, step by step, why the sum of the first n odd numbers is n squared."


@dataclass
class BenchReport:
    """One bench run: a completion per request, the run's wall time and concurrency."""

    completions: list[Completion] = field(default_factory=list)
    wall: float = 0.0
    concurrency: int = 1

    @property
    def tokens(self) -> int:
        return sum(c.usage.completion_tokens for c in self.completions)

    @property
    def aggregate_tokens_per_second(self) -> float:
        return self.tokens / self.wall if self.wall > 0 else 0.0

    def median(self, metric: str) -> float | None:
        values = [c.metrics[metric] for c in self.completions if metric in c.metrics]
        return statistics.median(values) if values else None

    def table(self) -> str:
        """A plain-text table: one row per request, then the aggregate."""
        lines = [
            f"{'request':>7}  {'ttft_s':>7}  {'tokens':>6}  {'tok/s server':>12}  {'tok/s wall':>10}"
        ]
        for i, c in enumerate(self.completions, 1):
            ttft = c.metrics.get("time_to_first_token")
            server = c.metrics.get("server_tokens_per_second")
            lines.append(
                f"{i:>7}  {_num(ttft, 3):>7}  {c.usage.completion_tokens:>6}  "
                f"{_num(server, 1):>12}  {c.tokens_per_second:>10.1f}"
            )
        lines.append(
            f"aggregate: {len(self.completions)} requests at concurrency {self.concurrency}, "
            f"{self.tokens} tokens in {self.wall:.2f} s = {self.aggregate_tokens_per_second:.1f} "
            f"tok/s; median ttft {_num(self.median('time_to_first_token'), 3)} s, median server "
            f"{_num(self.median('server_tokens_per_second'), 1)} tok/s"
        )
        return "\n".join(lines)


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


async def run_bench(
    backend,
    *,
    requests: int = 8,
    concurrency: int = 4,
    max_tokens: int = 256,
    prompt: str = DEFAULT_PROMPT,
) -> BenchReport:
    """Send `requests` single-completion requests, `concurrency` at a time; progress on stderr."""
    slots = asyncio.Semaphore(concurrency)
    done = 0

    async def one(index: int) -> Completion:
        nonlocal done
        params = SamplingParams(max_tokens=max_tokens, temperature=1.0, seed=index)
        async with slots:
            [completion] = await backend.generate(
                GenerationRequest([Message("user", prompt)], params, role="bench")
            )
        done += 1
        log.info("bench: %d/%d requests done", done, requests)
        return completion

    start = time.perf_counter()
    completions = await gather_or_cancel(one(index) for index in range(requests))
    return BenchReport(completions, time.perf_counter() - start, concurrency)
