"""Score a JSONL file of responses: `k2-verify batch INPUT.jsonl -o OUTPUT.jsonl`.

Each input line is `{"id", "response", "ground_truth", "domain"?, "data_source"?}`. Each output line
is the input plus `"verdict": {"correct", "score", "extracted", "reason", "details"?}`, appended as soon as it is
scored (so output order is completion order). A rerun skips the ids already in the output, so an
interrupted batch resumes where it stopped (the output is a `k2_core.results_log`: append only, a
torn last line cut off, one batch per output at a time); `-o -` streams the lines to stdout instead.
A bad line (not UTF-8, not JSON, a missing field, a field of the wrong type, an unknown domain)
becomes an output line with reason `bad_input` and the batch goes on; a line without a usable id is
written with `input_line` (its line number) and `id: null`, and resumed by that number.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from k2_core import InputError, K2Error, Verdict
from k2_core.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from k2_core.results_log import ResultsLog, StdoutLog, open_log

from .api import route
from .pool import Job, VerifyPool

REQUIRED = ("id", "response")  # and ground_truth, for verifiers that need one
log = logging.getLogger("k2.verify.batch")


@dataclass
class Summary:
    """What a batch did: items scored now, items skipped because already in the output, by reason."""

    scored: int = 0
    skipped: int = 0
    correct: int = 0
    bad_input: int = 0
    reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.reasons.most_common())
        return (
            f"scored {self.scored} ({self.correct} correct; {reasons or 'nothing new'}) in "
            f"{self.seconds:.1f}s; skipped {self.skipped} already in the output"
        )

    @property
    def exit_code(self) -> int:
        """`EXIT_FAILED` when every line scored now failed, `EXIT_BAD_INPUT` when some were bad,
        else `EXIT_OK` (see `k2_core.errors`)."""
        failed = self.reasons["bad_input"] + self.reasons["error"]
        if self.scored and failed == self.scored:
            return EXIT_FAILED
        return EXIT_BAD_INPUT if self.bad_input else EXIT_OK


def _bad(number: int, raw: bytes) -> dict[str, Any]:
    """The output record of a line that could not be read: its number and its start, no id (a
    synthetic id could collide with a real one)."""
    return {"input_line": number, "line": raw[:200].decode("utf-8", "replace")}


def _read(raw: bytes, number: int, domain: str) -> tuple[dict[str, Any], Job | str]:
    """The record of one input line and its job, or the record and why it is bad."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _bad(number, raw), f"line {number} is not UTF-8 (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return _bad(number, raw), f"line {number} is not JSON ({exc.msg})"
    except (ValueError, RecursionError) as exc:  # a 5000-digit integer, nesting too deep
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
        return _bad(number, raw), f"line {number} cannot be read ({reason})"
    if not isinstance(record, dict):
        return _bad(number, raw), f"line {number} is not a JSON object"
    if not isinstance(record.get("id"), str | int) or isinstance(record.get("id"), bool):
        problem = "lacks id" if "id" not in record else "has an id that is not a string or integer"
        return {**_bad(number, raw), "id": None}, f"line {number} {problem}"
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        return record, f"line {number} lacks {', '.join(missing)}"
    if not isinstance(record["response"], str):
        return record, f"line {number}: response must be a string"
    for key in ("domain", "data_source"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return record, f"line {number}: {key} must be a string"
    job = Job(
        record["response"],
        record.get("ground_truth"),
        record.get("domain") or domain,
        record.get("data_source") or None,
    )
    try:
        entry = route(job.domain, job.data_source)
    except K2Error as exc:
        return record, f"line {number}: {exc}"
    if "ground_truth" not in record and getattr(entry.load(), "needs_ground_truth", True):
        return record, f"line {number} lacks ground_truth"
    return record, job


def _key(record: dict[str, Any]) -> str:
    """What a resumed batch skips by: the id, or the line number of a line without a usable id."""
    if record.get("id") is None:
        return f"#{record.get('input_line')}"
    return f"id:{record['id']}"


def _write(
    out: ResultsLog | StdoutLog, record: dict[str, Any], verdict: Verdict, summary: Summary
) -> None:
    record["verdict"] = {
        "correct": verdict.correct,
        "score": verdict.score,
        "extracted": verdict.extracted,
        "reason": verdict.reason,
        **({"details": verdict.details} if verdict.details else {}),
    }
    out.append(record)
    summary.scored += 1
    summary.correct += verdict.correct
    summary.reasons[verdict.reason] += 1
    summary.bad_input += verdict.reason == "bad_input"


def run_batch(
    input_path: Path,
    output_path: Path,
    *,
    domain: str = "math",
    workers: int | None = None,
    timeout: float = 5.0,
) -> Summary:
    """Score `input_path` into `output_path` (see the module docstring); returns the summary."""
    if not input_path.is_file():
        raise InputError(
            f"no input file {input_path}", "give a JSONL file with id, response, ground_truth"
        )
    if workers is not None and workers < 0:
        raise InputError(f"workers must be 0 or more, not {workers}", "pass --workers 0 or more")
    if not 0 < timeout < float("inf"):
        raise InputError(f"timeout must be a positive number of seconds, not {timeout}")
    start = time.monotonic()
    summary = Summary()
    with open_log(output_path) as out:
        done = {_key(record) for record in out.existing}
        _score(input_path, out, done, domain, workers, timeout, summary)
    summary.seconds = time.monotonic() - start
    return summary


def _score(
    input_path: Path,
    out: ResultsLog | StdoutLog,
    done: set[str],
    domain: str,
    workers: int | None,
    timeout: float,
    summary: Summary,
) -> None:
    """Score every line of `input_path` whose id is not in `done`, appending to `out`."""
    records, jobs, bad = [], [], []
    with input_path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record, job = _read(line.rstrip(b"\r\n"), number, domain)
            if _key(record) in done:
                summary.skipped += 1
            elif isinstance(job, Job):
                records.append(record)
                jobs.append(job)
            else:
                bad.append((record, job))
    for record, problem in bad:
        _write(out, record, Verdict(0.0, False, None, "bad_input", {"error": problem}), summary)
        log.warning("%s", problem)
    if jobs:
        with (
            VerifyPool(workers, timeout=timeout) as pool,
            click.progressbar(length=len(jobs), label="verifying", file=sys.stderr) as bar,
        ):
            for index, verdict in pool.imap_unordered(jobs):
                _write(out, records[index], verdict, summary)
                bar.update(1)
