"""The micro-batcher: what arrives together runs together, by key, and errors reach every caller."""

from __future__ import annotations

import asyncio

import pytest

from k2_infer.backends.batching import MicroBatcher


def recording(fail_on=None):
    batches = []

    def run(items):
        batches.append(list(items))
        if fail_on in items:
            raise ValueError(f"bad item {fail_on}")
        return [item * 10 for item in items]

    return run, batches


def test_items_that_arrive_together_share_one_batch_per_key():
    run, batches = recording()
    batcher = MicroBatcher(run, window=0.02)

    async def main():
        return await asyncio.gather(
            batcher.submit("a", 1), batcher.submit("a", 2), batcher.submit("b", 3)
        )

    assert asyncio.run(main()) == [10, 20, 30]
    assert sorted(batches) == [[1, 2], [3]]


def test_batches_hold_at_most_max_items_and_later_items_run_later():
    run, batches = recording()
    batcher = MicroBatcher(run, window=0.01, max_items=2)

    async def main():
        first = await asyncio.gather(*(batcher.submit("k", i) for i in range(5)))
        return first, await batcher.submit("k", 9)

    assert asyncio.run(main()) == ([0, 10, 20, 30, 40], 90)
    assert batches == [[0, 1], [2, 3], [4], [9]]


def test_an_error_reaches_every_caller_of_its_batch_only():
    run, _ = recording(fail_on=2)
    batcher = MicroBatcher(run, window=0.02)

    async def main():
        return await asyncio.gather(
            batcher.submit("a", 1),
            batcher.submit("a", 2),
            batcher.submit("b", 3),
            return_exceptions=True,
        )

    first, second, other = asyncio.run(main())
    assert isinstance(first, ValueError) and isinstance(second, ValueError)
    assert other == 30


def test_works_from_several_event_loops_in_turn():
    run, _ = recording()
    batcher = MicroBatcher(run, window=0)
    assert asyncio.run(batcher.submit("k", 1)) == 10
    assert asyncio.run(batcher.submit("k", 2)) == 20
    with pytest.raises(ValueError):
        asyncio.run(MicroBatcher(recording(fail_on=5)[0]).submit("k", 5))
