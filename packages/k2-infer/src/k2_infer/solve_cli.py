"""`k2-infer solve`: ask one question, get K2 Think's answer on stdout and its progress on stderr."""

from __future__ import annotations

import json
import sys

import click

from k2_core.cli import parse_options
from k2_core.config import user_default
from k2_core.params import MAX_TOKENS, SECONDS

from .api import EMBEDDED_RECIPE, choose_backend, default_recipe, solve
from .summary import summary

EXAMPLES = """\b
Examples:
  k2-infer solve "What is 7 * 6?"                      # the embedded model, offline
  k2-infer solve "..." --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen3-0.6B
  k2-infer solve "..." --backend cerebras --model qwen-3-32b   # CEREBRAS_API_KEY
  k2-infer solve "Give a palindrome" --domain palindrome --selector verifier
  k2-infer solve "..." --backend transformers --backend-option dtype=bfloat16
  echo "What is 2 + 2?" | k2-infer solve - --json

\b
Defaults come from K2_BACKEND, K2_MODEL, K2_BASE_URL, then the user config file
(`k2 config` shows where it is).
"""


def _progress(message: str) -> None:
    click.echo(f"[k2] {message}", err=True)


@click.command("solve", epilog=EXAMPLES)
@click.argument("question")
@click.option(
    "--recipe",
    help=f"Recipe name or .toml path [default: k2-think; {EMBEDDED_RECIPE} for the embedded model].",
)
@click.option(
    "--backend",
    help="Solver backend: llamacpp, transformers, openai, vllm, cerebras, ... "
    "[env K2_BACKEND; openai with --base-url; else the embedded model's local backend]",
)
@click.option(
    "--model", help="Model name or path [env K2_MODEL; local backends: the embedded model]."
)
@click.option(
    "--base-url",
    help="Server URL [env K2_BASE_URL]. openai: the OpenAI-compatible URL, usually ending in /v1; "
    "cerebras: without /v1 [CEREBRAS_BASE_URL].",
)
@click.option(
    "--api-key",
    help="API key [the backend's own variable: OPENAI_API_KEY for openai, "
    "CEREBRAS_API_KEY for cerebras].",
)
@click.option(
    "--backend-option",
    "backend_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A solver backend option, e.g. dtype=bfloat16, timeout=60, max_concurrency=4 "
    "(repeatable; checked against the backend's options).",
)
@click.option(
    "--domain",
    help="The problem's domain: its verifier serves --selector verifier and majority voting "
    "[math].",
)
@click.option("--n", type=click.IntRange(min=1), help="Number of candidates [recipe].")
@click.option("--planner", help="Planner: k2 or none [recipe].")
@click.option("--selector", help="Selector: pairwise-judge, tournament, majority, verifier, first.")
@click.option("--max-tokens", type=MAX_TOKENS, help="Solver token budget [recipe].")
@click.option("--temperature", type=click.FloatRange(min=0), help="Solver temperature [recipe].")
@click.option(
    "--soft-timeout", type=SECONDS, help="Seconds after which finished candidates are used."
)
@click.option("--hard-timeout", type=SECONDS, help="Seconds after which sampling fails.")
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
    options["backend_options"] = parse_options(options["backend_options"], "--backend-option")
    chosen = choose_backend(options["backend"], options["model"], options["base_url"])
    recipe = recipe or default_recipe(chosen, options["model"] or user_default("model"))
    _progress(f"recipe {recipe}")
    result = solve(question, recipe=recipe, progress=_progress, **options)
    click.echo(summary(result), err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(result.answer if result.answer is not None else result.text.strip())
