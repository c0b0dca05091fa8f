"""Worker processes that verify with a hard per-item timeout, without SIGALRM.

SIGALRM only works in the main thread of the main process, so it cannot bound a verifier called from a
trainer's reward thread or an async server. Here each item runs in a worker process instead; a worker
that overruns its item's timeout is killed and replaced, and the item gets a `timeout` verdict.

    from k2_verify.pool import Job, VerifyPool

    with VerifyPool(workers=2, timeout=5.0) as pool:
        verdicts = pool.map([Job("... \\boxed{4}", "4"), Job("<answer>x</answer>", "y", "logic")])
        verdict = pool.verify("... \\boxed{1/2}", "0.5")         # one item; safe from any thread
        for index, verdict in pool.imap_unordered(jobs): ...      # as they finish (progress bars)

`WorkerPool` underneath runs any importable function the same way (`pool.call(fn, *args)`); the math
verifier uses one to bound its symbolic stage when it is called outside a pool worker.

Workers start on demand (at most `workers` of them) as fresh interpreters (about half a second each,
not counted against any item's timeout). They load the installed plugins through their entry points;
a plugin registered at run time (`register_plugin`, the `k2_plugin` fixture) exists only in the parent,
so `VerifyPool(workers=0)` runs everything in the calling process instead (no hard timeout).
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from k2_core import Verdict
from k2_core.observed import announce_verdict

from .api import problem_for, score

_in_worker = False


def in_worker() -> bool:
    """True inside a pool worker, where the pool's timeout already bounds whatever runs."""
    return _in_worker


class WorkerError(Exception):
    """A call in a worker failed: the function raised (the message says what), or see the subclasses."""


class WorkerTimeout(WorkerError):
    """A call ran past its timeout; its worker was killed and replaced."""


class WorkerCrashed(WorkerError):
    """A worker died during a call (killed for memory, a segfault, ...); it was replaced."""


def _serve(fd: int, memory_mb: int) -> None:
    """A worker's loop: receive `(fn, args, kwargs)`, send back `("ok", result)` or `("error", text)`."""
    global _in_worker
    _in_worker = True
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The slow start-up happens before "ready", never inside an item's timeout: building the
    # registry loads every plugin and whatever its verifiers import (sympy for math).
    from k2_core.registry import get_registry

    get_registry()

    conn = Connection(fd)
    conn.send(("ready", None))
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", fn(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001  (anything, MemoryError too, goes back)
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))


