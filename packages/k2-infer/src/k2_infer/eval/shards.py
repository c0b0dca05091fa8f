"""Sharded evaluation: one benchmark run split over several machines or processes, then merged.

    k2-infer eval aime24 --shard 1/2 -o runs/a1      # on one machine
    k2-infer eval aime24 --shard 2/2 -o runs/a2      # on another, same settings
    k2-infer eval-merge runs/a1 runs/a2 -o runs/a    # one report, every sample exactly once

The unit of work is a sample (benchmark, problem, run). Shard `i/n` owns the samples whose
`(position of the problem in its benchmark + run) % n == i - 1`: the same partition on every machine
(it depends only on the data, which the run identity pins), each shard within one sample per
(benchmark, run) of the others, and every problem's runs spread over all shards.

A shard's folder is an ordinary run folder (`run.json`, `samples.jsonl`, resumed by re-running the same
command) whose identity also names the shard, so it cannot be resumed as another shard. Instead of a
report it writes `shard.json` (`ShardPlan`): which shard it is, the problems and runs it covered, what
is still missing, and the run's settings, which is everything `merge.py` needs to check and combine it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k2_core import InputError
from k2_core.results_log import write_atomic

from .samples import Key

PLAN_FILE = "shard.json"


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based, as written on the command line: `2/4`)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` with 1 <= I <= N; anything else is an `InputError` saying the form."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        index, count = (int(match[1]), int(match[2])) if match else (0, 0)
        if not 1 <= index <= count:
            raise InputError(
                f"--shard {text!r} is not a shard of a run",
                "write --shard I/N with 1 <= I <= N, e.g. --shard 1/2 and --shard 2/2",
            )
        return cls(index, count)

    def owns(self, position: int, run: int) -> bool:
        """Whether run `run` of the problem at `position` in its benchmark belongs to this shard."""
        return (position + run) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass
class ShardPlan:
    """`shard.json`: what one shard's folder holds and what the merge checks.

    `problems` lists every problem id of each benchmark in data order (all shards must agree on it);
    `missing` counts the shard's own samples that are not verified yet; `about` is each benchmark's
    description and published figure for the report; `settings` is the summary's `settings` (the same
    for every shard of one run) and `versions` the libraries the shard ran with.
    """

    shard: Shard
    n: int
    problems: dict[str, list[str]]
    missing: int
    errored: int
    about: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.missing == 0

    def keys(self) -> list[Key]:
        """The samples this shard owns, in the order an unsharded run would take them."""
        return [
            (name, problem_id, run)
            for run in range(self.n)
            for name, ids in self.problems.items()
            for position, problem_id in enumerate(ids)
            if self.shard.owns(position, run)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "shard": str(self.shard),
            "n": self.n,
            "problems": self.problems,
            "missing": self.missing,
            "errored": self.errored,
            "about": self.about,
            "settings": self.settings,
            "versions": self.versions,
        }

    def write(self, folder: Path) -> Path:
        return write_atomic(Path(folder) / PLAN_FILE, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def read(cls, folder: Path) -> ShardPlan:
        """The plan of a shard folder; `InputError` when there is none or it is not one."""
        path = Path(folder) / PLAN_FILE
        if not path.exists():
            raise InputError(
                f"{folder} is not a finished shard (no {PLAN_FILE})",
                "run `k2-infer eval ... --shard I/N --output` there first (re-run it to resume)",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                Shard.parse(data["shard"]),
                int(data["n"]),
                {name: [str(i) for i in ids] for name, ids in data["problems"].items()},
                int(data["missing"]),
                int(data["errored"]),
                data.get("about") or {},
                data.get("settings") or {},
                data.get("versions") or {},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InputError(
                f"{path} is not a shard plan", "re-run that shard's command to write it again"
            ) from None
