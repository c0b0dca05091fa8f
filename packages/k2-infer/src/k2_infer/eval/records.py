"""What an evaluation run reports, typed: one sample of `samples.jsonl`, one benchmark's scores and
the whole `summary.json`.

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
from k2_core.results_log import write_atomic

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
class EvalSample:
    """One line of `samples.jsonl`: which sample it is, whether it was verified (`status` `ok`) or
    failed (`error`), whether it is correct; every other field of the line (response, verdict,
    tokens, ...) is kept in `fields`. `from_dict` checks the line, `to_dict` is the line again."""

    benchmark: str
    problem_id: str
    run: int
    status: str
    correct: bool = False
    fields: dict[str, Any] = field(default_factory=dict)

    KEYS = ("benchmark", "problem_id", "run", "status")

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.benchmark, self.problem_id, self.run)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "a sample") -> EvalSample:
        """The sample of one line; `InputError` (saying where) when a key is missing or wrong."""
        missing = [key for key in cls.KEYS if key not in data]
        if missing or data["status"] not in ("ok", "error") or not _is_int(data["run"]):
            problem = f"lacks {', '.join(missing)}" if missing else "has a bad status or run"
            raise InputError(
                f"{where} {problem}",
                "delete that line (it is sampled again), or start afresh with --force-new",
            )
        rest = {k: v for k, v in data.items() if k not in (*cls.KEYS, "correct")}
        return cls(
            str(data["benchmark"]),
            str(data["problem_id"]),
            int(data["run"]),
            data["status"],
            bool(data.get("correct")),
            rest,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "problem_id": self.problem_id,
            "run": self.run,
            "status": self.status,
            "correct": self.correct,
            **self.fields,
        }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
        return write_atomic(
            Path(folder) / "summary.json", json.dumps(self.to_dict(), indent=2) + "\n"
        )
