"""k2-cerebras's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from k2_core import hookimpl


@hookimpl
def k2_register_backends(register):
    register(
        "cerebras",
        "k2_cerebras.backend:CerebrasBackend",
        description="Cerebras Inference through cerebras-cloud-sdk (CEREBRAS_API_KEY)",
        requires=("cerebras.cloud.sdk",),
        install="k2-cerebras",
    )


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="cerebras")
