"""The `k2-verify` command."""

from __future__ import annotations

from k2_core.cli import package_cli

from .__about__ import __version__

cli = package_cli("k2-verify", __version__, "Verifiers for math, code, logic, simulation, tabular and science answers, with TRL and verl rewards.")


def main() -> None:
    cli()
