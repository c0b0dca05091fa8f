"""The `k2-train` command: data, sft, grpo, export-verl, accelerate-config."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from k2_core import InputError
from k2_core.cli import package_cli
from k2_core.params import COUNT, MAX_TOKENS, NON_NEGATIVE
from k2_core.recipes import Recipe, load_recipe
from k2_core.registry import get_registry
from k2_core.results_log import staged

from .__about__ import __version__

ACCELERATE_DIR = Path(__file__).parent / "accelerate_configs"

cli = package_cli(
    "k2-train",
    __version__,
    "SFT and GRPO the K2 Think way on TRL, with rewards from k2-verify.",
)


def main() -> None:
    cli()


def report_from_rank_zero() -> bool:
    """Under `accelerate launch` every process runs this command; only the first one reports.

    The others show warnings and errors only. Returns whether this process is the first.
    """
    from .training import main_process

    if main_process():
        return True
    logging.getLogger("k2").setLevel(logging.WARNING)
    return False


def with_data_flags(recipe: Recipe, dataset, data_format, limit, skip_invalid, domains) -> Recipe:
    """The recipe with `--dataset`, `--format`, `--limit`, `--skip-invalid` and `--domains`
    applied to `[data]` (`--domains` goes to the format's options, `[data.options] domains`)."""
    recipe = recipe.override(
        "data",
        source=dataset,
        format=data_format,
        limit=limit,
        skip_invalid=True if skip_invalid else None,
    )
    if not domains:
        return recipe
    data = recipe.section("data")
    options = {**(data.get("options") or {}), "domains": domains.split(",")}
    sections = {**recipe.sections, "data": {**data, "options": options}}
    return Recipe(recipe.name, recipe.description, sections, recipe.source)


def data_options(command):
    """The flags that pick training data, shared by every command that reads some."""
    for option in reversed(
        [
            click.option(
                "--dataset",
                help="The rows: a JSONL/Parquet file, `tiny` (bundled); default: the format's "
                "pinned hub copy.",
            ),
            click.option(
                "--format",
                "data_format",
                help="The dataset format reading them: a registered `dataset` plugin "
                "(`k2-train data formats`).",
            ),
            click.option(
                "--domains",
                help="Guru files to read, by domain: e.g. `math,logic` (default: every file).",
            ),
            click.option("--limit", type=COUNT, help="Use at most this many rows."),
            click.option("--skip-invalid", is_flag=True, help="Skip malformed rows (reported)."),
        ]
    ):
        command = option(command)
    return command


def eval_options(command):
    """The flags that evaluate each saved checkpoint with k2-infer (see `eval_callback`)."""
    for option in reversed(
        [
            click.option("--eval-benchmark", help="Evaluate each checkpoint on this benchmark."),
            click.option("--eval-n", type=COUNT, help="Runs per problem (default 1)."),
            click.option("--eval-limit", type=COUNT, help="Only the first K problems."),
            click.option("--eval-max-tokens", type=MAX_TOKENS, help="Max tokens per response."),
            click.option("--eval-data", help="Local file of the benchmark (default: the hub)."),
        ]
    ):
        command = option(command)
    return command


def eval_callbacks(eval_benchmark, eval_n, eval_limit, eval_max_tokens, eval_data) -> list:
    """`[CheckpointEval(...)]` when `--eval-benchmark` is given, else `[]`."""
    if not eval_benchmark:
        if any(v is not None for v in (eval_n, eval_limit, eval_max_tokens, eval_data)):
            raise InputError("--eval-* flags need --eval-benchmark", "name the benchmark to run")
        return []
    from .eval_callback import CheckpointEval

    return [
        CheckpointEval(
            eval_benchmark,
            n=1 if eval_n is None else eval_n,
            limit=eval_limit,
            max_tokens=eval_max_tokens,
            data=eval_data,
        )
    ]


@cli.group()
def data() -> None:
    """Look at and convert training data."""


@data.command("formats")
def data_formats() -> None:
    """List the dataset formats (registry kind `dataset`) that `--format` and `[data] format` name."""
    registry = get_registry()
    for name in registry.names("dataset"):
        entry = registry.entry("dataset", name)
        click.echo(f"{name}  ({entry.plugin}) {entry.description}")


def data_recipe(data_format, dataset, domains, limit, skip_invalid) -> Recipe:
    """A recipe holding only the `[data]` section that the flags describe."""
    data = {
        "format": data_format,
        "source": dataset,
        "limit": limit,
        "skip_invalid": skip_invalid,
    }
    return with_data_flags(Recipe("data", sections={"data": data}), None, None, None, None, domains)


@data.command("inspect")
@data_options
@click.option("--show", type=NON_NEGATIVE, default=1, show_default=True, help="Rows to print.")
def data_inspect(dataset, data_format, domains, limit, skip_invalid, show) -> None:
    """Check every row of a dataset and print the first normalised ones."""
    from .training import load_rows

    rows = load_rows(data_recipe(data_format, dataset, domains, limit, skip_invalid), "am-thinking")
    for row in rows[:show]:
        click.echo(json.dumps(row, indent=2, ensure_ascii=False))
    click.echo(f"{len(rows)} rows")


@data.command("convert")
@data_options
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="A .jsonl file.")
def data_convert(dataset, data_format, domains, limit, skip_invalid, output) -> None:
    """Write a dataset's normalised rows to JSONL, as they are read."""
    from .training import iter_rows

    if not output.endswith(".jsonl"):
        raise InputError(f"cannot write {output!r}", "converted data is written as .jsonl")
    rows = iter_rows(data_recipe(data_format, dataset, domains, limit, skip_invalid), "am-thinking")
    written = 0
    with staged(Path(output)) as staging, staging.open("w", encoding="utf-8") as out:
        for row in rows:  # written whole, then renamed into place: never half a file
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    click.echo(f"wrote {written} rows to {output}", err=True)


