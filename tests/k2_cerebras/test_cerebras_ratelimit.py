"""The limiter fed by `x-ratelimit-*` headers, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from k2_cerebras.ratelimit import RateLimiter, parse_duration
from k2_core.errors import BackendError


class Clock:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def limiter(max_wait=60.0):
    clock = Clock()
    return RateLimiter(max_wait, clock=clock, sleep=clock.sleep), clock


HEADERS = {
    "x-ratelimit-limit-tokens-minute": "60000",
    "x-ratelimit-remaining-tokens-minute": "1000",
    "x-ratelimit-reset-tokens-minute": "12.5",
    "X-RateLimit-Remaining-Requests-Day": "3",
    "x-ratelimit-reset-requests-day": "3600",
}


@pytest.mark.parametrize(
    "text, seconds",
    [("11.38", 11.38), ("6m0s", 360.0), ("1h2m", 3720.0), ("250ms", 0.25), ("soon", None)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_update_reads_every_window():
    rate, clock = limiter()
    rate.update(HEADERS)
    assert rate.windows["tokens-minute"].remaining == 1000
    assert rate.windows["tokens-minute"].resets_at == clock.now + 12.5
    assert rate.windows["requests-day"].remaining == 3


def test_nothing_known_means_no_wait():
    rate, clock = limiter()
    assert asyncio.run(rate.acquire(10_000)) == 0.0
    assert clock.sleeps == []


def test_reservations_add_up_until_the_window_is_short():
    rate, clock = limiter()
    rate.update(HEADERS)

    async def three():
        return [await rate.acquire(400) for _ in range(3)]

    assert asyncio.run(three()) == [0.0, 0.0, 12.5]  # 1000 tokens cover two requests of 400
    assert clock.sleeps == [12.5]
    assert rate.windows["requests-day"].remaining == 0  # three requests out of three


def test_request_window_counts_requests_not_tokens():
    rate, clock = limiter(max_wait=10_000)
    rate.update({"x-ratelimit-remaining-requests-day": "0", "x-ratelimit-reset-requests-day": "90"})
    assert asyncio.run(rate.acquire(1)) == 90


def test_a_long_wait_is_an_error():
    rate, clock = limiter(max_wait=60)
    rate.update({**HEADERS, "x-ratelimit-remaining-requests-day": "0"})
    with pytest.raises(BackendError, match="quota requests-day is used up; it resets in 3600 s"):
        asyncio.run(rate.acquire(10))
    assert clock.sleeps == []


def test_unreadable_headers_are_ignored():
    rate, _ = limiter()
    rate.update(
        {"x-ratelimit-remaining-tokens-minute": "lots", "x-ratelimit-reset-tokens-minute": "1"}
    )
    rate.update({"x-ratelimit-remaining-tokens-minute": "5"})  # no reset header
    assert rate.windows == {}
