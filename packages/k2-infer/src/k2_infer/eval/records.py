"""What an evaluation run reports, typed: one benchmark's scores and the whole `summary.json`.

`to_dict()` is the JSON on disk and `from_dict()` reads it back, so the file keeps its keys (`avg@n`,
`pass@k`, `maj@n`, ...) while code reads attributes (`avg_at_n`, `pass_at_k`, `maj_at_n`). Accuracies
are percentages. A benchmark that is `incomplete` has no scores: they are None here and absent on disk.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k2_core import InputError

# Attribute names whose JSON key differs.
_JSON_KEYS = {"avg_at_n": "avg@n", "pass_at_k": "pass@k", "maj_at_n": "maj@n"}
_SCORES = (
    "avg_at_n",
    "std_err",
    "per_run",
    "pass_at_k",
    "maj_at_n",
    "tokens_mean",
    "tokens_median",
    "truncation_rate",
)


@dataclass
class BenchmarkScore:
    """One benchmark of a run: counts, `status` (`complete`, `partial`, `incomplete`) and scores."""

    benchmark: str
    problems: int
    n: int
    samples: int
    missing: int
    errored: int
    status: str
    avg_at_n: float | None = None
    std_err: float | None = None
    per_run: list[float] | None = None
    pass_at_k: dict[str, float] | None = None
    maj_at_n: float | None = None
    tokens_mean: float | None = None
    tokens_median: float | None = None
    truncation_rate: float | None = None
    description: str = ""
    k2_think_reported: float | None = None

    @property
    def scored(self) -> bool:
        return self.avg_at_n is not None

    def to_dict(self) -> dict[str, Any]:
        data = {}
        for item in dataclasses.fields(self):
            if item.name in _SCORES and not self.scored:
                continue
            data[_JSON_KEYS.get(item.name, item.name)] = getattr(self, item.name)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchmarkScore:
        names = {
            _JSON_KEYS.get(item.name, item.name): item.name for item in dataclasses.fields(cls)
        }
        return cls(**{names[key]: value for key, value in data.items() if key in names})


@dataclass
class EvalSummary:
    """`summary.json`: every benchmark's scores, the run's settings, library versions, when."""

    benchmarks: dict[str, BenchmarkScore]
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    written: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmarks": {name: score.to_dict() for name, score in self.benchmarks.items()},
            "settings": self.settings,
            "versions": self.versions,
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalSummary:
        benchmarks = {
            name: BenchmarkScore.from_dict(score) for name, score in data["benchmarks"].items()
        }
        return cls(benchmarks, data["settings"], data["versions"], data["written"])

    @classmethod
    def read(cls, folder: Path) -> EvalSummary:
        """The summary in a run folder."""
        path = Path(folder) / "summary.json"
        if not path.exists():
            raise InputError(
                f"no summary.json in {folder}", "run `k2-infer eval ... --output` there first"
            )
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def write(self, folder: Path) -> Path:
        """Write `summary.json` atomically (a reader never sees half a file)."""
        path = Path(folder) / "summary.json"
        staging = path.with_suffix(".json.tmp")
        staging.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        staging.replace(path)
        return path
