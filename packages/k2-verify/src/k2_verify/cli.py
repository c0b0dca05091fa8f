"""The `k2-verify` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from k2_core.cli import package_cli
from k2_core.errors import EXIT_FAILED, EXIT_INCORRECT, InputError, K2Error
from k2_core.params import NON_NEGATIVE, SECONDS
from k2_core.registry import get_registry

from .__about__ import __version__
from .api import needs_ground_truth, verify
from .batch import run_batch

CHECK_EXAMPLES = """\b
Examples:
  k2-verify check '\\boxed{42}' -g 42
  k2-verify check '<answer>x = 1/2</answer>' -g 0.5 --json
  k2-verify check '<answer>racecar</answer>' --domain palindrome   # needs no ground truth
"""

cli = package_cli(
    "k2-verify",
    __version__,
    "Verifiers for math, code, logic, simulation, tabular and science answers, with TRL and verl rewards.",
)


@cli.command("check", epilog=CHECK_EXAMPLES)
@click.argument("response")
@click.option(
    "--ground-truth",
    "-g",
    help="The reference answer (required unless the verifier needs none, like palindrome).",
)
@click.option(
    "--domain", default="math", show_default=True, help="Which verifier (math, code, ...)."
)
@click.option("--data-source", default=None, help="Guru-style routing key, e.g. math__aime.")
@click.option("--fallback", help="Verifier for a data_source no verifier claims [none: an error].")
@click.option(
    "--timeout",
    type=SECONDS,
    default=None,
    help="Seconds before the verdict is timeout [the verifier's own: math 5, code 30].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check_command(response, ground_truth, domain, data_source, fallback, timeout, as_json):
    """Verify one RESPONSE (`-` reads it from stdin) against a ground truth.

    Exits 0 when the answer is correct and 4 when it is wrong (see the README's exit codes).
    """
    if response == "-":
        response = sys.stdin.read()
    if ground_truth is None and needs_ground_truth(domain, data_source, fallback):
        raise InputError(
            f"the {domain!r} verifier needs a ground truth", "pass it with -g/--ground-truth"
        )
    verdict = verify(
        response,
        ground_truth,
        domain,
        data_source=data_source,
        timeout=timeout,
        fallback=fallback,
    )
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        mark = "correct" if verdict.correct else "incorrect"
        click.echo(
            f"{mark} (score {verdict.score:g}, {verdict.reason}); extracted: {verdict.extracted}"
        )
    if not verdict.correct:
        raise SystemExit(EXIT_INCORRECT)


@cli.command("batch")
@click.argument("input_path", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "output_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="A JSONL file (appended to, resumable), or - for stdout.",
)
@click.option("--domain", default="math", show_default=True, help="For lines without a domain.")
@click.option(
    "--workers",
    type=NON_NEGATIVE,
    default=None,
    help="Worker processes; 0 verifies in this process [default: one per CPU].",
)
@click.option("--timeout", type=SECONDS, default=5.0, show_default=True, help="Seconds per item.")
def batch_command(input_path, output_path, domain, workers, timeout):
    """Verify every line of INPUT_PATH (JSONL) into OUTPUT; a rerun resumes.

    Exits 0 when every line was scored, 3 when some lines were bad input (`bad_input` verdicts),
    1 when every line failed or the batch could not run.
    """
    summary = run_batch(input_path, output_path, domain=domain, workers=workers, timeout=timeout)
    click.echo(summary.line(), err=True)
    if summary.exit_code == EXIT_FAILED:
        raise K2Error("no line could be scored", "see the verdicts' details in the output")
    raise SystemExit(summary.exit_code)


@cli.command("run")
@click.argument("program", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stdin", "stdin_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--timeout", type=SECONDS, default=10.0, show_default=True, help="Wall-clock seconds."
)
@click.option(
    "--memory-mb",
    type=click.IntRange(min=1),
    default=1024,
    show_default=True,
    help="Address-space limit.",
)
@click.option("--isolation", default=None, help="namespaces or user-namespaces [default: best].")
@click.option("--no-isolation", is_flag=True, help="Run without network or file isolation.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def run_command(program, stdin_path, timeout, memory_mb, isolation, no_isolation, as_json):
    """Run the Python file PROGRAM in the sandbox, as the code verifier would."""
    from .sandbox import Limits, run

    stdin = stdin_path.read_text() if stdin_path else ""
    limits = Limits(wall_time=timeout, memory_mb=memory_mb)
    result = run(program.read_text(), stdin, limits, "none" if no_isolation else isolation)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(result.stdout, nl=False)
        click.echo(result.stderr, nl=False, err=True)
        click.echo(
            f"{result.status}: exit {result.returncode}, {result.wall_time:.3f} s wall, "
            f"{result.cpu_time:.3f} s CPU, {result.peak_memory_mb:g} MiB peak, "
            f"isolation {result.mechanism}",
            err=True,
        )
    if result.status != "ok":
        raise SystemExit(1)


def main() -> None:
    cli()


@cli.command("routes")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def routes_command(as_json: bool) -> None:
    """Which verifier serves each data_source prefix and domain, and which plugin registered it.

    A data_source is served by the verifier claiming its longest prefix; one that nobody claims is
    an error (rewards and `check --data-source` refuse it) unless a fallback verifier is named.
    """
    registry = get_registry()
    rows = [
        {"route": kind, "key": key, "verifier": entry.name, "plugin": entry.plugin}
        for kind, table in (("data_source", registry.data_sources), ("domain", registry.domains))
        for key, entry in sorted(table.items())
    ]
    conflicts = [str(c) for c in registry.conflicts.values() if c.kind == "verifier"]
    if as_json:
        click.echo(json.dumps({"routes": rows, "conflicts": conflicts}, indent=2))
        return
    for row in rows:
        click.echo(f"{row['route']:<12} {row['key']:<22} -> {row['verifier']}  ({row['plugin']})")
    for conflict in conflicts:
        click.echo(f"conflict: {conflict}")
