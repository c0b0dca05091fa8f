"""`k2-infer eval-compare A B`: accuracy and token deltas between two run folders.

This is the table behind the K2 Think report's "planning shortens answers by X%": run the same
benchmarks with `--pipeline plain` into A and `--pipeline k2` into B, then compare. It is also how two
recipes are weighed as accuracy against tokens (best-of-8 against `deepconf-online`, say): besides
the length of the answer given, each row shows the tokens *spent* per sample, everything the
pipeline generated for it (every candidate, stopped ones included, the planner and the judge, from
the sample's `usage`; a plain sample spends its answer's tokens), and `plot` draws both runs'
benchmarks as points of accuracy against spent tokens.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from k2_core import InputError

from .records import EvalSummary
from .samples import read_samples


@dataclass
class Delta:
    """One benchmark scored in both runs. Accuracies in percent; tokens are mean response tokens;
    spent is the mean of what each sample generated in all (see the module)."""

    benchmark: str
    accuracy_a: float
    accuracy_b: float
    tokens_a: float
    tokens_b: float
    spent_a: float = 0.0
    spent_b: float = 0.0

    @property
    def accuracy_delta(self) -> float:
        """Points gained by B over A."""
        return self.accuracy_b - self.accuracy_a

    @property
    def tokens_change(self) -> float:
        """Relative change in mean response length from A to B, in percent (negative = shorter)."""
        return 100 * (self.tokens_b - self.tokens_a) / self.tokens_a if self.tokens_a else 0.0

    @property
    def spent_ratio(self) -> float:
        """Tokens B spent per sample for each token A spent (below 1: B is cheaper)."""
        return self.spent_b / self.spent_a if self.spent_a else 0.0


def spent(sample: dict[str, Any]) -> int:
    """Every token generated for one sample: its pipeline bill over all roles, else its answer."""
    usage = sample.get("usage")
    if isinstance(usage, dict) and usage:
        return sum(int(role.get("completion_tokens", 0)) for role in usage.values())
    return int(sample.get("completion_tokens") or 0)


def spent_per_benchmark(folder: Path) -> dict[str, float]:
    """The mean tokens spent per `ok` sample of each benchmark in a run folder."""
    path = Path(folder) / "samples.jsonl"
    by_benchmark: dict[str, list[int]] = {}
    for sample in read_samples(path) if path.exists() else []:
        if sample["status"] == "ok":
            by_benchmark.setdefault(sample["benchmark"], []).append(spent(sample))
    return {name: statistics.fmean(values) for name, values in by_benchmark.items()}


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
    spent_a, spent_b = spent_per_benchmark(folder_a), spent_per_benchmark(folder_b)
    return [
        Delta(
            name,
            a[name].avg_at_n,
            b[name].avg_at_n,
            a[name].tokens_mean,
            b[name].tokens_mean,
            spent_a.get(name, 0.0),
            spent_b.get(name, 0.0),
        )
        for name in shared
    ]


def run_label(folder: Path) -> str:
    """What a run is called in the table and the plot: its recipe, else its folder's name."""
    recipe = EvalSummary.read(folder).settings.get("recipe")
    return str(recipe) if recipe else Path(folder).name


def format_table(deltas: list[Delta], label_a: str = "A", label_b: str = "B") -> str:
    """A plain-text table, one row per benchmark."""
    header = (
        f"{'benchmark':<14} {'acc A':>7} {'acc B':>7} {'Δ pts':>7} "
        f"{'tok A':>7} {'tok B':>7} {'Δ tokens':>9} {'spent A':>8} {'spent B':>8} {'B/A':>6}"
    )
    rows = [
        f"{d.benchmark:<14} {d.accuracy_a:>7.2f} {d.accuracy_b:>7.2f} {d.accuracy_delta:>+7.2f} "
        f"{d.tokens_a:>7.0f} {d.tokens_b:>7.0f} {d.tokens_change:>+8.1f}% "
        f"{d.spent_a:>8.0f} {d.spent_b:>8.0f} {d.spent_ratio:>5.2f}x"
        for d in deltas
    ]
    legend = (
        f"A = {label_a}, B = {label_b}; acc in %; tok: mean answer tokens; "
        "spent: mean tokens generated per sample (all candidates and roles)"
    )
    return "\n".join([header, *rows, legend])


def plot(deltas: list[Delta], path: Path, label_a: str = "A", label_b: str = "B") -> Path:
    """Draw accuracy against spent tokens for both runs into `path` (a PNG): one marker per run,
    a line from A's point to B's for each benchmark. Needs matplotlib (`k2-infer[eval]`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for d in deltas:
        axes.plot([d.spent_a, d.spent_b], [d.accuracy_a, d.accuracy_b], color="0.7", zorder=1)
        axes.annotate(d.benchmark, (d.spent_b, d.accuracy_b), fontsize=8)
    for label, marker, xs, ys in (
        (label_a, "o", [d.spent_a for d in deltas], [d.accuracy_a for d in deltas]),
        (label_b, "s", [d.spent_b for d in deltas], [d.accuracy_b for d in deltas]),
    ):
        axes.scatter(xs, ys, marker=marker, label=label, zorder=2)
    axes.set_xlabel("tokens generated per sample (all candidates and roles)")
    axes.set_ylabel("accuracy (%)")
    axes.set_title(f"accuracy against tokens: {label_a} vs {label_b}")
    axes.legend()
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
