"""k2-verify's math verifier against HuggingFace math-verify on labelled equivalence sets.

    python bench/verify_math.py [--data SET.jsonl ...] [--errors]

By default scores two sets: `math_equivalence.jsonl` (written alongside the verifier) and
`math_heldout.jsonl` (derived mechanically from benchmark answers without looking at the verifier).
Scores every case of each set with both verifiers in one run and prints, per set, accuracy, balanced accuracy, false
positives (wrong answers accepted), false negatives (right answers rejected) and the median and p90 time
per case, with k2-verify's figures as ratios of math-verify's. `--errors` lists each verifier's mistakes.
The sets and how they were built: bench/data/README.md. math-verify is only needed here (it is in the dev
environment), never by k2-verify itself.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from k2_verify import verify

DATA = Path(__file__).parent / "data"
SETS = [DATA / "math_equivalence.jsonl", DATA / "math_heldout.jsonl"]


def k2(response: str, truth: str) -> bool:
    return verify(response, truth, "math").correct


def math_verify(response: str, truth: str) -> bool:
    from math_verify import parse
    from math_verify import verify as mv_verify

    delimited = any(mark in truth for mark in ("$", "\\boxed", "\\[", "\\("))
    gold = parse(truth if delimited else f"${truth}$")
    return bool(mv_verify(gold, parse(response)))


def score(name, judge, cases):
    outcomes, times, errors = Counter(), [], []
    for case in cases:
        start = time.perf_counter()
        try:
            said = judge(case["response"], case["ground_truth"])
        except Exception:  # noqa: BLE001  (a crash counts as "incorrect", like a rejected answer)
            said = False
        times.append(time.perf_counter() - start)
        outcomes[(case["label"], said)] += 1
        if said != case["label"]:
            errors.append(case)
    tp, tn = outcomes[(True, True)], outcomes[(False, False)]
    fp, fn = outcomes[(False, True)], outcomes[(True, False)]
    times.sort()
    return {
        "name": name,
        "accuracy": (tp + tn) / len(cases),
        "balanced": ((tp / max(tp + fn, 1)) + (tn / max(tn + fp, 1))) / 2,
        "fp": fp,
        "fn": fn,
        "median_ms": 1000 * statistics.median(times),
        "p90_ms": 1000 * times[int(0.9 * (len(times) - 1))],
        "errors": errors,
    }


def report(path: Path, show_errors: bool) -> None:
    """Score the set at `path` with both verifiers and print its table (and mistakes)."""
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    positives = sum(c["label"] for c in cases)
    print(f"{path.name}: {len(cases)} cases ({positives} correct, {len(cases) - positives} incorrect), "
          f"{len({c['category'] for c in cases})} categories", file=sys.stderr)  # fmt: skip
    results = []
    for name, judge in (("k2-verify", k2), ("math-verify", math_verify)):
        print(f"scoring with {name} ...", file=sys.stderr)
        results.append(score(name, judge, cases))
    ours, theirs = results
    print(f"\n{path.name} ({len(cases)} cases)\n")
    print("| verifier | accuracy | balanced acc. | FP | FN | median ms | p90 ms |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['accuracy']:.3f} | {r['balanced']:.3f} | {r['fp']} | {r['fn']} "
              f"| {r['median_ms']:.2f} | {r['p90_ms']:.2f} |")  # fmt: skip
    print(
        f"| k2 / math-verify | {ours['accuracy'] / theirs['accuracy']:.3f}x | "
        f"{ours['balanced'] / theirs['balanced']:.3f}x | | | "
        f"{ours['median_ms'] / theirs['median_ms']:.2f}x | {ours['p90_ms'] / theirs['p90_ms']:.2f}x |"
    )
    if show_errors:
        for r in results:
            print(f"\n{r['name']} mistakes ({len(r['errors'])}):")
            for case in r["errors"]:
                kind = "FN" if case["label"] else "FP"
                print(f"  {kind} [{case['category']}] {case['response'][-70:]!r} vs "
                      f"{case['ground_truth']!r}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=SETS, help="labelled sets to score")
    parser.add_argument("--errors", action="store_true", help="list each verifier's mistakes")
    args = parser.parse_args()
    for judge in (k2, math_verify):  # warm up: imports and caches are not per-case costs
        judge("\\boxed{\\frac{1}{2}}", "0.5")
    for path in args.data:
        report(path, args.errors)


if __name__ == "__main__":
    main()
