"""Bounded concurrency: at most `running` requests at work, `waiting` more in a queue, 429 beyond.

    async with admission.slot():
        ...

A request that finds the queue full gets `ApiError(429)` with `Retry-After` at once, so an
overloaded server answers quickly instead of piling up connections and memory.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from .errors import ApiError


class Admission:
    def __init__(self, running: int, waiting: int, retry_after: int = 1) -> None:
        self.limit = running + waiting
        self.retry_after = retry_after
        self._semaphore = asyncio.Semaphore(running)
        self.running = 0
        self.waiting = 0

    def _full(self) -> ApiError:
        return ApiError(
            429,
            f"the server is at capacity ({self.limit} requests running or queued); retry shortly",
            code="queue_full",
            headers={"Retry-After": str(self.retry_after)},
        )

    async def acquire(self) -> None:
        """Take a slot, waiting in the queue if need be; raises the 429 when the queue is full."""
        if self.running + self.waiting >= self.limit:
            raise self._full()
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.running += 1

    def release(self) -> None:
        self.running -= 1
        self._semaphore.release()

    @asynccontextmanager
    async def slot(self):
        await self.acquire()
        try:
            yield
        finally:
            self.release()
