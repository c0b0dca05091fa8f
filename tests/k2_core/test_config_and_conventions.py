"""User defaults (K2_* variables, the config file) and the CLI conventions every k2 command shares."""

from __future__ import annotations

import json
from importlib.util import find_spec

import pytest
from click.testing import CliRunner

from k2_core import InputError
from k2_core.cli import cli, installed_versions, parse_options
from k2_core.config import user_default, user_defaults


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("K2_HOME", str(tmp_path))
    for name in ("K2_CONFIG", "K2_BACKEND", "K2_MODEL", "K2_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_environment_beats_the_config_file(home, monkeypatch):
    (home / "config.toml").write_text('backend = "openai"\nmodel = "m"\n')
    assert user_defaults() == {"backend": "openai", "model": "m"}
    monkeypatch.setenv("K2_BACKEND", "cerebras")
    assert user_default("backend") == "cerebras" and user_default("base_url") is None


def test_an_unknown_or_broken_config_file_is_refused(home):
    (home / "config.toml").write_text('bakend = "openai"\n')
    with pytest.raises(InputError, match="unknown setting 'bakend'"):
        user_defaults()
    (home / "config.toml").write_text("backend = \n")
    with pytest.raises(InputError, match="not valid TOML"):
        user_defaults()


def test_k2_config_shows_the_file_and_the_defaults(home, monkeypatch):
    monkeypatch.setenv("K2_MODEL", "qwen-3-32b")
    result = CliRunner().invoke(cli, ["config", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown == {"path": str(home / "config.toml"), "defaults": {"model": "qwen-3-32b"}}


def test_parse_options_reads_toml_values_and_refuses_a_missing_equals():
    assert parse_options(["timeout=30", "stream=true", "dtype=bfloat16", "x=1.5"], "--o") == {
        "timeout": 30,
        "stream": True,
        "dtype": "bfloat16",
        "x": 1.5,
    }
    with pytest.raises(InputError, match="not KEY=VALUE"):
        parse_options(["timeout"], "--backend-option")


def test_version_lists_every_installed_k2_package_and_h_is_help():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("k2-core ")
    assert set(installed_versions()) <= {line.split()[0] for line in lines}
    assert "k2-core" in installed_versions()
    assert CliRunner().invoke(cli, ["-h"]).output == CliRunner().invoke(cli, ["--help"]).output


# the k2 packages this environment has (a package environment installs only some)
INSTALLED = [m for m in ("k2_core", "k2_verify", "k2_infer", "k2_cerebras") if find_spec(m)]


@pytest.mark.parametrize("module", INSTALLED)
def test_python_dash_m_runs_each_package_cli(module):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(module.replace("_", "-") + " ")
