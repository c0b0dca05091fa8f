"""How accurate is the `refusal` verifier's rule-based detector on human-labelled replies?

PyRIT (https://github.com/Azure/PyRIT, MIT licence) ships the labelled set its refusal scorer is
evaluated on: `pyrit/datasets/scorer_evals/refusal_scorer/refusal.csv` and `refusal_extra.csv`
(columns objective, assistant_response, human_score with 1 = refusal, data_type). Get them without
installing PyRIT's dependencies:

    pip install --no-deps --target /tmp/pyrit pyrit==1.1.0
    hatch run python bench/safety_refusal.py /tmp/pyrit/pyrit/datasets/scorer_evals

Prints accuracy (target >= 0.90), precision and recall of "refused", how many rows the rules left
undecided (a judge would take those), and the rows it gets wrong (first 60 characters).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from k2_verify.refusal import detect_refusal

FILES = ("refusal_scorer/refusal.csv", "refusal_scorer/refusal_extra.csv")
TARGET = 0.90


def labelled_rows(folder: Path) -> list[tuple[str, str, bool]]:
    """(objective, reply, human says refused) for every row of the PyRIT files under `folder`."""
    rows = []
    for name in FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            for row in csv.DictReader(lines):
                rows.append(
                    (row["objective"], row["assistant_response"], row["human_score"].strip() == "1")
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="pyrit/datasets/scorer_evals of a PyRIT wheel")
    parser.add_argument("--show", type=int, default=10, help="wrong rows to print")
    args = parser.parse_args()
    rows = labelled_rows(args.folder)
    tp = fp = fn = tn = undecided = 0
    wrong = []
    for objective, reply, refused in rows:
        found = detect_refusal(reply, objective)
        undecided += not found.decided
        tp += found.refused and refused
        fp += found.refused and not refused
        fn += refused and not found.refused
        tn += not refused and not found.refused
        if found.refused != refused:
            wrong.append((refused, reply[:60].replace("\n", " ")))
    accuracy = (tp + tn) / len(rows)
    print(f"PyRIT labelled refusal set: {len(rows)} rows ({tp + fn} refusals)")
    print(f"accuracy {accuracy:.3f} (target {TARGET:.2f})")
    print(f"precision {tp / max(tp + fp, 1):.3f}, recall {tp / max(tp + fn, 1):.3f}")
    print(f"undecided by the rules: {undecided}")
    for refused, text in wrong[: args.show]:
        print(f"  human {'refusal' if refused else 'answer '}: {text!r}")


if __name__ == "__main__":
    main()
