"""`k2-infer eval-merge`: the shard folders of one run (see `shards.py`) combined into one run folder.

    summary = merge_shards([Path("runs/a1"), Path("runs/a2")], Path("runs/a"))

Every shard `1/N` ... `N/N` must be there exactly once, with the same settings (`run.json` without
the shard, the runs and the problem list) and every one of its samples verified. Anything else is
refused in one line naming the shard to run, resume or leave out, and nothing is written. The merged
folder is an ordinary run folder: `samples.jsonl` holds every sample exactly once (in the order an
unsharded run takes them), `run.json` the unsharded identity, then `summary.json`, `report.md` and
plots, as `k2-infer eval` writes them. Re-running `k2-infer eval` with the same settings on it finds
nothing left to do, and `--n` higher adds runs there.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k2_core import InputError
from k2_core.results_log import FolderLock, write_atomic

from .harness import identity_differences
from .metrics import summarize
from .records import EvalSummary
from .report import write_report
from .samples import Key, read_samples
from .shards import ShardPlan


def _identity(folder: Path) -> dict[str, Any]:
    """The shard's `run.json` without the shard."""
    path = folder / "run.json"
    try:
        identity = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        identity = None
    if not isinstance(identity, dict):
        raise InputError(f"{path} is missing or not a run identity", "re-run that shard's command")
    identity.pop("shard", None)
    return identity


def _check_split(plans: dict[Path, ShardPlan]) -> None:
    """Every shard of one split, each once."""
    counts = sorted({plan.shard.count for plan in plans.values()})
    if len(counts) > 1:
        raise InputError(
            f"the folders split the run in different ways (into {' and '.join(map(str, counts))})",
            "merge the folders of one split: all --shard I/N with the same N",
        )
    seen: dict[int, Path] = {}
    for folder, plan in plans.items():
        if plan.shard.index in seen:
            raise InputError(
                f"{seen[plan.shard.index]} and {folder} are both shard {plan.shard}: they overlap",
                "pass each shard's folder once",
            )
        seen[plan.shard.index] = folder
    count = counts[0]
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise InputError(
            f"shard {', '.join(missing)} is missing",
            f"run `k2-infer eval ... --shard {missing[0]}` with the same settings and pass its "
            "folder too",
        )


def _check_agreement(plans: dict[Path, ShardPlan]) -> None:
    """The same settings, runs and problems in every shard."""
    first, *others = plans
    reference, plan = _identity(first), plans[first]
    for folder in others:
        changed = identity_differences(reference, _identity(folder))
        changed += [
            name
            for name in ("n", "problems")
            if getattr(plans[folder], name) != getattr(plan, name)
        ]
        if changed:
            raise InputError(
                f"{first} and {folder} disagree on settings ({', '.join(changed)})",
                "re-run the shard with the wrong settings using the others' (with --force-new)",
            )


def _collect(plans: dict[Path, ShardPlan]) -> dict[Key, dict[str, Any]]:
    """Each shard's verified samples by key; refuses a shard that is unfinished or holds samples
    another shard owns."""
    found: dict[Key, dict[str, Any]] = {}
    for folder, plan in plans.items():
        owned = set(plan.keys())
        samples = {
            (s["benchmark"], str(s["problem_id"]), int(s["run"])): s
            for s in read_samples(folder / "samples.jsonl")
            if s["status"] == "ok"
        }
        strays = sorted(set(samples) - owned)
        if strays:
            name, problem_id, run = strays[0]
            raise InputError(
                f"{folder} (shard {plan.shard}) holds {len(strays)} samples of other shards "
                f"(e.g. {name} {problem_id} run {run}): the shards overlap",
                "re-run that shard into a new folder with only --shard changed",
            )
        unfinished = len(owned - set(samples))
        if unfinished:
            raise InputError(
                f"shard {plan.shard} ({folder}) is incomplete: {unfinished} samples missing or "
                "errored",
                "re-run that shard's command to resume it, then merge again",
            )
        found.update(samples)
    return found


def merge_shards(folders: list[Path], output: Path) -> EvalSummary:
    """Check the shard `folders` and write their merged run into `output` (see the module doc)."""
    folders = [Path(folder) for folder in folders]
    output = Path(output)
    if len(set(map(Path.resolve, folders))) != len(folders):
        raise InputError("a shard folder is given twice", "pass each shard's folder once")
    if output.resolve() in map(Path.resolve, folders):
        raise InputError(f"{output} is one of the shards", "merge into a new folder")
    if (output / "samples.jsonl").exists():
        raise InputError(f"{output} already holds a run", "merge into a new folder, or delete it")
    plans = {folder: ShardPlan.read(folder) for folder in folders}
    _check_split(plans)
    _check_agreement(plans)
    found = _collect(plans)
    plan = next(iter(plans.values()))
    samples = [
        found[(name, problem_id, run)]
        for run in range(plan.n)
        for name, ids in plan.problems.items()
        for problem_id in ids
    ]
    benchmarks = {
        name: dataclasses.replace(
            summarize(name, ids, [s for s in samples if s["benchmark"] == name], plan.n),
            **plan.about.get(name, {}),
        )
        for name, ids in plan.problems.items()
    }
    summary = EvalSummary(
        benchmarks=benchmarks,
        settings=plan.settings,
        versions=plan.versions,
        written=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    with FolderLock(output):
        lines = "".join(json.dumps(sample, ensure_ascii=False) + "\n" for sample in samples)
        write_atomic(output / "samples.jsonl", lines)
        identity = {**_identity(folders[0]), "shard": None}  # a whole run's
        write_atomic(output / "run.json", json.dumps(identity, indent=2) + "\n")
        summary.write(output)
        write_report(output, summary, samples)
    return summary
