"""The `k2-cerebras` command."""

from __future__ import annotations

from k2_core.cli import package_cli

from .__about__ import __version__

cli = package_cli("k2-cerebras", __version__, "The Cerebras Inference backend for k2.")


def main() -> None:
    cli()
