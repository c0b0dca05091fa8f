"""Requests that arrive together share one batch: a micro-batcher for local backends.

    batcher = MicroBatcher(run_batch, window=0.01)       # run_batch(items) -> results, in order
    result = await batcher.submit(key, item)            # items with equal keys may share a batch

Each `submit` waits `window` seconds for company, then a worker thread runs everything pending
under that key (at most `max_items` at a time) as one call of `run_batch`. Batches run one at a
time, and whatever arrives while one runs joins the next, so under load every batch is full.
Works from any number of event loops: results are handed back on the loop that asked.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable
from typing import Any


class MicroBatcher:
    """Collects `submit`ted items by key and runs them through `run_batch` in batches."""

    def __init__(
        self,
        run_batch: Callable[[list[Any]], list[Any]],
        *,
        window: float = 0.01,
        max_items: int = 16,
    ) -> None:
        self.run_batch = run_batch
        self.window = window
        self.max_items = max_items
        self._pending: dict[Hashable, list[tuple[Any, asyncio.Future]]] = {}
        self._guard = threading.Lock()  # guards _pending
        self._busy = threading.Lock()  # one batch at a time

    async def submit(self, key: Hashable, item: Any) -> Any:
        """The result of `item`, computed in a batch with the items of the same key around it."""
        future = asyncio.get_running_loop().create_future()
        with self._guard:
            self._pending.setdefault(key, []).append((item, future))
        await asyncio.sleep(self.window)
        await asyncio.to_thread(self._drain, key)
        return await future

    def _drain(self, key: Hashable) -> None:
        """Run batches of `key` until none is pending (worker thread)."""
        with self._busy:
            while True:
                with self._guard:
                    pending = self._pending.get(key, [])
                    batch, rest = pending[: self.max_items], pending[self.max_items :]
                    if rest:
                        self._pending[key] = rest
                    else:
                        self._pending.pop(key, None)
                if not batch:
                    return
                try:
                    results = self.run_batch([item for item, _ in batch])
                except Exception as error:  # every caller of the batch sees its error
                    for _, future in batch:
                        _settle(future, error=error)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    _settle(future, result=result)


def _settle(future: asyncio.Future, *, result: Any = None, error: BaseException | None = None):
    """Set a future's outcome from a worker thread, on the loop it belongs to."""

    def settle() -> None:
        if future.done():  # the caller gave up
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    future.get_loop().call_soon_threadsafe(settle)
