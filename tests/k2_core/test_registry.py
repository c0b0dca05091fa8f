"""The registry: lookups, install hints, duplicates, data_source routing."""

import pytest

from k2_core import DuplicateNameError, UnknownNameError, hookimpl
from k2_core.registry import get_registry


class Echo:
    name = "echo"
    needs_ground_truth = True

    def __init__(self, **options):
        self.options = options


def verifier_plugin(name, domains=(), data_sources=()):
    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register(name, Echo, domains=list(domains), data_sources=list(data_sources))

    return Plugin()


def test_create_passes_options_to_the_factory(k2_plugin):
    k2_plugin(verifier_plugin("echo"), name="echo-plugin")
    verifier = get_registry().create("verifier", "echo", strict=True)
    assert isinstance(verifier.inner, Echo) and verifier.options == {"strict": True}
    assert get_registry().entry("verifier", "echo").plugin == "echo-plugin"


def test_unknown_name_lists_installed_and_names_the_package():
    with pytest.raises(UnknownNameError) as info:
        get_registry().entry("backend", "cerebras-nope")
    assert "installed: " in str(info.value) and "fake" in str(info.value)


def test_unknown_name_says_which_packages_provide_the_kind():
    with pytest.raises(UnknownNameError, match="k2-infer and k2-cerebras provide backends"):
        get_registry().entry("backend", "llama-nope")


def test_duplicate_name_is_an_error_naming_both(k2_plugin):
    k2_plugin(verifier_plugin("twin"), name="first-plugin")
    k2_plugin(verifier_plugin("twin"), name="second-plugin")
    with pytest.raises(DuplicateNameError) as info:
        get_registry().entry("verifier", "twin")
    assert "'first-plugin'" in str(info.value) and "'second-plugin'" in str(info.value)


def test_registry_follows_plugin_changes(k2_plugin):
    assert "later" not in get_registry().names("verifier")
    k2_plugin(verifier_plugin("later"), name="later-plugin")
    assert "later" in get_registry().names("verifier")


def test_routing_prefers_longest_data_source_prefix(k2_plugin):
    k2_plugin(verifier_plugin("sim", domains=["sim"], data_sources=["sim__"]), name="a")
    k2_plugin(verifier_plugin("arc", data_sources=["sim__arcagi"]), name="b")
    registry = get_registry()
    assert registry.verifier_for(data_source="sim__arcagi2").name == "arc"
    assert registry.verifier_for(data_source="sim__codeio").name == "sim"
    assert registry.verifier_for(domain="sim", data_source="other__x").name == "sim"


def test_routing_unknown_domain_says_what_is_served():
    with pytest.raises(UnknownNameError, match="domains served: .*palindrome"):
        get_registry().verifier_for(domain="astrology")


def test_backend_registration_hook_is_called(k2_plugin):
    class Backends:
        @hookimpl
        def k2_register_backends(self, register):
            register("echo-backend", Echo, description="test")

    k2_plugin(Backends(), name="backends")
    entry = get_registry().entry("backend", "echo-backend")
    assert entry.description == "test" and entry.kind == "backend"


@pytest.mark.parametrize(
    "hook_name, kind",
    [
        ("k2_register_planners", "planner"),
        ("k2_register_samplers", "sampler"),
        ("k2_register_selectors", "selector"),
        ("k2_register_benchmarks", "benchmark"),
        ("k2_register_datasets", "dataset"),
    ],
)
def test_every_registration_hook_feeds_its_kind(k2_plugin, hook_name, kind):
    def register_one(self, register):
        register(f"test-{kind}", Echo)

    plugin_class = type("Plugin", (), {hook_name: hookimpl(register_one)})
    k2_plugin(plugin_class(), name=f"{kind}-plugin")
    assert isinstance(get_registry().create(kind, f"test-{kind}"), Echo)
