"""`samples.jsonl`: every evaluated sample, one JSON line each, appended the moment it is verified.

The file is the run's memory. Re-running the same evaluation reads it and skips every
(`benchmark`, `problem_id`, `run`) that already has an `ok` line; errored samples are tried again and
the newer line wins. Writing goes through `k2_core.results_log` (append only, torn-line repair, one
writer per file). Every line is checked as an `EvalSample` when read: a line without its key or
`status` is a one-line error saying which line, not a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from k2_core.results_log import ResultsLog, read_records

from .records import EvalSample

Key = tuple[str, str, int]


def sample_key(sample: dict[str, Any]) -> Key:
    return (sample["benchmark"], str(sample["problem_id"]), int(sample["run"]))


def checked(path: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`records` as read from `path`, each checked as an `EvalSample` (InputError naming the line)."""
    for number, record in enumerate(records, 1):
        EvalSample.from_dict(record, f"{path} record {number}")
    return records


class SampleLog:
    """Read and append `samples.jsonl`. Open with `SampleLog(path)`; `close()` when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._log = ResultsLog(path)
        try:
            self.samples = current(checked(path, self._log.existing))
        except Exception:
            self._log.close()
            raise

    def done(self, key: Key) -> bool:
        """Whether this sample was verified already (errored samples are not done)."""
        sample = self.samples.get(key)
        return sample is not None and sample["status"] == "ok"

    def append(self, sample: dict[str, Any]) -> None:
        """Write one sample as a single line and hand it to the OS at once (survives a kill)."""
        self._log.append(sample)
        keep(self.samples, sample)

    def for_benchmark(self, benchmark: str) -> list[dict[str, Any]]:
        """The current sample of every (problem, run) of one benchmark: ok if any, else the last error."""
        return [s for key, s in self.samples.items() if key[0] == benchmark]

    def close(self) -> None:
        self._log.close()


def keep(found: dict[Key, dict[str, Any]], sample: dict[str, Any]) -> None:
    """Let `sample` count for its key unless an `ok` sample already does (the first ok one wins)."""
    key = sample_key(sample)
    previous = found.get(key)
    if previous is None or previous["status"] != "ok":
        found[key] = sample


def current(samples: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    """The sample that counts for each key: the first `ok` one, else the last error."""
    found: dict[Key, dict[str, Any]] = {}
    for sample in samples:
        keep(found, sample)
    return found


def read_samples(path: Path) -> list[dict[str, Any]]:
    """All current samples of a run folder's `samples.jsonl` (read only: a run may be writing it)."""
    return list(current(checked(path, read_records(path))).values())
