"""Calling a verifier from the event loop: inline once it has shown it is cheap, else in a thread.

A verifier's `verify` is synchronous. Some only compute for a fraction of a millisecond (exact match,
choice letters, most math answers); others block for seconds (a judge model call, a code sandbox, a
math comparison guarded by a worker process). A worker thread for every call keeps the event loop
free, but the hop costs more than a cheap verifier's own work: at concurrency 64 its GIL hand-offs
were most of the harness's overhead.

So each verifier starts in a thread. Once `TRIAL` calls in a row there each took under `CHEAP`
seconds, it is called inline on the loop. Any call that takes longer than `STALL` seconds, in a thread
or inline, sends it to a thread for the rest of the run: a verifier that blocks holds up the loop at
most once, for one call (bounded, like every verifier).
"""

from __future__ import annotations

import asyncio
import time

from k2_core import Problem, Verdict
from k2_core.protocols import Verifier

TRIAL = 16
CHEAP = 0.002
STALL = 0.02


class InlineWhenCheap:
    """Wraps one verifier for `await verify(response, problem)` from many coroutines at once."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier
        self.mode = "trial"  # then "inline"; "thread" for good once a call stalled
        self.cheap_in_a_row = 0

    async def verify(self, response: str, problem: Problem) -> Verdict:
        if self.mode == "inline":
            verdict, seconds = self._timed(response, problem)
        else:
            verdict, seconds = await asyncio.to_thread(self._timed, response, problem)
        if seconds > STALL:
            self.mode = "thread"
        elif self.mode == "trial":
            self.cheap_in_a_row = self.cheap_in_a_row + 1 if seconds < CHEAP else 0
            if self.cheap_in_a_row >= TRIAL:
                self.mode = "inline"
        return verdict

    def _timed(self, response: str, problem: Problem) -> tuple[Verdict, float]:
        start = time.perf_counter()
        verdict = self.verifier.verify(response, problem)
        return verdict, time.perf_counter() - start
