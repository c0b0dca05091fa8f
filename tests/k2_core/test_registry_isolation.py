"""Plugin isolation: a raising register hook, conflicting routes, typo'd options, missing modules.

Each problem is reported in one line that names the plugin (or the option) at fault, and the rest
of the registry stays usable.
"""

import json

import pytest
from click.testing import CliRunner

from k2_core import (
    DuplicateNameError,
    InputError,
    UnavailableError,
    get_registry,
    hookimpl,
)
from k2_core.cli import cli
from k2_core.testing import FakeBackend


class Strict:
    """A verifier factory that takes exactly one option."""

    name = "strict"
    needs_ground_truth = True

    def __init__(self, *, judge_model: str = "small"):
        self.judge_model = judge_model

    def verify(self, response, problem):
        raise NotImplementedError


def plugins_json():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


def test_a_raising_register_hook_is_that_plugins_failure(k2_plugin):
    class Exploding:
        @hookimpl
        def k2_register_backends(self, register):
            register("half-made", FakeBackend)
            raise RuntimeError("boom in register")

    k2_plugin(Exploding(), name="exploding")
    registry = get_registry()
    assert isinstance(registry.create("backend", "fake").inner, FakeBackend)
    assert "half-made" not in registry.names("backend")
    [failure] = [f for f in registry.failures if f.plugin == "exploding"]
    assert str(failure) == (
        "plugin 'exploding': k2_register_backends failed (RuntimeError: boom in register)"
    )
    assert plugins_json()["exploding"]["errors"] == [
        "k2_register_backends failed (RuntimeError: boom in register)"
    ]


def route_plugin(name, override=False, **routes):
    class Router:
        @hookimpl
        def k2_register_verifiers(self, register):
            register(name, Strict, override=override, **routes)

    return Router()


def test_a_conflicting_router_is_recorded_and_shown(k2_plugin):
    k2_plugin(route_plugin("home-riddle", domains=["riddle"]), name="home")
    k2_plugin(route_plugin("my-riddle", domains=["riddle"]), name="rival")
    registry = get_registry()
    [conflict] = [c for c in registry.conflicts.values() if "rival" in c.plugins]
    assert str(conflict) == "verifier domain 'riddle' is registered by both 'home' and 'rival'"
    with pytest.raises(DuplicateNameError) as info:
        registry.verifier_for(domain="riddle")
    assert "\n" not in str(info.value) and "override=True" in str(info.value)
    assert plugins_json()["rival"]["conflicts"] == [str(conflict)]


def test_a_conflicting_data_source_prefix_is_recorded(k2_plugin):
    k2_plugin(route_plugin("home", data_sources=["riddle__", "puzzle__"]), name="home")
    k2_plugin(route_plugin("my-riddle", data_sources=["riddle__"]), name="rival-riddle")
    with pytest.raises(DuplicateNameError, match="data_source 'riddle__'.*'rival-riddle'"):
        get_registry().verifier_for(data_source="riddle__one")
    assert get_registry().verifier_for(data_source="puzzle__one").name == "home"


def test_override_replaces_a_builtin_and_the_conflict_is_still_shown(k2_plugin):
    k2_plugin(route_plugin("home-riddle", domains=["riddle"]), name="home")
    k2_plugin(route_plugin("my-riddle", override=True, domains=["riddle"]), name="replacer")
    registry = get_registry()
    assert registry.verifier_for(domain="riddle").name == "my-riddle"
    assert isinstance(registry.verifier(domain="riddle").inner, Strict)
    assert plugins_json()["replacer"]["conflicts"] == [
        "verifier domain 'riddle' is registered by both 'home' and 'replacer'; 'replacer' overrides"
    ]


def test_a_typod_option_names_it_and_the_valid_ones(k2_plugin):
    k2_plugin(route_plugin("strict", domains=["strict"]), name="strict-plugin")
    with pytest.raises(InputError) as info:
        get_registry().create("verifier", "strict", judge_modle="typo")
    assert str(info.value) == (
        "verifier 'strict' has no option 'judge_modle'; its options are: judge_model"
    )
    assert get_registry().create("verifier", "strict", judge_model="big").judge_model == "big"


def test_an_entry_whose_modules_are_missing_is_listed_with_its_install_line(k2_plugin):
    class Heavy:
        @hookimpl
        def k2_register_backends(self, register):
            register(
                "heavy",
                "k2_no_such_module:Backend",
                requires=("k2_no_such_module",),
                install="k2-heavy[gpu]",
            )

    k2_plugin(Heavy(), name="heavy-plugin")
    assert "heavy" in get_registry().names("backend")
    with pytest.raises(UnavailableError) as info:
        get_registry().create("backend", "heavy")
    assert str(info.value) == (
        "backend 'heavy' needs k2_no_such_module, which is not installed; "
        "`pip install k2-heavy[gpu]`"
    )
    assert plugins_json()["heavy-plugin"]["unavailable"] == [
        "backend heavy: needs k2_no_such_module; `pip install k2-heavy[gpu]`"
    ]
    table = CliRunner().invoke(cli, ["plugins"]).output
    assert "missing:  backend heavy: needs k2_no_such_module" in table
