"""`report.md` and its plots: the summary of a run written so it cannot be misread.

Every score sits beside K2 Think's reported figure (none over custom `--data`), the number of runs
and the std-err; benchmarks that are incomplete say so instead of showing a number. The model is
the one the server says it served when `--model` was not given. Plots (`accuracy.png`,
`lengths.png`: titled with the model and n; lengths as a density per benchmark, so a large and a
small benchmark compare) need matplotlib (`pip install 'k2-infer[eval]'`); without it the report
says they were skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from k2_core.results_log import staged, write_atomic

from .records import BenchmarkScore, EvalSummary


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def score_row(name: str, scores: BenchmarkScore) -> str:
    """One table row of the report for one benchmark."""
    if not scores.scored:
        return (
            f"| {name} | {scores.problems} | incomplete: {scores.missing} samples missing, "
            f"{scores.errored} errored | {_pct(scores.k2_think_reported)} | | | | | |"
        )
    largest_k = max(scores.pass_at_k, key=int)
    accuracy = f"{scores.avg_at_n:.2f}"
    if scores.std_err is not None:
        accuracy += f" ± {scores.std_err:.2f}"
    if scores.status == "partial":
        accuracy += " (partial)"
    return (
        f"| {name} | {scores.problems} | {accuracy} | {_pct(scores.k2_think_reported)} "
        f"| {scores.maj_at_n:.2f} | {scores.pass_at_k[largest_k]:.2f} (k={largest_k}) "
        f"| {scores.tokens_mean:.0f} / {scores.tokens_median:.0f} "
        f"| {100 * scores.truncation_rate:.1f}% | {scores.errored} |"
    )


def model_label(summary: EvalSummary, samples: list[dict[str, Any]]) -> str:
    """The model asked for, else the one(s) the backend reported serving, else the backend default."""
    if summary.settings["model"]:
        return summary.settings["model"]
    served = sorted({s["served_model"] for s in samples if s.get("served_model")})
    return ", ".join(served) if served else "(backend default)"


def render(
    summary: EvalSummary, plots: list[str], plot_note: str = "", model: str | None = None
) -> str:
    """The markdown text of the report (`model`: `model_label`, default the settings' model)."""
    settings = summary.settings
    sampling = settings["sampling"]
    n = settings["n"]
    model = model or settings["model"] or "(backend default)"
    lines = [
        "# Evaluation report",
        "",
        f"Model `{model}` on backend `{settings['backend']}`, "
        f"pipeline `{settings['pipeline']}`, recipe `{settings['recipe']}`. Each score is avg@{n}: "
        f"the mean of {n} independent pass@1 runs (temperature {sampling['temperature']}, top-p "
        f"{sampling['top_p']}, max {sampling['max_tokens']} tokens, stop {sampling['stop']}).",
        "",
        f"| benchmark | problems | avg@{n} ± std-err (%) | K2 Think reported (%) | maj@{n} (%) "
        "| pass@k (%) | tokens mean / median | truncated | errored |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    benchmarks = summary.benchmarks
    lines += [score_row(name, scores) for name, scores in benchmarks.items()]
    notes = [
        f"- **{name}**: {scores.status}; {scores.missing} samples missing. Re-run the same "
        "command to resume, or pass --allow-partial to score what is there."
        for name, scores in benchmarks.items()
        if scores.status != "complete"
    ]
    if notes:
        lines += ["", "Not complete:", *notes]
    lines += ["", "## pass@k", ""]
    for name, scores in benchmarks.items():
        if scores.scored:
            values = ", ".join(f"pass@{k} {v:.2f}" for k, v in scores.pass_at_k.items())
            lines.append(f"- {name}: {values}")
    lines += ["", "## Benchmarks", ""]
    lines += [f"- {name}: {scores.description}" for name, scores in benchmarks.items()]
    lines += ["", "## Plots", ""]
    lines += [f"![{Path(plot).stem}]({plot})" for plot in plots] or [plot_note]
    lines += ["", "## Versions", ""]
    lines += [f"- {name} {version}" for name, version in summary.versions.items()]
    lines += ["", f"Written {summary.written}.", ""]
    return "\n".join(lines)


def plot(folder: Path, summary: EvalSummary, samples: list[dict[str, Any]]) -> list[str]:
    """Draw `accuracy.png` and `lengths.png` into `folder`; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    model, n = model_label(summary, samples), summary.settings["n"]

    scored = {k: v for k, v in summary.benchmarks.items() if v.scored}
    if not scored:
        return []
    names = list(scored)
    x = range(len(names))
    figure, axes = plt.subplots(figsize=(max(5, 1.4 * len(names)), 4))
    ours = [scored[name].avg_at_n for name in names]
    errors = [scored[name].std_err or 0.0 for name in names]
    reported = [scored[name].k2_think_reported or 0.0 for name in names]
    axes.bar([i - 0.2 for i in x], ours, 0.4, yerr=errors, capsize=3, label="this run")
    axes.bar([i + 0.2 for i in x], reported, 0.4, label="K2 Think (reported)")
    axes.set_xticks(list(x), [f"{name}\n({scored[name].problems} problems)" for name in names])
    axes.set_ylabel(f"avg@{n} (%)")
    axes.set_ylim(0, 100)
    axes.set_title(f"{model}: avg@{n} per benchmark")
    axes.legend()
    figure.tight_layout()
    with staged(folder / "accuracy.png") as staging:
        figure.savefig(staging, dpi=100, format="png")
    plt.close(figure)

    figure, axes = plt.subplots(figsize=(6, 4))
    for name in names:
        tokens = [
            s["completion_tokens"]
            for s in samples
            if s["benchmark"] == name and s["status"] == "ok"
        ]
        if tokens:
            axes.hist(tokens, bins=30, density=True, alpha=0.6, label=f"{name} (n={len(tokens)})")
    axes.set_xlabel("response tokens")
    axes.set_ylabel("share of samples (density)")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{model}: response lengths, {n} runs per problem")
    axes.legend()
    figure.tight_layout()
    with staged(folder / "lengths.png") as staging:
        figure.savefig(staging, dpi=100, format="png")
    plt.close(figure)
    return ["accuracy.png", "lengths.png"]


def write_report(folder: Path, summary: EvalSummary, samples: list[dict[str, Any]]) -> Path:
    """Write `report.md` (and plots when matplotlib is installed) into `folder`."""
    try:
        plots, note = plot(folder, summary, samples), "No benchmark has scores to plot yet."
    except ImportError:
        plots, note = (
            [],
            "Plots skipped: matplotlib is not installed (`pip install 'k2-infer[eval]'`).",
        )
    return write_atomic(
        folder / "report.md", render(summary, plots, note, model_label(summary, samples))
    )
