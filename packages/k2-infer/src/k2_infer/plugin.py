"""k2-infer's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from k2_core import hookimpl


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="infer")


@hookimpl
def k2_register_benchmarks(register):
    from .eval.benchmarks import BENCHMARKS

    for benchmark in BENCHMARKS:
        register(benchmark.name, benchmark.factory, description=benchmark.description)
