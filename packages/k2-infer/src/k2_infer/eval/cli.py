"""The `k2-infer eval`, `k2-infer eval-merge` and `k2-infer eval-compare` commands."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from k2_core import InputError, K2Error
from k2_core.cli import parse_options
from k2_core.params import COUNT, MAX_TOKENS, NON_NEGATIVE, SECONDS
from k2_core.registry import get_registry

from .compare import compare, format_table, plot, run_label, unmatched
from .harness import EvalSettings, run_eval
from .merge import merge_shards
from .ray_runner import LOCAL, RayRunner, import_ray
from .records import EvalSummary
from .safety import safety_report
from .shards import Shard, ShardPlan


def parse_data(values: tuple[str, ...], benchmarks: list[str]) -> dict[str, str]:
    """`--data PATH` (one benchmark) or `--data BENCH=PATH` (any number) as {benchmark: path}."""
    data = {}
    for value in values:
        name, sep, path = value.partition("=")
        if sep and name in benchmarks:
            data[name] = path
        elif len(benchmarks) == 1:
            data[benchmarks[0]] = value
        else:
            raise InputError(
                f"--data {value!r} does not say which benchmark it is for",
                "write --data BENCH=PATH when evaluating several benchmarks",
            )
    return data


def parse_benchmark_options(
    values: tuple[str, ...], benchmarks: list[str]
) -> dict[str, dict[str, Any]]:
    """`--benchmark-option KEY=VALUE` (one benchmark) or `BENCH:KEY=VALUE` as {benchmark: options}."""
    by_benchmark: dict[str, list[str]] = {}
    for value in values:
        name, sep, option = value.partition(":")
        if not (sep and "=" not in name and name in benchmarks):
            if len(benchmarks) != 1:
                raise InputError(
                    f"--benchmark-option {value!r} does not say which benchmark it is for",
                    "write --benchmark-option BENCH:KEY=VALUE when evaluating several benchmarks",
                )
            name, option = benchmarks[0], value
        by_benchmark.setdefault(name, []).append(option)
    return {
        name: parse_options(options, "--benchmark-option") for name, options in by_benchmark.items()
    }


def benchmark_names(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    """BENCHMARKS as a list of registered names; an empty list or an unknown name is a usage error
    (with the closest known name)."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name at least one benchmark, e.g. aime24", ctx, param)
    registry = get_registry()
    for name in names:
        try:
            registry.entry("benchmark", name)
        except K2Error as exc:
            raise click.BadParameter(exc.message, ctx, param) from None
    # A suite (`safety`) stands for its member benchmarks.
    members = [getattr(registry.create("benchmark", n), "members", None) or [n] for n in names]
    return list(dict.fromkeys(m for group in members for m in group))


def shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    """`--shard I/N` as a `Shard`; a malformed one is a usage error."""
    try:
        return Shard.parse(value) if value is not None else None
    except K2Error as exc:
        raise click.BadParameter(exc.message + f" ({exc.hint})", ctx, param) from None


