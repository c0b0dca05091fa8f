"""The plugin manager: loading, broken plugins, allow/deny lists, typo'd hooks, observation hooks."""

import json
import os
import subprocess
import sys

import pytest

from k2_core import PluginError, hookimpl
from k2_core.plugins import hook, plugin_infos
from k2_core.types import Completion, GenerationRequest, Message, Problem, Result, Verdict


def run_k2(*args, env=None, pythonpath=None):
    full_env = {**os.environ, **(env or {})}
    if pythonpath:
        full_env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), full_env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "k2_core", *args], capture_output=True, text=True, env=full_env
    )


@pytest.fixture
def broken_dist(tmp_path):
    """A distribution whose k2 entry point names a module that does not import."""
    info = tmp_path / "broken_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[k2]\nbroken = broken_plugin_module\n")
    (tmp_path / "broken_plugin_module.py").write_text("raise RuntimeError('boom at import')\n")
    return tmp_path


def test_builtin_plugins_are_listed():
    names = {info.name for info in plugin_infos()}
    assert {"k2_core", "palindrome"} <= names
    core = next(info for info in plugin_infos() if info.name == "k2_core")
    assert core.distribution == "k2-core"
    assert "k2_register_backends" in core.hooks


def test_broken_entry_point_is_reported_and_others_still_load(broken_dist):
    result = run_k2("plugins", "--json", pythonpath=broken_dist)
    assert result.returncode == 0, result.stderr
    assert "'broken' from broken-plugin failed to load" in result.stderr
    assert "boom at import" in result.stderr
    names = {row["name"] for row in json.loads(result.stdout)}
    assert "broken" not in names
    assert {"k2_core", "palindrome"} <= names


def test_disable_plugins(broken_dist):
    result = run_k2(
        "plugins", "--json", env={"K2_DISABLE_PLUGINS": "broken,palindrome"}, pythonpath=broken_dist
    )
    assert result.stderr == ""
    names = {row["name"] for row in json.loads(result.stdout)}
    assert "palindrome" not in names and "k2_core" in names


def test_load_only_listed_plugins():
    result = run_k2("plugins", "--json", env={"K2_LOAD_PLUGINS": "palindrome"})
    assert [row["name"] for row in json.loads(result.stdout)] == ["palindrome"]


def test_misspelled_hook_is_refused(k2_plugin):
    class Typo:
        @hookimpl
        def k2_register_verifers(self, register):  # sic
            pass

    with pytest.raises(PluginError, match="k2_register_verifers"):
        k2_plugin(Typo(), name="typo")
    assert "typo" not in {info.name for info in plugin_infos()}


def test_in_test_plugin_is_removed_afterwards(k2_plugin):
    class Temporary:
        @hookimpl
        def k2_on_result(self, result):
            pass

    k2_plugin(Temporary(), name="temporary")
    assert "temporary" in {info.name for info in plugin_infos()}


def test_in_test_plugin_was_removed():
    assert "temporary" not in {info.name for info in plugin_infos()}


def test_observation_hooks_reach_plugins(k2_plugin):
    seen = []

    class Observer:
        @hookimpl
        def k2_on_completion(self, request, completion):
            seen.append(("completion", completion.text))

        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            seen.append(("verdict", verdict.correct))

        @hookimpl
        def k2_on_result(self, result):
            seen.append(("result", result.answer))

    k2_plugin(Observer(), name="observer")
    request = GenerationRequest([Message("user", "hi")])
    problem = Problem(id="1", prompt="hi")
    hook().k2_on_completion(request=request, completion=Completion("hello"))
    hook().k2_on_verdict(problem=problem, response="hello", verdict=Verdict(1.0, True))
    hook().k2_on_result(result=Result(problem=problem, answer="4", text="4"))
    assert seen == [("completion", "hello"), ("verdict", True), ("result", "4")]
