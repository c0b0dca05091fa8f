"""The registry: every backend, verifier, planner, ... that plugins registered, looked up by name.

    from k2_core.registry import get_registry
    backend = get_registry().create("backend", "openai", base_url="http://127.0.0.1:8000/v1")

The registry is built by calling each `k2_register_*` hook with a `register` callback, one plugin at a
time so every entry knows which plugin made it. It is rebuilt when the set of plugins changes.
An unknown name raises `UnknownNameError` listing what is installed and which package provides it;
a name registered by two plugins raises `DuplicateNameError` naming both when it is looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import DuplicateNameError, UnknownNameError
from .plugins import get_plugin_manager

KINDS = {
    "backend": "k2_register_backends",
    "verifier": "k2_register_verifiers",
    "planner": "k2_register_planners",
    "sampler": "k2_register_samplers",
    "selector": "k2_register_selectors",
    "benchmark": "k2_register_benchmarks",
    "dataset": "k2_register_datasets",
    "recipe": "k2_register_recipes",
}

# Which package provides a well-known name, for "pip install ..." hints.
PROVIDERS = {
    ("backend", "transformers"): "k2-infer[transformers]",
    ("backend", "openai"): "k2-infer",
    ("backend", "vllm"): "k2-infer[vllm]",
    ("backend", "cerebras"): "k2-cerebras",
    **{("verifier", n): "k2-verify" for n in ("math", "code", "logic", "simulation", "tabular")},
    **{("verifier", n): "k2-verify" for n in ("multiple_choice", "judge")},
    **{("planner", n): "k2-infer" for n in ("k2", "none")},
    **{("sampler", n): "k2-infer" for n in ("single", "best-of-n")},
    **{
        ("selector", n): "k2-infer"
        for n in ("verifier", "majority", "pairwise-judge", "tournament", "first")
    },
    **{
        ("benchmark", n): "k2-infer"
        for n in ("aime24", "aime25", "hmmt25", "omni-hard", "lcb-v5", "gpqa-diamond", "hle")
    },
    **{("dataset", n): "k2-train" for n in ("am-thinking", "guru")},
    **{("recipe", n): "k2-train" for n in ("k2-think-sft", "k2-think-grpo", "tiny")},
}


@dataclass
class Entry:
    """One registered thing. `meta` holds kind-specific keywords (a verifier's domains, ...)."""

    kind: str
    name: str
    factory: Any
    plugin: str
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


class Registry:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        self.conflicts: dict[tuple[str, str], list[str]] = {}

    def add(self, entry: Entry) -> None:
        existing = self.entries[entry.kind].get(entry.name)
        if existing is not None:
            self.conflicts.setdefault((entry.kind, entry.name), [existing.plugin]).append(
                entry.plugin
            )
            return
        self.entries[entry.kind][entry.name] = entry

    def names(self, kind: str) -> list[str]:
        return sorted(self.entries[kind])

    def entry(self, kind: str, name: str) -> Entry:
        if kind not in self.entries:
            raise UnknownNameError(f"no kind {kind!r}", f"kinds are: {', '.join(KINDS)}")
        if (kind, name) in self.conflicts:
            plugins = " and ".join(repr(p) for p in self.conflicts[(kind, name)])
            raise DuplicateNameError(
                f"{kind} {name!r} is registered by both {plugins}",
                "uninstall one, or disable it with K2_DISABLE_PLUGINS",
            )
        try:
            return self.entries[kind][name]
        except KeyError:
            installed = ", ".join(self.names(kind)) or "none"
            provider = PROVIDERS.get((kind, name))
            hint = f"installed: {installed}"
            if provider:
                hint += f"; `pip install {provider}` provides it"
            raise UnknownNameError(f"no {kind} {name!r}", hint) from None

    def create(self, kind: str, name: str, **options: Any) -> Any:
        """Build the component `name` of `kind` by calling its factory with `options`."""
        return self.entry(kind, name).factory(**options)

    def verifier_for(self, domain: str | None = None, data_source: str | None = None) -> Entry:
        """The verifier for a problem: the longest claimed `data_source` prefix, else its `domain`."""
        verifiers = self.entries["verifier"].values()
        if data_source:
            claims = [
                (len(prefix), entry)
                for entry in verifiers
                for prefix in entry.meta.get("data_sources", ())
                if data_source.startswith(prefix)
            ]
            if claims:
                return max(claims, key=lambda claim: claim[0])[1]
        if domain:
            for entry in verifiers:
                if domain in entry.meta.get("domains", ()):
                    return entry
            if domain in self.entries["verifier"]:
                return self.entry("verifier", domain)
        known = sorted({d for e in verifiers for d in e.meta.get("domains", ())})
        raise UnknownNameError(
            f"no verifier for domain {domain!r}"
            + (f" or data_source {data_source!r}" if data_source else ""),
            f"domains served: {', '.join(known) or 'none'}; `pip install k2-verify` provides the "
            "built-in ones",
        )


def _build(pm) -> Registry:
    registry = Registry()
    for kind, hook_name in KINDS.items():
        for impl in getattr(pm.hook, hook_name).get_hookimpls():

            def register(
                name: str,
                factory: Callable[..., Any],
                *,
                description: str = "",
                _kind: str = kind,
                _plugin: str = impl.plugin_name,
                **meta: Any,
            ) -> None:
                registry.add(Entry(_kind, name, factory, _plugin, description, meta))

            impl.function(register=register)
    return registry


_cache: tuple[frozenset[int], Registry] | None = None


def get_registry() -> Registry:
    """The registry for the plugins registered now (cached until they change)."""
    global _cache
    pm = get_plugin_manager()
    key = frozenset(id(p) for p in pm.get_plugins())
    if _cache is None or _cache[0] != key:
        _cache = (key, _build(pm))
    return _cache[1]
