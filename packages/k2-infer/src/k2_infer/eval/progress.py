"""A one-line progress display on stderr: samples done, accuracy so far, rate and ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call `update(correct, errored)` once per finished sample; `close()` at the end.

    On a terminal the line redraws in place (at most ten times a second); elsewhere (CI logs) it
    prints a line every `every` seconds and a last one when closed.
    """

    def __init__(self, total: int, *, stream: TextIO | None = None, every: float = 10.0) -> None:
        self.total = total
        self.done = self.correct = self.errored = 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.every = 0.1 if self.live else every
        self.start = self.last = time.monotonic()
        self.shown = -1  # `done` when the line was last printed

    def begin(self, already: int = 0) -> None:
        """Say what is about to run before the first sample finishes (`already`: resumed ones)."""
        resumed = f" ({already} already in the run folder)" if already else ""
        if self.total:
            self.stream.write(f"eval: running {self.total} samples{resumed}...\n")
        else:
            self.stream.write(f"eval: nothing left to run{resumed}; scoring them\n")
        self.stream.flush()

    def update(self, correct: bool, errored: bool = False) -> None:
        self.done += 1
        self.correct += bool(correct)
        self.errored += bool(errored)
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._show()

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        verified = self.done - self.errored
        accuracy = f"{100 * self.correct / verified:.1f}%" if verified else "-"
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        eta = time.strftime("%H:%M:%S", time.gmtime(left)) if rate > 0 else "--:--:--"
        errors = f" · {self.errored} errored" if self.errored else ""
        return (
            f"eval {self.done}/{self.total} samples · accuracy {accuracy}{errors}"
            f" · {rate:.2f} samples/s · ETA {eta}"
        )

    def _show(self) -> None:
        self.shown = self.done
        end = "\r" if self.live else "\n"
        self.stream.write(self.line() + end)
        self.stream.flush()

    def close(self) -> None:
        if self.total and self.shown != self.done:
            self._show()
        if self.live:
            self.stream.write("\n")
