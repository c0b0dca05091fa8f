"""`k2-infer solve`: ask one question, get K2 Think's answer on stdout and its progress on stderr."""

from __future__ import annotations

import json
import sys

import click

from .api import EMBEDDED_RECIPE, default_recipe, solve


def _progress(message: str) -> None:
    click.echo(f"[k2] {message}", err=True)


@click.command("solve")
@click.argument("question")
@click.option(
    "--recipe",
    help=f"Recipe name or .toml path [default: k2-think; {EMBEDDED_RECIPE} for the embedded model].",
)
@click.option("--backend", help="Solver backend: transformers, openai, vllm, ... [recipe]")
@click.option("--model", help="Model name or path [recipe; transformers: the embedded model].")
@click.option("--base-url", help="OpenAI-compatible server URL ending in /v1.")
@click.option("--api-key", help="API key for the server [env: OPENAI_API_KEY].")
@click.option("--n", type=click.IntRange(min=1), help="Number of candidates [recipe].")
@click.option("--planner", help="Planner: k2 or none [recipe].")
@click.option("--selector", help="Selector: pairwise-judge, tournament, majority, verifier, first.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="Solver token budget [recipe].")
@click.option("--temperature", type=click.FloatRange(min=0), help="Solver temperature [recipe].")
@click.option(
    "--soft-timeout", type=float, help="Seconds after which finished candidates are used."
)
@click.option("--hard-timeout", type=float, help="Seconds after which sampling fails.")
@click.option("--speculative", help="Speculative decoding: ngram[:K] or draft:MODEL[:K].")
@click.option("--planner-backend", help="Backend for the planner [the solver's].")
@click.option("--planner-model", help="Model for the planner [the solver's].")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def solve_command(question: str, recipe: str | None, as_json: bool, **options) -> None:
    """Solve QUESTION (or - to read it from stdin) with the K2 pipeline: plan, N candidates, selection.

    Without a backend or model the embedded SmolLM2-135M runs offline on CPU under the
    k2-think-embedded recipe (short generations, a minute or two).
    """
    if question == "-":
        question = sys.stdin.read()
    recipe = recipe or default_recipe(options["backend"], options["model"])
    _progress(f"recipe {recipe}")
    result = solve(question, recipe=recipe, progress=_progress, **options)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(result.answer if result.answer is not None else result.text.strip())
