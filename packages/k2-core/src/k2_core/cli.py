"""The umbrella `k2` CLI, and `package_cli()` which every k2 package uses for its own CLI.

Every k2 CLI prints a `K2Error` as one line (`Error: ...`) and exits with status 1, no traceback,
and shows diagnostics of the `k2` loggers as `k2: ...` lines on stderr (`-v` for debug, `-q` for
warnings only). Plugins add subcommands to `k2` through the `k2_register_commands` hook.
"""

from __future__ import annotations

import json

import click

from . import logs
from .__about__ import __version__
from .errors import K2Error
from .plugins import failures, get_plugin_manager, plugin_infos
from .registry import Registry, get_registry


class K2Group(click.Group):
    """A click group that turns `K2Error` into a one-line error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except K2Error as exc:
            raise click.ClickException(str(exc)) from None


def _report(registry: Registry) -> dict[str, dict[str, list[str]]]:
    """`plugin name -> {"provides": [...], "unavailable": [...], "conflicts": [...], "errors": [...]}`."""
    report: dict[str, dict[str, list[str]]] = {}

    def add(plugin: str, key: str, line: str) -> None:
        report.setdefault(plugin, {}).setdefault(key, []).append(line)

    for kind, entries in registry.entries.items():
        for entry in entries.values():
            add(entry.plugin, "provides", f"{kind} {entry.name}")
            if entry.missing:
                add(
                    entry.plugin,
                    "unavailable",
                    f"{kind} {entry.name}: needs {', '.join(entry.missing)}; "
                    f"`pip install {entry.install or entry.missing[0]}`",
                )
    for conflict in registry.conflicts.values():
        for plugin in dict.fromkeys(conflict.plugins):
            add(plugin, "conflicts", str(conflict))
    for failure in registry.failures:
        add(failure.plugin, "errors", f"{failure.hook} failed ({failure.error})")
    return report


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins: name, distribution, version, hooks, what they provide, what failed."""
    report = _report(get_registry())
    rows = [
        {
            **info.__dict__,
            **{
                key: sorted(report.get(info.name, {}).get(key, []))
                for key in ("provides", "unavailable", "conflicts", "errors")
            },
        }
        for info in plugin_infos()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']}  ({row['distribution']} {row['version']})")
        click.echo(f"  hooks:    {', '.join(row['hooks'])}")
        if row["provides"]:
            click.echo(f"  provides: {', '.join(row['provides'])}")
        for key, label in (
            ("unavailable", "missing"),
            ("conflicts", "conflict"),
            ("errors", "error"),
        ):
            for line in row[key]:
                click.echo(f"  {label + ':':10}{line}")
    for failure in failures:
        click.echo(f"{failure.name}  ({failure.distribution}) failed to load: {failure.error}")


def package_cli(distribution: str, version: str, help: str) -> click.Group:
    """A CLI group for one k2 package with `--version` and a `plugins` subcommand."""

    @click.group(cls=K2Group, help=help)
    @click.version_option(version, prog_name=distribution)
    @click.option("-v", "--verbose", count=True, help="Show debug diagnostics too.")
    @click.option("-q", "--quiet", is_flag=True, help="Show warnings and errors only.")
    def group(verbose: int, quiet: bool) -> None:
        logs.setup(-1 if quiet else verbose)

    group.add_command(plugins_command)
    return group


cli = package_cli(
    "k2", __version__, "k2: the K2 Think reasoning system as plugins. See `k2 plugins`."
)


@cli.command("recipes")
def recipes_command() -> None:
    """List the recipes installed plugins provide."""
    registry = get_registry()
    for name in registry.names("recipe"):
        entry = registry.entry("recipe", name)
        click.echo(f"{name}  ({entry.plugin}: {entry.factory})")


def main() -> None:
    logs.setup()  # before the first hook call, so K2_TRACE_PLUGINS shows it too
    get_plugin_manager().hook.k2_register_commands(cli=cli)
    cli()
