"""The umbrella `k2` CLI, and `package_cli()` which every k2 package uses for its own CLI.

Every k2 CLI prints a `K2Error` as one line (`Error: ...`) and exits with status 1, no traceback,
and shows diagnostics of the `k2` loggers as `k2: ...` lines on stderr (`-v` for debug, `-q` for
warnings only). `-h` is `--help`; `--version` lists every installed k2 package. Plugins add
subcommands to `k2` through the `k2_register_commands` hook.

Shell completion is click's: `eval "$(_K2_COMPLETE=bash_source k2)"` in `~/.bashrc` (`zsh_source`,
`fish_source` for those shells; `_K2_INFER_COMPLETE` for `k2-infer`, and so on).
"""

from __future__ import annotations

import importlib.metadata
import json
import tomllib
from typing import Any

import click

from . import logs
from .__about__ import __version__
from .config import user_defaults
from .errors import InputError, K2Error
from .paths import config_file
from .plugins import failures, get_plugin_manager, plugin_infos
from .registry import Registry, get_registry

CONTEXT = {"help_option_names": ["-h", "--help"]}
K2_PACKAGES = ("k2-core", "k2-verify", "k2-infer", "k2-train", "k2-cerebras")


def parse_options(values: tuple[str, ...] | list[str], flag: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs (from a repeatable `flag`) as a dict; values read as TOML when they can be
    (`timeout=30` is an int, `stream=true` a bool), else as the plain string."""
    options: dict[str, Any] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{flag} {value!r} is not KEY=VALUE", f"write e.g. {flag} timeout=30")
        try:
            options[key.strip()] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            options[key.strip()] = text
    return options


def installed_versions() -> dict[str, str]:
    """The version of every installed k2 package, by distribution name."""
    found = {}
    for name in K2_PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


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
    """A CLI group for one k2 package with `-h`, `--version`, `-v`/`-q` and a `plugins` subcommand.

    `--version` prints this package's version first, then every other installed k2 package's.
    """

    def print_versions(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(f"{distribution} {version}")
            for name, other in installed_versions().items():
                if name != distribution:
                    click.echo(f"{name} {other}")
            ctx.exit()

    @click.group(cls=K2Group, help=help, context_settings=CONTEXT)
    @click.option(
        "--version",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=print_versions,
        help="Show the version of every installed k2 package and exit.",
    )
    @click.option("-v", "--verbose", count=True, help="Show debug diagnostics too.")
    @click.option("-q", "--quiet", is_flag=True, help="Show warnings and errors only.")
    def group(verbose: int, quiet: bool) -> None:
        logs.setup(-1 if quiet else verbose)

    group.add_command(plugins_command)
    return group


cli = package_cli(
    "k2-core", __version__, "k2: the K2 Think reasoning system as plugins. See `k2 plugins`."
)


@cli.command("recipes")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def recipes_command(as_json: bool) -> None:
    """List the recipes installed plugins provide."""
    registry = get_registry()
    entries = [registry.entry("recipe", name) for name in registry.names("recipe")]
    if as_json:
        rows = [{"name": e.name, "plugin": e.plugin, "source": str(e.factory)} for e in entries]
        click.echo(json.dumps(rows, indent=2))
        return
    for entry in entries:
        click.echo(f"{entry.name}  ({entry.plugin}: {entry.factory})")


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def config_command(as_json: bool) -> None:
    """Show the user config file's path and the defaults it and K2_* variables give."""
    path, values = config_file(), user_defaults()
    if as_json:
        click.echo(json.dumps({"path": str(path), "defaults": values}, indent=2))
        return
    click.echo(f"config file: {path}{'' if path.is_file() else ' (none yet)'}")
    for name, value in values.items():
        click.echo(f"{name} = {value}")


def main() -> None:
    logs.setup()  # before the first hook call, so K2_TRACE_PLUGINS shows it too
    get_plugin_manager().hook.k2_register_commands(cli=cli)
    cli()
