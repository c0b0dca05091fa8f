"""k2-verify's math verifier against HuggingFace math-verify, per source suite, in one run.

    hatch run bench:python bench/verify_math.py [--data SET.jsonl ...] [--errors]

Suites scored by default: `math_families.jsonl` (every extraction and comparison family of issue 12,
with negative twins), `math_graders.jsonl` (one suite per public grader its facts come from: Qwen2.5-Math,
Minerva, verl, DeepScaleR, GSM8K, OlympiadBench, physics, sympy-syntax equations), the shared Math-Verify cases (`../shared/benchmarks/math_equivalence`, unflagged
only) split into their development part and the held-out part listed in `data/mv_heldout_ids.txt`,
then `math_equivalence.jsonl` and `math_heldout.jsonl`. For each suite, and within it for each kind of
answer (`latex`, `plain`, `sympy`: the case's own `kind`, else guessed from its text), it prints
accuracy, balanced accuracy, false positives (wrong answers accepted), false negatives (right answers
rejected), crashes (an exception, scored as "incorrect") and the median and p90 time per case for
both verifiers. `--errors` lists each verifier's mistakes (never for the held-out part). The sets and how they were built: bench/data/README.md.
math-verify is installed only in the `bench` hatch environment, never by k2-verify itself.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from k2_verify import verify

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "math_equivalence"
SETS = [
    DATA / "math_families.jsonl",
    DATA / "math_graders.jsonl",
    DATA / "math_equivalence.jsonl",
    DATA / "math_heldout.jsonl",
]
HELD_OUT = "mv-heldout"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def math_verify_suites() -> dict[str, list[dict]]:
    """The shared Math-Verify cases (unflagged), as development and held-out suites."""
    path = SHARED / "math_verify_tests.jsonl"
    if not path.exists():
        return {}
    held_out = set((DATA / "mv_heldout_ids.txt").read_text().split())
    suites: dict[str, list[dict]] = {"mv-dev": [], HELD_OUT: []}
    for row in load(path):
        if row["flagged"]:
            continue
        case = {"id": row["id"], "category": "math-verify", "response": row["pred"],
                "ground_truth": row["gold"], "label": row["expected"]}  # fmt: skip
        suites[HELD_OUT if row["id"] in held_out else "mv-dev"].append(case)
    return suites


def by_suite(name: str, cases: list[dict]) -> dict[str, list[dict]]:
    """A set whose cases name their `suite` (the grader each was learnt from) is one suite per
    grader, `name:suite`; any other set is one suite."""
    if not all("suite" in case for case in cases):
        return {name: cases}
    suites: dict[str, list[dict]] = {}
    for case in cases:
        suites.setdefault(f"{name}:{case['suite']}", []).append(case)
    return suites


def kind(case: dict) -> str:
    """`sympy` (Python syntax: `**`, `==`), `latex` (a backslash or `$`) or `plain`."""
    if "kind" in case:
        return case["kind"]
    text = case["response"][-300:] + " " + case["ground_truth"][-300:]
    if re.search(r"\*\*|==", text):
        return "sympy"
    return "latex" if re.search(r"[\\$]", text) else "plain"


def k2(response: str, truth: str) -> bool:
    return verify(response, truth, "math").correct


def math_verify(response: str, truth: str) -> bool:
    from math_verify import parse
    from math_verify import verify as mv_verify

    delimited = any(mark in truth for mark in ("$", "\\boxed", "\\[", "\\("))
    gold = parse(truth if delimited else f"${truth}$")
    return bool(mv_verify(gold, parse(response)))


def score(name, judge, cases) -> dict:
    """Run `judge` on every case: its figures (see `summarize`) and the per-case rows."""
    rows, crashed = [], set()
    for case in cases:
        start = time.perf_counter()
        try:
            said = bool(judge(case["response"], case["ground_truth"]))
        except Exception:  # noqa: BLE001  (a crash counts as "incorrect", and is counted apart)
            said = False
            crashed.add(case["id"])
        rows.append((case, said, time.perf_counter() - start))
    return {"name": name, "crashed": crashed, **summarize(rows)}


def summarize(rows: list[tuple[dict, bool, float]]) -> dict:
    outcomes = Counter((case["label"], said) for case, said, _ in rows)
    tp, tn = outcomes[(True, True)], outcomes[(False, False)]
    fp, fn = outcomes[(False, True)], outcomes[(True, False)]
    times = sorted(seconds for _, _, seconds in rows)
    return {
        "accuracy": (tp + tn) / len(rows),
        "balanced": ((tp / max(tp + fn, 1)) + (tn / max(tn + fp, 1))) / 2,
        "fp": fp,
        "fn": fn,
        "median_ms": 1000 * statistics.median(times),
        "p90_ms": 1000
        * times[math.ceil(0.9 * len(times)) - 1],  # nearest rank: never below the median
        "errors": [case for case, said, _ in rows if said != case["label"]],
        "rows": rows,
    }


def table(title: str, cases: list[dict], show_errors: bool) -> None:
    """Score `cases` with both verifiers and print one table: the suite, then each kind in it."""
    positives = sum(c["label"] for c in cases)
    print(
        f"\n{title}: {len(cases)} cases ({positives} correct, {len(cases) - positives} incorrect)\n"
    )
    print("| part | verifier | accuracy | balanced acc. | FP | FN | crashes | median ms | p90 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    kinds = sorted({kind(c) for c in cases})
    parts = [("all", cases)] + [(k, [c for c in cases if kind(c) == k]) for k in kinds]
    results = {}
    for name, judge in (("k2-verify", k2), ("math-verify", math_verify)):
        print(f"scoring {title} with {name} ...", file=sys.stderr)
        results[name] = score(name, judge, cases)
    for part, subset in parts if len(kinds) > 1 else parts[:1]:
        ids = {c["id"] for c in subset}
        for name, result in results.items():
            r = result if part == "all" else score_part(result, ids)
            crashes = len(result["crashed"] & ids)
            print(f"| {part} ({len(subset)}) | {name} | {r['accuracy']:.3f} | {r['balanced']:.3f} "
                  f"| {r['fp']} | {r['fn']} | {crashes} | {r['median_ms']:.2f} | {r['p90_ms']:.2f} |")  # fmt: skip
    if show_errors and title != HELD_OUT:
        for name, result in results.items():
            print(f"\n{name} mistakes ({len(result['errors'])}):")
            for case in result["errors"]:
                print(f"  {'FN' if case['label'] else 'FP'} [{case['category']}] "
                      f"{case['response'][-70:]!r} vs {case['ground_truth'][-70:]!r}")  # fmt: skip


def score_part(result: dict, ids: set) -> dict:
    """`result`'s figures over the cases whose id is in `ids`."""
    rows = [row for row in result["rows"] if row[0]["id"] in ids]
    return summarize([(case, said, seconds) for case, said, seconds in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=None, help="labelled sets to score")
    parser.add_argument("--errors", action="store_true", help="list each verifier's mistakes")
    args = parser.parse_args()
    for judge in (k2, math_verify):  # warm up: imports and caches are not per-case costs
        judge("\\boxed{\\frac{1}{2}}", "0.5")
        judge("\\boxed{x^2}", "x^2")  # k2-verify's time-bounded worker starts here
    suites = {}
    for path in args.data or SETS:
        suites.update(by_suite(path.name, load(path)))
    if args.data is None:
        suites = {SETS[0].name: suites.pop(SETS[0].name), **math_verify_suites(), **suites}
    for title, cases in suites.items():
        table(title, cases, args.errors)


if __name__ == "__main__":
    main()