def training_recipe(
    name, section, model, dataset, data_format, domains, limit, skip_invalid, **settings
):
    """The recipe `name` with the command's flags applied."""
    recipe = load_recipe(name).override("model", model=model)
    recipe = with_data_flags(recipe, dataset, data_format, limit, skip_invalid, domains)
    return recipe.override(section, **settings)


@cli.command()
@click.option("--recipe", default="k2-think-sft", show_default=True, help="Recipe name or .toml.")
@click.option("--model", help="Model to fine-tune (hub id or folder); default: the recipe's.")
@data_options
@click.option("--max-steps", type=COUNT, help="Stop after this many optimizer steps.")
@eval_options
@click.option("--output", required=True, type=click.Path(file_okay=False), help="Output folder.")
def sft(
    recipe, model, dataset, data_format, domains, limit, skip_invalid, max_steps, output, **evals
) -> None:
    """Supervised fine-tuning on K2-format conversations (resumes from OUTPUT's last checkpoint)."""
    from .sft import run_sft

    reporting = report_from_rank_zero()
    callbacks = eval_callbacks(**evals)

    recipe = training_recipe(
        recipe,
        "sft",
        model,
        dataset,
        data_format,
        domains,
        limit,
        skip_invalid,
        max_steps=max_steps,
    )
    saved = run_sft(recipe, output, callbacks)
    if reporting:
        click.echo(f"model saved to {saved}", err=True)


@cli.command()
@click.option("--recipe", default="k2-think-grpo", show_default=True, help="Recipe name or .toml.")
@click.option("--model", help="Model to train (hub id or folder); default: the recipe's.")
@data_options
@click.option("--max-steps", type=COUNT, help="Stop after this many optimizer steps.")
@click.option(
    "--num-generations", type=click.IntRange(min=2), help="Completions per prompt (the GRPO group)."
)
@click.option("--use-vllm", is_flag=True, help="Generate rollouts with vLLM (GPUs).")
@click.option(
    "--vllm-server",
    metavar="URL",
    help="Generate rollouts on a running `trl vllm-serve` at URL (implies --use-vllm).",
)
@eval_options
@click.option("--output", required=True, type=click.Path(file_okay=False), help="Output folder.")
def grpo(
    recipe,
    model,
    dataset,
    data_format,
    domains,
    limit,
    skip_invalid,
    max_steps,
    num_generations,
    use_vllm,
    vllm_server,
    output,
    **evals,
) -> None:
    """GRPO with rewards from k2-verify's verifiers (resumes from OUTPUT's last checkpoint)."""
    from .grpo import run_grpo, with_vllm_server

    reporting = report_from_rank_zero()
    callbacks = eval_callbacks(**evals)

    recipe = training_recipe(
        recipe,
        "grpo",
        model,
        dataset,
        data_format,
        domains,
        limit,
        skip_invalid,
        max_steps=max_steps,
        num_generations=num_generations,
        use_vllm=True if use_vllm else None,
    )
    if vllm_server:
        recipe = with_vllm_server(recipe, vllm_server)
    saved = run_grpo(recipe, output, callbacks=callbacks)
    if reporting:
        click.echo(f"model saved to {saved}", err=True)


@cli.command("export-verl")
@click.option("--recipe", default="k2-think-grpo", show_default=True, help="Recipe name or .toml.")
@click.option("--model", help="Model for verl to train; default: the recipe's.")
@data_options
@click.option("--output", required=True, type=click.Path(file_okay=False), help="Output folder.")
def export_verl_command(
    recipe, model, dataset, data_format, domains, limit, skip_invalid, output
) -> None:
    """Write verl-format parquet and a verl config whose reward is k2-verify."""
    from .verl_export import export_verl

    recipe = training_recipe(
        recipe, "grpo", model, dataset, data_format, domains, limit, skip_invalid
    )
    _, config = export_verl(recipe, output)
    click.echo(
        f"python -m verl.trainer.main_ppo --config-path {config.parent} --config-name {config.stem}"
    )


@cli.command("accelerate-config")
@click.argument("name", required=False)
def accelerate_config(name) -> None:
    """Print the path of a shipped accelerate config (no NAME: list them)."""
    configs = {path.stem: path for path in sorted(ACCELERATE_DIR.glob("*.yaml"))}
    if not name:
        for stem in configs:
            click.echo(stem)
        return
    if name not in configs:
        raise InputError(f"no accelerate config {name!r}", f"shipped: {', '.join(configs)}")
    click.echo(configs[name])
