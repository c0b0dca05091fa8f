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

- **Only regular files** (or `-`, see `StdoutLog`): a device, a pipe or a folder in the way is
  refused in one line, as is a file that cannot be written (missing permission, disk full).

`read_records(path)` reads a log without locking or repairing it (a report beside a running eval).
Every file that is rewritten rather than appended to (reports, `run.json`, exports) goes through
`write_atomic`: a temporary file beside it, fsynced, then renamed over it, so a kill leaves the old
file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import InputError, K2Error

SYNC_EVERY = 1.0  # seconds a written record may wait for its fsync (a power cut could lose them)


class ResultsLogBusy(K2Error):
    """Another writer holds the log."""


def cannot_write(path: Path | str, error: OSError) -> K2Error:
    """The one-line error for an output that could not be written."""
    reason = error.strerror or type(error).__name__
    return K2Error(f"cannot write {path}: {reason}", "choose a writable output path")


def check_output(path: Path) -> None:
    """Refuse an output that is not a regular file (a device, a pipe, a folder) in one line."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if not stat.S_ISREG(mode):
        raise InputError(
            f"output {path} is not a regular file",
            "write to a file, or to `-` for stdout",
        )


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write the whole new file to (any writer: text, parquet);
    on leaving the block it is fsynced and renamed over `path`. On an error `path` is untouched,
    and an `OSError` (no such folder, no permission, disk full) becomes one line."""
    path = Path(path)
    check_output(path)
    staging = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
        staging = Path(name)
        yield staging
        with staging.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(staging, path)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    finally:
        if staging is not None and staging.exists():
            staging.unlink()


def write_atomic(path: Path, text: str) -> Path:
    """Replace `path` with `text` at once (see `staged`)."""
    with staged(path) as staging:
        staging.write_text(text, encoding="utf-8")
    return Path(path)


def _parse(path: Path, data: bytes) -> list[dict[str, Any]]:
    """The records of the complete lines in `data` (a torn last line is left out)."""
    records = []
    complete = data[: data.rfind(b"\n") + 1]
    for number, raw in enumerate(complete.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
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
        check_output(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a+b")
        except OSError as exc:
            raise cannot_write(self.path, exc) from None
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
            raise cannot_write(self.path, self._sync_error)
        try:
            self._file.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            self._file.flush()
        except OSError as exc:  # disk full, quota: the line may be torn; the next open cuts it
            raise cannot_write(self.path, exc) from None
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
        except OSError as exc:
            raise cannot_write(self.path, exc) from None
        finally:
            try:
                self._file.close()  # closing releases the flock
            except OSError:
                pass  # a failed flush was reported by append

    def __enter__(self) -> ResultsLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class FolderLock:
    """An exclusive `flock` on `FOLDER/.lock` for as long as a run writes the folder: a second run
    on the same folder gets `ResultsLogBusy` (one line) instead of writing duplicates."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = (self.folder / ".lock").open("a")
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise ResultsLogBusy(
                f"{self.folder} is being written by another run",
                "wait for that run to finish, or pass another output folder",
            ) from None

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class StdoutLog:
    """The `-` output: records streamed to stdout as they come, nothing to resume (`existing` is
    empty). A closed pipe or a failed write is one line, not a traceback or a growing buffer."""

    path = Path("-")

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdout
        self.existing: list[dict[str, Any]] = []

    def append(self, record: dict[str, Any]) -> None:
        try:
            self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._stream.flush()
        except OSError as exc:
            raise cannot_write("stdout", exc) from None

    def close(self) -> None:
        pass

    def __enter__(self) -> StdoutLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_log(path: Path | str) -> ResultsLog | StdoutLog:
    """The writer for an output path: `-` is stdout, anything else a `ResultsLog`."""
    return StdoutLog() if str(path) == "-" else ResultsLog(Path(path))
