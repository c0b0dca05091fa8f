"""Append-only result logs: one JSON line per record, written the moment it exists, resumable.

    with ResultsLog(folder / "samples.jsonl") as log:
        done = {record["id"] for record in log.existing}   # what an earlier run wrote
        log.append({"id": "q1", "correct": True})

The one owner of how k2 writes results that must survive an interrupted run (eval samples, batch
verdicts). The rules:

- **Append only.** Records are never rewritten; a newer record for the same key is a new line, and
  readers decide which one counts.
- **Each record is handed to the OS at once** (write + flush), so a killed process loses nothing it
  reported, and it reaches the disk within `SYNC_EVERY` seconds: a background thread fsyncs when
  records are waiting, then rests that long, so one fsync covers every record written meanwhile.
  `close()` fsyncs whatever is left. (An fsync costs ~3.6 ms on this machine's disk, and a write
  waits for an fsync in progress on its file: one fsync per record, even from a thread, doubled an
  eval's per-sample overhead.)
- **A torn last line** (a kill mid-write leaves a line without its newline) is cut off in place when
  the log is opened, by truncating the file there; the rest of the file is never rewritten.
- **One writer at a time.** Opening takes an exclusive `flock` on the file; a second writer, in this
  process or another, gets `ResultsLogBusy` (one line) instead of interleaving lines.

`read_records(path)` reads a log without locking or repairing it (a report beside a running eval).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path
from typing import Any

from .errors import InputError, K2Error

SYNC_EVERY = 1.0  # seconds a written record may wait for its fsync (a power cut could lose them)


class ResultsLogBusy(K2Error):
    """Another writer holds the log."""


def _parse(path: Path, data: bytes) -> list[dict[str, Any]]:
    """The records of the complete lines in `data` (a torn last line is left out)."""
    records = []
    complete = data[: data.rfind(b"\n") + 1]
    for number, line in enumerate(complete.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            raise InputError(
                f"{path} line {number} is not a JSON object",
                "fix or delete that line, then run again",
            )
        records.append(record)
    return records


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every complete record of the log at `path` ([] when there is none); changes nothing."""
    path = Path(path)
    return _parse(path, path.read_bytes()) if path.exists() else []


class ResultsLog:
    """The writer of one append-only JSONL log (see the module docstring); `existing` holds the
    records it had when opened. Close it (or use `with`) so the last records are fsynced."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a+b")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise ResultsLogBusy(
                f"{self.path} is being written by another run",
                "wait for that run to finish, or write to another output",
            ) from None
        self._file.seek(0)
        data = self._file.read()
        try:
            self.existing = _parse(self.path, data)
        except InputError:
            self._file.close()
            raise
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line from a killed run: cut it off in place
            self._file.truncate(end)
        self._waiting = threading.Event()  # records written since the last fsync began
        self._closing = threading.Event()
        self._sync_error: OSError | None = None
        self._syncer = threading.Thread(target=self._sync, name="results-log-fsync", daemon=True)
        self._syncer.start()

    def append(self, record: dict[str, Any]) -> None:
        """Write `record` as one line and hand it to the OS now; it is fsynced soon after."""
        if self._sync_error is not None:
            raise K2Error(f"cannot save results to {self.path}: {self._sync_error}")
        self._file.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self._file.flush()
        if not self._waiting.is_set():  # else the syncer has yet to start an fsync covering it
            self._waiting.set()

    def _sync(self) -> None:
        while True:
            self._waiting.wait()
            if self._closing.is_set():  # close() makes the last fsync
                return
            self._waiting.clear()
            try:
                os.fsync(self._file.fileno())
            except OSError as exc:  # reported by the next append, or by close
                self._sync_error = exc
                return
            self._closing.wait(SYNC_EVERY)

    def close(self) -> None:
        """Fsync what is left, release the lock and close the file."""
        if self._file.closed:
            return
        self._closing.set()
        self._waiting.set()
        self._syncer.join()
        try:
            os.fsync(self._file.fileno())
        finally:
            self._file.close()  # closing releases the flock

    def __enter__(self) -> ResultsLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
