"""The `k2` CLI: version, plugins listing, recipes, one-line errors, plugin subcommands."""

import json
import logging

import click
import pytest
from click.testing import CliRunner

from k2_core import K2Error, __version__, hookimpl
from k2_core.cli import cli, main


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_plugins_json_lists_name_distribution_version_hooks_provides():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    rows = {row["name"]: row for row in json.loads(result.output)}
    core = rows["k2_core"]
    assert core["distribution"] == "k2-core" and core["version"] == __version__
    assert "k2_register_recipes" in core["hooks"]
    assert "backend fake" in core["provides"] and "recipe k2-think" in core["provides"]
    assert rows["palindrome"]["provides"] == ["benchmark palindromes", "verifier palindrome"]


def test_plugins_table():
    result = CliRunner().invoke(cli, ["plugins"])
    assert "palindrome  (k2-palindrome 0.1.0)" in result.output


def test_recipes_lists_k2_think():
    assert "k2-think" in CliRunner().invoke(cli, ["recipes"]).output


def test_k2_error_is_one_line_without_traceback(monkeypatch):
    @click.command("explode")
    def explode():
        raise K2Error("the thing is missing", "install the thing")

    monkeypatch.setitem(cli.commands, "explode", explode)
    result = CliRunner().invoke(cli, ["explode"])
    assert result.exit_code == 1
    assert result.output == "Error: the thing is missing; install the thing\n"


def test_plugins_add_subcommands_through_the_hook(k2_plugin, monkeypatch, capsys):
    class Commands:
        @hookimpl
        def k2_register_commands(self, cli):
            @cli.command("hello")
            def hello():
                click.echo("hello from a plugin")

    k2_plugin(Commands(), name="commands")
    monkeypatch.setattr(cli, "commands", dict(cli.commands))  # leave the real CLI as it was
    assert "No such command 'hello'" in CliRunner().invoke(cli, ["hello"]).output
    monkeypatch.setattr("sys.argv", ["k2", "hello"])
    with pytest.raises(SystemExit) as exit:
        main()
    assert exit.value.code == 0
    assert capsys.readouterr().out == "hello from a plugin\n"


def test_cli_shows_k2_log_records_as_one_line_each():
    @click.command("speak")
    def speak():
        logging.getLogger("k2.test.cli").info("hello from a module")
        logging.getLogger("k2.test.cli").debug("only with -v")

    commands = dict(cli.commands, speak=speak)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "commands", commands)
        quiet = CliRunner().invoke(cli, ["speak"])
        verbose = CliRunner().invoke(cli, ["-v", "speak"])
    assert quiet.exit_code == 0 and quiet.stderr == "k2: hello from a module\n"
    assert verbose.stderr == "k2: hello from a module\nk2: only with -v\n"
