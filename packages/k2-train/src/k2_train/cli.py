"""The `k2-train` command."""

from __future__ import annotations

from k2_core.cli import package_cli

from .__about__ import __version__

cli = package_cli(
    "k2-train", __version__, "SFT and GRPO the K2 Think way on TRL, with rewards from k2-verify."
)


def main() -> None:
    cli()
