"""`samples.jsonl`: every evaluated sample, one JSON line each, appended the moment it is verified.

The file is the run's memory. Re-running the same evaluation reads it and skips every
(`benchmark`, `problem_id`, `run`) that already has an `ok` line; errored samples are tried again and
the newer line wins. A process killed mid-write (even `kill -9`) can leave a torn last line: it is cut
off when the file is opened again, so the next append starts on a clean line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Key = tuple[str, str, int]


def sample_key(sample: dict[str, Any]) -> Key:
    return (sample["benchmark"], str(sample["problem_id"]), int(sample["run"]))


class SampleLog:
    """Read and append `samples.jsonl`. Open with `SampleLog(path)`; `close()` when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.samples: dict[Key, dict[str, Any]] = {}
        if path.exists():
            self._read()
        self._file = path.open("a", encoding="utf-8")

    def _read(self) -> None:
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line from a killed run: drop it
            with self.path.open("r+b") as handle:
                handle.truncate(end)
        for line in data[:end].decode("utf-8").splitlines():
            if line.strip():
                self._remember(json.loads(line))

    def _remember(self, sample: dict[str, Any]) -> None:
        key = sample_key(sample)
        previous = self.samples.get(key)
        if previous is None or previous["status"] != "ok":
            self.samples[key] = sample

    def done(self, key: Key) -> bool:
        """Whether this sample was verified already (errored samples are not done)."""
        sample = self.samples.get(key)
        return sample is not None and sample["status"] == "ok"

    def append(self, sample: dict[str, Any]) -> None:
        """Write one sample as a single line and hand it to the OS at once (survives a kill)."""
        self._file.write(json.dumps(sample, ensure_ascii=False) + "\n")
        self._file.flush()
        self._remember(sample)

    def for_benchmark(self, benchmark: str) -> list[dict[str, Any]]:
        """The current sample of every (problem, run) of one benchmark: ok if any, else the last error."""
        return [s for key, s in self.samples.items() if key[0] == benchmark]

    def close(self) -> None:
        self._file.close()


def read_samples(path: Path) -> list[dict[str, Any]]:
    """All current samples of a finished or interrupted run folder's `samples.jsonl`."""
    log = SampleLog(path)
    log.close()
    return list(log.samples.values())
