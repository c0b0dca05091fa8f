"""The `k2-infer` command."""

from __future__ import annotations

from k2_core.cli import package_cli

from .__about__ import __version__
from .eval.cli import eval_command, eval_compare_command, eval_merge_command
from .serve.cli import serve_command
from .solve_cli import solve_command

cli = package_cli(
    "k2-infer",
    __version__,
    "Backends, planners, samplers, selectors, the K2 test-time pipeline and the evaluation harness.",
)

cli.add_command(solve_command)
cli.add_command(eval_command)
cli.add_command(eval_merge_command)
cli.add_command(eval_compare_command)
cli.add_command(serve_command)


def main() -> None:
    cli()
