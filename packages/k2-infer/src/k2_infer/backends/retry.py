"""Retrying calls to remote servers: exponential backoff with jitter that honours `Retry-After`.

Servers say "slow down" with 429 and "try again" with 5xx; connections drop. `with_retries` retries
what `RetryableError` marks as retryable, waiting what the server asked for (`Retry-After`, seconds or
an HTTP date) or else 0.5 s, 1 s, 2 s, ... (capped), and re-raises the last error when attempts run out.
A `Retry-After` that is not a finite number, is negative, or asks for more than `max_delay` is
clamped into [0, max_delay]: a server cannot hold a client for hours. Each retry is logged as a
warning, except those of a `quiet` error (nothing listening: the caller's final error says it once;
`-v` shows them).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

log = logging.getLogger("k2.infer.backends.retry")

T = TypeVar("T")


class RetryableError(Exception):
    """A failure worth retrying; `retry_after` is the wait the server asked for, if any. A `quiet`
    kind's retries are logged at debug level only."""

    quiet = False

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class RetryPolicy:
    """How many times to retry and how long to wait between tries (seconds)."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        if retry_after is not None and math.isfinite(retry_after):
            return min(max(retry_after, 0.0), self.max_delay)
        backoff = self.base_delay * 2**attempt
        return min(backoff * (0.5 + random.random() / 2), self.max_delay)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (a number of seconds or an HTTP date), never negative;
    None if absent or not a finite number (`nan`, `inf`, garbage)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


async def with_retries(
    call: Callable[[], Awaitable[T]], policy: RetryPolicy, describe: str = "request"
) -> T:
    """Await `call()`, retrying on `RetryableError` as `policy` allows; logs each retry."""
    for attempt in range(policy.max_retries + 1):
        try:
            return await call()
        except RetryableError as error:
            if attempt == policy.max_retries:
                raise
            wait = policy.delay(attempt, error.retry_after)
            level = logging.DEBUG if error.quiet else logging.WARNING
            log.log(level, "%s: %s; retrying in %.1f s", describe, error, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