class _Worker:
    """One worker: `python -m k2_verify.pool`, talking over a socket pair.

    A fresh interpreter rather than multiprocessing's fork/spawn: nothing is forked from a parent
    with threads, and the caller's `__main__` script is never re-imported in the worker.
    """

    def __init__(self, memory_mb: int | None):
        parent, child = socket.socketpair()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "k2_verify.pool", str(child.fileno()), str(memory_mb or 0)],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            env=environment,
        )
        child.close()
        self.conn = Connection(parent.detach())
        try:
            ready = self.conn.poll(60) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise WorkerCrashed("a worker did not start (its error is on stderr above)")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class WorkerPool:
    """Up to `workers` processes running importable functions, each call bounded by `timeout` seconds.

    `call()` is thread-safe and blocks while `workers` calls are in flight. A call that overruns raises
    `WorkerTimeout` and one whose worker dies raises `WorkerCrashed` (either way the worker is stopped
    and the next call starts a fresh one); one whose function raises gets `WorkerError` with the
    exception's text.
    `memory_mb` caps each worker's address space (a runaway computation fails fast instead of
    swapping the machine).
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = 5.0,
        memory_mb: int | None = 4096,
    ):
        self.size = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(self.size)  # one per call in flight
        self._closed = False

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        timeout: float | None = None,
        **kwargs: Any,
    ):
        """`fn(*args, **kwargs)` in a worker, within `timeout` seconds (default: the pool's)."""
        with self._slots:  # holding a slot, an idle worker exists or there is room to start one
            if self._closed:
                raise WorkerError("the pool is closed")
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = _Worker(self.memory_mb)
            try:
                worker.conn.send((fn, args, kwargs))
                if not worker.conn.poll(self.timeout if timeout is None else timeout):
                    worker.stop()
                    raise WorkerTimeout(f"{getattr(fn, '__name__', fn)} ran past its timeout")
                status, value = worker.conn.recv()
            except (EOFError, OSError) as exc:
                worker.stop()
                raise WorkerCrashed(f"worker died: {type(exc).__name__}") from None
            if self._closed:
                worker.stop()
            else:
                self._idle.put(worker)
        if status == "error":
            raise WorkerError(value)
        return value

    def close(self) -> None:
        """Stop every idle worker now, and each busy one when its call returns."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@dataclass
class Job:
    """One verification for `VerifyPool`: the arguments of `k2_verify.verify`."""

    response: str
    ground_truth: Any
    domain: str = "math"
    data_source: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


def _score_job(job: Job, timeout: float) -> Verdict:
    """The verdict for `job`, not announced: `VerifyPool.run` announces it in the calling process."""
    return score(
        job.response,
        job.ground_truth,
        job.domain,
        data_source=job.data_source,
        timeout=timeout,
        **job.options,
    )


class VerifyPool:
    """Runs `k2_verify.verify` for many items in worker processes, each bounded by `timeout` seconds.

    `workers`: how many processes (default: one per CPU); 0 runs in the calling process.

    An item that overruns gets `Verdict(0, False, reason="timeout")`; one whose worker dies, or whose
    verifier raises, gets `reason="error"` with the message in `details["error"]`. Verdicts never raise.
    Every verdict, those three included, is announced to `k2_on_verdict` once, in the calling process
    (so a plugin registered at run time hears of verdicts computed in workers).
    """

    def __init__(self, workers: int | None = None, timeout: float = 5.0):
        self.timeout = timeout
        self.workers = None if workers == 0 else WorkerPool(workers, timeout=timeout)
        self.size = self.workers.size if self.workers else 1

    def run(self, job: Job) -> Verdict:
        """The verdict for one job (thread-safe), announced to `k2_on_verdict`."""
        verdict = self._score(job)
        problem = problem_for(job.ground_truth, job.domain, job.data_source)
        announce_verdict(problem, job.response, verdict)
        return verdict

    def _score(self, job: Job) -> Verdict:
        if self.workers is None:
            return _score_job(job, self.timeout)
        # The worker's own verifier gets the same budget; the pool's hard limit adds a little slack so
        # a verifier that honours its timeout reports its own reason before being killed.
        try:
            return self.workers.call(_score_job, job, self.timeout, timeout=self.timeout + 1.0)
        except WorkerTimeout:
            return Verdict(0.0, False, None, "timeout", {"timeout": self.timeout})
        except WorkerError as exc:
            return Verdict(0.0, False, None, "error", {"error": str(exc)})

    def verify(
        self,
        response: str,
        ground_truth: Any,
        domain: str = "math",
        *,
        data_source=None,
        **options,
    ) -> Verdict:
        """Like `k2_verify.verify`, in a worker."""
        return self.run(Job(response, ground_truth, domain, data_source, options))

    def imap_unordered(self, jobs: Iterable[Job]) -> Iterator[tuple[int, Verdict]]:
        """`(index, verdict)` for each job as it finishes, all workers busy."""
        jobs = list(jobs)
        with ThreadPoolExecutor(self.size) as threads:
            futures = {threads.submit(self.run, job): index for index, job in enumerate(jobs)}
            for future in as_completed(futures):
                yield futures[future], future.result()

    def map(self, jobs: Iterable[Job]) -> list[Verdict]:
        """The verdicts for `jobs`, in order."""
        jobs = list(jobs)
        verdicts: list[Verdict | None] = [None] * len(jobs)
        for index, verdict in self.imap_unordered(jobs):
            verdicts[index] = verdict
        return verdicts  # type: ignore[return-value]

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


if (
    __name__ == "__main__"
):  # a worker: run `_serve` from the imported module, whose flag others read
    from k2_verify.pool import _serve as serve

    serve(int(sys.argv[1]), int(sys.argv[2]))