@click.command("eval")
@click.argument("benchmarks", callback=benchmark_names)
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Run folder.")
@click.option("--recipe", default="k2-think", show_default=True, help="Recipe name or .toml path.")
@click.option(
    "--pipeline", type=click.Choice(["plain", "k2"]), help="Plain sampling or K2 pipeline."
)
@click.option("--backend", help="Backend name (default: the recipe's).")
@click.option("--model", help="Model name or path (default: the backend's).")
@click.option("--base-url", help="Server URL for OpenAI-compatible backends.")
@click.option("--api-key", help="API key (default: the backend's environment variable).")
@click.option("--n", type=COUNT, help="Runs per problem (default: the recipe's, 16).")
@click.option("--limit", type=COUNT, help="Only the first K problems of each benchmark.")
@click.option("--max-tokens", type=MAX_TOKENS, help="Override the recipe's max tokens.")
@click.option(
    "--timeout",
    type=SECONDS,
    help="Total seconds one request may take (default: the recipe's [model] timeout, "
    "else the backend's).",
)
@click.option("--seed", type=int, help="Base sampling seed; run r uses seed + r (default: r).")
@click.option(
    "--concurrency",
    "-c",
    type=COUNT,
    default=8,
    show_default=True,
    help="Samples in flight (also the backend's cap on requests in flight).",
)
@click.option(
    "--data", multiple=True, help="Local data: PATH, or BENCH=PATH for several benchmarks."
)
@click.option(
    "--retries", type=NON_NEGATIVE, default=3, show_default=True, help="Retries per sample."
)
@click.option(
    "--force-new",
    is_flag=True,
    help="Start afresh: move the folder's old samples aside instead of resuming them.",
)
@click.option("--allow-partial", is_flag=True, help="Score benchmarks with missing samples.")
@click.option(
    "--benchmark-option",
    "benchmark_options",
    multiple=True,
    metavar="[BENCH:]KEY=VALUE",
    help='A benchmark option, e.g. min_difficulty=7.5 or lcb-v5:window="2024-08-01:2025-02-01" '
    "(repeatable; BENCH: when evaluating several; checked against the benchmark's options).",
)
@click.option("--judge-backend", help="Backend of the judge verifier (HLE).")
@click.option("--judge-model", help="Model of the judge verifier (HLE).")
@click.option(
    "--backend-option",
    "backend_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A backend option, e.g. dtype=bfloat16, max_concurrency=4 (repeatable; checked against "
    "the backend's options; over the recipe's [backend] table).",
)
@click.option(
    "--shard",
    callback=shard_option,
    metavar="I/N",
    help="Run only shard I of N of the samples (1 <= I <= N), e.g. on machine I; then merge the "
    "shard folders with `k2-infer eval-merge`.",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value=LOCAL,
    metavar="[ADDRESS]",
    help="Run the samples as Ray tasks, each with its own backend: on the cluster at ADDRESS "
    "(`auto`, ray://HOST:PORT), or alone on a local cluster started for the run. "
    "Needs `pip install 'k2-infer[ray]'`.",
)
@click.option("--ray-tasks", type=COUNT, help="Ray tasks to split the samples over (default 2).")
@click.option(
    "--ray-gpus",
    type=NON_NEGATIVE,
    help="GPUs each Ray task reserves (for a backend that loads the model in the task, e.g. vllm).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary (summary.json) as JSON.")
def eval_command(benchmarks: list[str], as_json: bool, **options) -> None:
    """Evaluate BENCHMARKS (comma-separated) the K2 Think way: n pass@1 runs per problem.

    Writes OUTPUT/samples.jsonl as samples are verified (re-run the same command to resume),
    then OUTPUT/summary.json, OUTPUT/report.md and plots. A resume must have the same identity
    (model, sampling, recipe, data, verifiers: OUTPUT/run.json); --force-new starts afresh.
    --shard I/N runs one shard of the samples (then `k2-infer eval-merge`); --ray runs them as
    tasks on a Ray cluster.
    """
    names = benchmarks
    data = parse_data(options.pop("data"), names)
    options["backend_options"] = parse_options(options["backend_options"], "--backend-option")
    options["benchmark_options"] = parse_benchmark_options(options["benchmark_options"], names)
    ray = [options.pop(name) for name in ("ray_address", "ray_tasks", "ray_gpus")]
    runner = ray_runner(*ray, shard=options["shard"])
    settings = EvalSettings.from_recipe(
        options.pop("recipe"), benchmarks=names, data=data, **options
    )
    summary = run_eval(settings, runner=runner)
    if isinstance(summary, ShardPlan):
        finish_shard(summary, settings, as_json)
        return
    print_summary(summary, settings.output, as_json)


def ray_runner(
    address: str | None, tasks: int | None, gpus: int | None, shard: Shard | None
) -> RayRunner | None:
    """The `--ray` flags as a runner (None without `--ray`); Ray missing is one line."""
    if address is None:
        if tasks is not None or gpus is not None:
            raise click.UsageError("--ray-tasks and --ray-gpus go with --ray")
        return None
    if shard is not None:
        raise click.UsageError("--ray runs every shard itself: leave out --shard")
    import_ray()  # say how to install it before loading anything
    return RayRunner(address, tasks or 2, gpus or 0)


