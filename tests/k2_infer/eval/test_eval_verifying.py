"""Verifiers run in a thread until they prove cheap, then inline; one that stalls goes to a thread."""

import asyncio
import threading
import time

from k2_core import Problem, Verdict
from k2_infer.eval.verifying import CHEAP, STALL, TRIAL, InlineWhenCheap

PROBLEM = Problem("q", "1", domain="math")


class Recording:
    """A verifier that sleeps `delay` seconds and notes whether each call ran on the loop's thread."""

    name = "recording"
    needs_ground_truth = True

    def __init__(self, delay=0.0):
        self.delay = delay
        self.loop_thread = threading.get_ident()  # built on the thread that runs the loop
        self.on_loop = []

    def verify(self, response, problem):
        time.sleep(self.delay)
        self.on_loop.append(threading.get_ident() == self.loop_thread)
        return Verdict(1.0, True, response, "equal")


async def verify_until(wrapped, mode, most=500):
    """Verify until the wrapper reaches `mode` (a loaded machine may make a cheap call look slow
    now and then: that only restarts the trial, so allow many calls)."""
    for _ in range(most):
        assert (await wrapped.verify("1", PROBLEM)).correct
        if wrapped.mode == mode:
            return


async def verify_times(wrapped, count):
    for _ in range(count):
        assert (await wrapped.verify("1", PROBLEM)).correct


def test_a_cheap_verifier_moves_onto_the_loop_after_its_trial():
    async def main():
        verifier = Recording()
        wrapped = InlineWhenCheap(verifier)
        await verify_until(wrapped, "inline")
        trial = len(verifier.on_loop)
        await verify_times(wrapped, 5)
        return wrapped, verifier.on_loop, trial

    wrapped, on_loop, trial = asyncio.run(main())
    assert wrapped.mode == "inline"
    assert trial >= TRIAL and not any(on_loop[:trial])
    assert all(on_loop[trial:])


def test_a_slow_verifier_stays_in_a_thread():
    async def main():
        verifier = Recording(delay=2 * CHEAP)
        wrapped = InlineWhenCheap(verifier)
        await verify_times(wrapped, TRIAL + 4)
        return wrapped, verifier.on_loop

    wrapped, on_loop = asyncio.run(main())
    assert wrapped.mode == "trial" and not any(on_loop)


def test_an_inline_call_that_stalls_sends_the_verifier_back_to_a_thread_for_good():
    async def main():
        verifier = Recording()
        wrapped = InlineWhenCheap(verifier)
        await verify_until(wrapped, "inline")
        trial = len(verifier.on_loop)
        verifier.delay = 2 * STALL
        await verify_times(wrapped, 1)
        verifier.delay = 0.0
        await verify_times(wrapped, 2 * TRIAL)
        return wrapped, verifier.on_loop, trial

    wrapped, on_loop, trial = asyncio.run(main())
    assert on_loop[trial] and wrapped.mode == "thread"  # the stalled call ran inline
    assert not any(on_loop[trial + 1 :])  # and none after it, however cheap


def test_a_call_that_stalls_in_the_trial_keeps_the_verifier_in_a_thread_for_good():
    async def main():
        verifier = Recording(delay=2 * STALL)
        wrapped = InlineWhenCheap(verifier)
        await verify_times(wrapped, 1)
        verifier.delay = 0.0
        await verify_times(wrapped, 2 * TRIAL)
        return wrapped, verifier.on_loop

    wrapped, on_loop = asyncio.run(main())
    assert wrapped.mode == "thread" and not any(on_loop)
