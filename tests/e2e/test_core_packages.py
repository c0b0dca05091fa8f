"""Across packages: every package's plugin is discovered, every CLI runs, light packages stay light."""

import json
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

PACKAGES = ["k2-core", "k2-verify", "k2-infer", "k2-train", "k2-cerebras"]


def run(command, *args):
    """Run a console script installed beside this Python (the environment under test)."""
    script = Path(sys.executable).parent / command
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=120)


def test_k2_plugins_lists_all_five_packages_and_the_example_plugin():
    result = run("k2", "plugins", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    for package in PACKAGES:
        name = package.replace("-", "_")
        assert rows[name]["distribution"] == package
        assert rows[name]["hooks"], f"{name} implements no hook"
    assert rows["palindrome"]["distribution"] == "k2-palindrome"


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_cli_has_version_and_plugins(package):
    command = "k2" if package == "k2-core" else package
    version = run(command, "--version")
    assert version.returncode == 0 and "0.1.0" in version.stdout
    plugins = run(command, "plugins", "--json")
    assert plugins.returncode == 0
    assert "palindrome" in {row["name"] for row in json.loads(plugins.stdout)}


@pytest.mark.parametrize("package", ["k2-core", "k2-verify", "k2-infer", "k2-cerebras"])
def test_light_packages_do_not_require_torch(package):
    hard = [req for req in requires(package) or [] if "extra ==" not in req]
    assert not [req for req in hard if req.split()[0].lower().startswith("torch")], hard