def finish_shard(plan: ShardPlan, settings: EvalSettings, as_json: bool) -> None:
    """Say what a shard's run did; unfinished samples fail the command (re-run to resume)."""
    if as_json:
        click.echo(json.dumps(plan.to_dict(), indent=2))
    owned = len(plan.keys())
    click.echo(
        f"shard {plan.shard}: {owned - plan.missing}/{owned} samples verified in {settings.output}; "
        "when every shard is done: k2-infer eval-merge SHARD_FOLDERS... -o OUTPUT",
        err=as_json,
    )
    if not plan.complete:
        raise K2Error(
            f"shard {plan.shard} not finished: {plan.missing} samples missing or errored",
            "re-run the same command to resume",
        )


def print_summary(summary: EvalSummary, output: Path, as_json: bool) -> None:
    """The scores, the report's path; benchmarks left incomplete fail the command."""
    n = summary.settings["n"]
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    for name, scores in summary.benchmarks.items():
        if scores.scored and not as_json:
            error = f" ± {scores.std_err:.2f}" if scores.std_err is not None else ""
            click.echo(
                f"{name}: avg@{n} {scores.avg_at_n:.2f}{error}"
                f" (K2 Think: {scores.k2_think_reported or '-'}) · {scores.status}"
            )
    scored = {name: s.avg_at_n for name, s in summary.benchmarks.items() if s.scored}
    for line in [] if as_json else safety_report(scored):
        click.echo(line)
    click.echo(f"report: {os.path.join(output, 'report.md')}", err=as_json)
    incomplete = [name for name, s in summary.benchmarks.items() if s.status == "incomplete"]
    if incomplete:
        missing = sum(summary.benchmarks[name].missing for name in incomplete)
        raise K2Error(
            f"{', '.join(incomplete)} not scored: {missing} samples missing or errored",
            "re-run the same command to resume, or pass --allow-partial",
        )


@click.command("eval-merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Run folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary (summary.json) as JSON.")
def eval_merge_command(shards: tuple[str, ...], output: str, as_json: bool) -> None:
    """Merge the SHARDS folders of one run (`k2-infer eval --shard I/N`) into OUTPUT.

    Every shard 1/N ... N/N must be there once, finished, with the same settings; anything else is
    refused, naming the shard to run or resume. OUTPUT gets every sample exactly once, then
    summary.json, report.md and plots, as an unsharded run would.
    """
    summary = merge_shards([Path(folder) for folder in shards], Path(output))
    print_summary(summary, Path(output), as_json)


@click.command("eval-compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the deltas as JSON.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    help="Also draw accuracy against tokens spent into this PNG (needs k2-infer[eval]).",
)
def eval_compare_command(run_a: str, run_b: str, as_json: bool, plot_path: str | None) -> None:
    """Accuracy, answer-length and tokens-spent deltas of RUN_B against RUN_A (two eval output
    folders, e.g. two recipes on the same benchmarks).

    Benchmarks scored in one run only are listed after the table.
    """
    deltas = compare(Path(run_a), Path(run_b))
    only_one = unmatched(Path(run_a), Path(run_b))
    labels = run_label(Path(run_a)), run_label(Path(run_b))
    if plot_path:
        plot(deltas, Path(plot_path), *labels)
    if as_json:
        rows = [
            {
                **vars(d),
                "accuracy_delta": d.accuracy_delta,
                "tokens_change": d.tokens_change,
                "spent_ratio": d.spent_ratio,
            }
            for d in deltas
        ]
        click.echo(json.dumps({"deltas": rows, "unmatched": only_one}, indent=2))
        return
    click.echo(format_table(deltas, *labels))
    for line in only_one:
        click.echo(line)
    if plot_path:
        click.echo(f"wrote {plot_path}")
