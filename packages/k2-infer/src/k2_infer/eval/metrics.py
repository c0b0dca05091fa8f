"""Scores of one benchmark from its verified samples: avg@n, std-err, pass@k, maj@n, lengths.

A *sample* here is one line of `samples.jsonl` (a dict): `problem_id`, `run`, `status` (`ok` or
`error`), `correct`, `extracted`, `completion_tokens`, `finish_reason`. Only `ok` samples count;
errored ones are reported as a number, never scored as wrong. Accuracies are percentages.

- avg@n: mean over problems of the fraction of a problem's n runs that are correct (= mean pass@1).
- std_err: standard error of the mean across runs: the sample standard deviation (ddof 1) of the n
  per-run accuracies, divided by sqrt(n).
- pass@k: the unbiased estimator of Chen et al. (2021), 1 - C(n-c, k) / C(n, k) per problem with c
  correct of n, averaged over problems, for k = 1, 2, 4, ... up to n (and n itself).
- maj@n: a problem counts as correct when its most frequent extracted answer (exact text, answers
  missing ignored; ties go to the answer seen first in run order) was verified correct.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections import Counter
from typing import Any

from .records import BenchmarkScore


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c of them correct) is correct."""
    if k > n:
        raise ValueError(f"k={k} is larger than n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def ks_for(n: int) -> list[int]:
    """The k values reported for n samples: powers of two below n, then n."""
    ks = [1 << i for i in range(n.bit_length()) if (1 << i) < n]
    return ks + [n]


def majority_correct(samples: list[dict[str, Any]]) -> bool:
    """Whether the most frequent extracted answer among `samples` (in run order) was correct."""
    answers = [s for s in samples if s.get("extracted") not in (None, "")]
    if not answers:
        return False
    counts = Counter(str(s["extracted"]).strip() for s in answers)
    best = max(counts.values())
    for sample in answers:  # run order breaks ties
        if counts[str(sample["extracted"]).strip()] == best:
            return bool(sample["correct"])
    return False


def summarize(
    benchmark: str,
    problem_ids: list[str],
    samples: list[dict[str, Any]],
    n: int,
    allow_partial=False,
) -> BenchmarkScore:
    """The scores of one benchmark over `problem_ids` with `n` runs each.

    With a problem short of n verified samples the result has `status: "incomplete"` and no scores,
    unless `allow_partial`, which scores what there is and says `status: "partial"`.
    """
    by_problem: dict[str, list[dict[str, Any]]] = {pid: [] for pid in problem_ids}
    errored = 0
    for sample in samples:
        if sample["problem_id"] not in by_problem or sample["run"] >= n:
            continue
        if sample["status"] == "ok":
            by_problem[sample["problem_id"]].append(sample)
        else:
            errored += 1
    for runs in by_problem.values():
        runs.sort(key=lambda s: s["run"])
    missing = sum(n - len(runs) for runs in by_problem.values())
    counted = BenchmarkScore(
        benchmark=benchmark,
        problems=len(problem_ids),
        n=n,
        samples=sum(len(runs) for runs in by_problem.values()),
        missing=missing,
        errored=errored,
        status="complete" if missing == 0 else ("partial" if allow_partial else "incomplete"),
    )
    scored = {pid: runs for pid, runs in by_problem.items() if runs}
    if counted.status == "incomplete" or not scored:
        return dataclasses.replace(counted, status="incomplete")
    ok = [s for runs in scored.values() for s in runs]
    counts = [(len(runs), sum(s["correct"] for s in runs)) for runs in scored.values()]  # (n, c)
    per_problem = [c / runs for runs, c in counts]
    hits_by_run: dict[int, list[bool]] = {}
    for sample in ok:
        hits_by_run.setdefault(sample["run"], []).append(sample["correct"])
    per_run = [sum(hits) / len(hits) for _, hits in sorted(hits_by_run.items())]
    pass_k = {}
    for k in ks_for(n):
        values = [pass_at_k(runs, c, k) for runs, c in counts if runs >= k]
        if values:
            pass_k[str(k)] = 100 * statistics.fmean(values)
    tokens = [s["completion_tokens"] for s in ok]
    return dataclasses.replace(
        counted,
        avg_at_n=100 * statistics.fmean(per_problem),
        std_err=100 * statistics.stdev(per_run) / math.sqrt(len(per_run))
        if len(per_run) > 1
        else None,
        per_run=[100 * a for a in per_run],
        pass_at_k=pass_k,
        maj_at_n=100 * statistics.fmean(majority_correct(runs) for runs in scored.values()),
        tokens_mean=statistics.fmean(tokens),
        tokens_median=statistics.median(tokens),
        truncation_rate=sum(s["finish_reason"] == "length" for s in ok) / len(ok),
    )
