"""The umbrella `k2` CLI, and `package_cli()` which every k2 package uses for its own CLI.

Every k2 CLI prints a `K2Error` as one line (`Error: ...`) and exits with status 1, no traceback.
Plugins add subcommands to `k2` through the `k2_register_commands` hook.
"""

from __future__ import annotations

import json

import click

from .__about__ import __version__
from .errors import K2Error
from .plugins import get_plugin_manager, plugin_infos
from .registry import get_registry


class K2Group(click.Group):
    """A click group that turns `K2Error` into a one-line error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except K2Error as exc:
            raise click.ClickException(str(exc)) from None


def _provides() -> dict[str, list[str]]:
    """`plugin name -> ["backend fake", "recipe k2-think", ...]`."""
    provided: dict[str, list[str]] = {}
    registry = get_registry()
    for kind, entries in registry.entries.items():
        for entry in entries.values():
            provided.setdefault(entry.plugin, []).append(f"{kind} {entry.name}")
    for (kind, name), plugins in registry.conflicts.items():
        for plugin in plugins[1:]:
            provided.setdefault(plugin, []).append(f"{kind} {name} (conflict)")
    return provided


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins: name, distribution, version, hooks, what they provide."""
    provided = _provides()
    rows = [
        {**info.__dict__, "provides": sorted(provided.get(info.name, []))}
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


def package_cli(distribution: str, version: str, help: str) -> click.Group:
    """A CLI group for one k2 package with `--version` and a `plugins` subcommand."""

    @click.group(cls=K2Group, help=help)
    @click.version_option(version, prog_name=distribution)
    def group() -> None:
        pass

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
    get_plugin_manager().hook.k2_register_commands(cli=cli)
    cli()
