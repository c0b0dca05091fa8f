"""`k2_verify.pool`: worker processes with per-call timeouts that replace stuck or dead workers.

Functions sent to workers must be importable there, so these tests use the standard library's.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from k2_core import Problem, Verdict, hookimpl
from k2_verify import pool as pool_module
from k2_verify.pool import Job, VerifyPool, WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout


@pytest.fixture(scope="module")
def workers():
    with WorkerPool(workers=2, timeout=5.0, memory_mb=1024) as workers:
        yield workers


def test_runs_a_function_in_a_worker(workers):
    assert workers.call(pow, 3, 4) == 81
    assert workers.call(pool_module.in_worker) is True
    assert pool_module.in_worker() is False
    assert workers.call(os.getpid) != os.getpid()


def test_an_exception_comes_back_as_worker_error(workers):
    with pytest.raises(WorkerError, match="ValueError"):
        workers.call(int, "not a number")
    assert workers.call(int, "12") == 12


def test_a_stuck_call_times_out_and_its_worker_is_replaced():
    with WorkerPool(workers=1, timeout=5.0) as one:
        before = one.call(os.getpid)
        start = time.monotonic()
        with pytest.raises(WorkerTimeout):
            one.call(time.sleep, 30, timeout=0.5)
        assert time.monotonic() - start < 5
        assert one.call(os.getpid) != before
        assert one.call(pow, 2, 10) == 1024


def test_a_dead_worker_is_replaced(workers):
    with pytest.raises(WorkerCrashed):
        workers.call(os._exit, 3)
    assert workers.call(pow, 2, 3) == 8


def test_memory_is_capped(workers):
    with pytest.raises(WorkerError, match="MemoryError"):
        workers.call(bytearray, 4 * 1024**3)


def test_calls_from_many_threads(workers):
    results = [None] * 6

    def run(i):
        results[i] = workers.call(pow, i, 2)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [i * i for i in range(6)]


def test_verify_pool_scores_in_order_and_times_out_one_slow_item():
    slow = "\\boxed{" + "5000!" * 200 + "}"  # ~14 s of sympy work, far past the 0.5 s limit
    jobs = [Job("\\boxed{4}", "4"), Job(slow, "1"), Job("\\boxed{x}", "y"), Job("42", "42")]
    with VerifyPool(workers=2, timeout=0.5) as verify_pool:
        verdicts = verify_pool.map(jobs)
        assert [v.correct for v in verdicts] == [True, False, False, True]
        assert verdicts[1].reason == "timeout"
        assert verify_pool.verify("\\boxed{2^{10}}", "1024").correct  # after a worker was killed


def test_verify_pool_imap_unordered_covers_every_job():
    jobs = [Job(f"\\boxed{{{n}}}", str(n if n % 2 else n + 1)) for n in range(10)]
    with VerifyPool(workers=2, timeout=5) as verify_pool:
        seen = dict(verify_pool.imap_unordered(jobs))
    assert sorted(seen) == list(range(10))
    assert [seen[n].correct for n in range(10)] == [n % 2 == 1 for n in range(10)]


def test_verify_pool_reports_an_unknown_domain_as_an_error_verdict():
    with VerifyPool(workers=1, timeout=5) as verify_pool:
        verdict = verify_pool.verify("x", "y", "alchemy")
    assert (verdict.correct, verdict.reason) == (False, "error")
    assert "alchemy" in verdict.details["error"]


def test_in_process_pool_sees_plugins_registered_at_run_time(k2_plugin):
    class Echo:
        name = "echo"
        needs_ground_truth = True

        def __init__(self, **_options):
            pass

        def verify(self, response: str, problem: Problem) -> Verdict:
            ok = response == problem.ground_truth
            return Verdict(float(ok), ok, response, "same" if ok else "not_same")

    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("echo", Echo, domains=["echo"])

    k2_plugin(Plugin(), name="echo-plugin")
    with VerifyPool(workers=0) as verify_pool:
        verdicts = verify_pool.map([Job("a", "a", "echo"), Job("a", "b", "echo")])
    assert [v.reason for v in verdicts] == ["same", "not_same"]


def test_callers_waiting_for_a_worker_that_times_out_still_get_one():
    results = []

    def run(fn, *args):
        try:
            results.append(one.call(fn, *args))
        except WorkerTimeout:
            results.append("timeout")

    with WorkerPool(workers=1, timeout=0.5) as one:
        threads = [threading.Thread(target=run, args=(time.sleep, 30))]
        threads += [threading.Thread(target=run, args=(pow, 2, n)) for n in (3, 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    assert sorted(map(str, results)) == ["16", "8", "timeout"]
