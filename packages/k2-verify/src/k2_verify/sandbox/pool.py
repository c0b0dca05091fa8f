"""Many sandboxed runs at once, sized to the machine.

    with SandboxPool() as pool:
        results = pool.map([("print(1)", ""), ("print(input())", "x\\n")])

A run spends its time in its own processes, so threads are enough to keep every core busy: each
thread supervises one run at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from .isolation import run
from .limits import Limits
from .supervisor import RunResult


class SandboxPool:
    """Runs `(source, stdin)` jobs in parallel, `workers` at a time (default: one per core)."""

    def __init__(
        self, workers: int | None = None, limits: Limits | None = None, isolation: str | None = None
    ):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or Limits()
        self.isolation = isolation
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="k2-sandbox")

    def submit(self, source: str, stdin: str = ""):
        """Start one run; returns a `concurrent.futures.Future` of its `RunResult`."""
        return self._executor.submit(run, source, stdin, self.limits, self.isolation)

    def map(self, jobs: Iterable[tuple[str, str]]) -> list[RunResult]:
        """Run every `(source, stdin)` job; results in the order of the jobs."""
        futures = [self.submit(source, stdin) for source, stdin in jobs]
        return [future.result() for future in futures]

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
