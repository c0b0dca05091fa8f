"""`k2-infer eval-compare A B`: accuracy and response-length deltas between two run folders.

This is the table behind the K2 Think report's "planning shortens answers by X%": run the same
benchmarks with `--pipeline plain` into A and `--pipeline k2` into B, then compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from k2_core import InputError

from .records import EvalSummary


@dataclass
class Delta:
    """One benchmark scored in both runs. Accuracies in percent; tokens are mean response tokens."""

    benchmark: str
    accuracy_a: float
    accuracy_b: float
    tokens_a: float
    tokens_b: float

    @property
    def accuracy_delta(self) -> float:
        """Points gained by B over A."""
        return self.accuracy_b - self.accuracy_a

    @property
    def tokens_change(self) -> float:
        """Relative change in mean response length from A to B, in percent (negative = shorter)."""
        return 100 * (self.tokens_b - self.tokens_a) / self.tokens_a if self.tokens_a else 0.0


def unmatched(folder_a: Path, folder_b: Path) -> list[str]:
    """One line per benchmark that is scored in one run only (so it has no delta)."""
    a = EvalSummary.read(folder_a).benchmarks
    b = EvalSummary.read(folder_b).benchmarks
    lines = []
    for name in dict.fromkeys([*a, *b]):
        in_a, in_b = name in a and a[name].scored, name in b and b[name].scored
        if in_a != in_b:
            where, other = (folder_a, folder_b) if in_a else (folder_b, folder_a)
            lines.append(f"{name}: scored only in {where} (not in {other})")
    return lines


def compare(folder_a: Path, folder_b: Path) -> list[Delta]:
    """Deltas for every benchmark scored (complete or partial) in both folders, in A's order.

    `unmatched` lists the benchmarks scored in one folder only.
    """
    a = EvalSummary.read(folder_a).benchmarks
    b = EvalSummary.read(folder_b).benchmarks
    shared = [name for name in a if name in b and a[name].scored and b[name].scored]
    if not shared:
        raise InputError(
            f"{folder_a} and {folder_b} have no scored benchmark in common",
            "evaluate the same benchmarks in both folders",
        )
    return [
        Delta(name, a[name].avg_at_n, b[name].avg_at_n, a[name].tokens_mean, b[name].tokens_mean)
        for name in shared
    ]


def format_table(deltas: list[Delta], label_a: str = "A", label_b: str = "B") -> str:
    """A plain-text table, one row per benchmark."""
    header = (
        f"{'benchmark':<14} {'acc ' + label_a:>9} {'acc ' + label_b:>9} {'Δ pts':>7} "
        f"{'tok ' + label_a:>9} {'tok ' + label_b:>9} {'Δ tokens':>9}"
    )
    rows = [
        f"{d.benchmark:<14} {d.accuracy_a:>9.2f} {d.accuracy_b:>9.2f} {d.accuracy_delta:>+7.2f} "
        f"{d.tokens_a:>9.0f} {d.tokens_b:>9.0f} {d.tokens_change:>+8.1f}%"
        for d in deltas
    ]
    return "\n".join([header, *rows])
