"""A client-side limiter fed by Cerebras' `x-ratelimit-*` response headers.

Cerebras reports each quota window in three headers, e.g. for tokens per minute:

    x-ratelimit-limit-tokens-minute: 60000
    x-ratelimit-remaining-tokens-minute: 5400
    x-ratelimit-reset-tokens-minute: 11.38        (seconds until the window resets)

The limiter remembers what remains in each window and, before a request, reserves what it will use
(one request; its prompt plus `max_completion_tokens` for token windows, since Cerebras reserves
those up front). When a window cannot cover a request, the request waits for the reset, so a batch
slows down before the server refuses it. A wait longer than `max_wait` is an error instead.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from k2_core.errors import BackendError

log = logging.getLogger("k2.cerebras.ratelimit")

PREFIX_REMAINING = "x-ratelimit-remaining-"
PREFIX_RESET = "x-ratelimit-reset-"


@dataclass
class Window:
    """One quota window (`tokens-minute`, `requests-day`, ...): what remains, and when it resets."""

    remaining: float
    resets_at: float  # on the limiter's clock


def parse_duration(value: str) -> float | None:
    """Seconds from `11.38`, `6m0s`, `1h2m`, `250ms`; None when unreadable."""
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(number) * scale[unit] for number, unit in parts)


class RateLimiter:
    """Reserve quota before each request; learn the quota from each response's headers."""

    def __init__(
        self,
        max_wait: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.max_wait = max_wait
        self.windows: dict[str, Window] = {}
        self._clock = clock
        self._sleep = sleep

    def update(self, headers: Mapping[str, str]) -> None:
        """Record the windows a response reports (headers without both numbers are ignored)."""
        lowered = {k.lower(): v for k, v in headers.items()}
        now = self._clock()
        for name, value in lowered.items():
            if not name.startswith(PREFIX_REMAINING):
                continue
            window = name[len(PREFIX_REMAINING) :]
            reset = parse_duration(lowered.get(PREFIX_RESET + window, ""))
            try:
                remaining = float(value)
            except ValueError:
                continue
            if reset is not None:
                self.windows[window] = Window(remaining, now + reset)

    @staticmethod
    def cost(window: str, tokens: int) -> float:
        """What one request uses of `window`: its tokens for token windows, else one request."""
        return float(tokens) if window.startswith("tokens") else 1.0

    async def acquire(self, tokens: int) -> float:
        """Wait until every known window can cover a request of `tokens`, reserve it; seconds waited."""
        waited = 0.0
        while True:
            now = self._clock()
            for name in [n for n, w in self.windows.items() if w.resets_at <= now]:
                del self.windows[name]  # reset: the next response tells us the new budget
            short = {
                name: window.resets_at - now
                for name, window in self.windows.items()
                if window.remaining < self.cost(name, tokens)
            }
            if not short:
                for name, window in self.windows.items():
                    window.remaining -= self.cost(name, tokens)
                return waited
            name, wait = max(short.items(), key=lambda item: item[1])
            if wait > self.max_wait:
                raise BackendError(
                    f"Cerebras quota {name} is used up; it resets in {wait:.0f} s",
                    f"wait, or raise max_wait (now {self.max_wait:g} s) to let requests queue",
                )
            log.warning(
                "Cerebras quota %s nearly used up, waiting %.1f s for its reset", name, wait
            )
            await self._sleep(wait)
            waited += wait
