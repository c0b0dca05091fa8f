"""The registry: every backend, verifier, planner, ... that plugins registered, looked up by name.

    from k2_core import get_registry
    backend = get_registry().create("backend", "openai", base_url="http://127.0.0.1:8000/v1")
    verifier = get_registry().verifier(domain="math")      # the verifier that serves a problem

The registry is built by calling each `k2_register_*` hook with a `register` callback, one plugin at a
time, each call in its own try/except: a hook that raises is recorded as that plugin's failure
(`Registry.failures`, shown by `k2 plugins`) and everything else stays usable. It is rebuilt when the
set of plugins changes.

What can go wrong, and what the registry says:
- an unknown name raises `UnknownNameError` listing what is installed;
- a name, a verifier domain or a `data_source` prefix claimed by two plugins is a `Conflict`
  (shown by `k2 plugins`); looking it up raises `DuplicateNameError` naming both, unless one of them
  registered with `override=True`, which then wins;
- an entry whose `requires` modules are missing is listed but unavailable: `create` raises
  `UnavailableError` with the entry's `install` line;
- an option the factory does not take raises `InputError` naming it and the valid ones.

`create` wraps backends and verifiers (`k2_core.observed`) so that `k2_on_completion` and
`k2_on_verdict` fire once per completion and verdict, whoever built the component.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import DuplicateNameError, InputError, UnavailableError, UnknownNameError
from .observed import observe
from .plugins import get_plugin_manager

log = logging.getLogger("k2.core.registry")


@dataclass(frozen=True)
class Kind:
    """One kind of component: the hook that registers it and the k2 packages that ship some."""

    hook: str
    packages: str


KINDS = {
    "backend": Kind("k2_register_backends", "k2-infer and k2-cerebras"),
    "verifier": Kind("k2_register_verifiers", "k2-verify"),
    "planner": Kind("k2_register_planners", "k2-infer"),
    "sampler": Kind("k2_register_samplers", "k2-infer"),
    "selector": Kind("k2_register_selectors", "k2-infer"),
    "benchmark": Kind("k2_register_benchmarks", "k2-infer"),
    "dataset": Kind("k2_register_datasets", "k2-train"),
    "recipe": Kind("k2_register_recipes", "k2-infer and k2-train"),
}


@dataclass
class Entry:
    """One registered thing.

    `factory` is a callable, or a `"module:attribute"` string imported when the entry is first built
    (so listing plugins never imports torch). `requires` are modules the factory needs; when one is
    missing the entry is unavailable and `install` says how to get it. `meta` holds kind-specific
    keywords (a verifier's `domains` and `data_sources`).
    """

    kind: str
    name: str
    factory: Any
    plugin: str
    description: str = ""
    requires: tuple[str, ...] = ()
    install: str = ""
    override: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """The `requires` modules that are not installed."""
        return [module for module in self.requires if importlib.util.find_spec(module) is None]

    def load(self) -> Callable[..., Any]:
        """The factory itself, importing it first when it was registered as `"module:attribute"`."""
        if isinstance(self.factory, str):
            module, _, attribute = self.factory.partition(":")
            self.factory = getattr(importlib.import_module(module), attribute)
        return self.factory

    def build(self, **options: Any) -> Any:
        """The factory's product for `options`, after checking it is available and takes them."""
        missing = self.missing
        if missing:
            raise UnavailableError(
                f"{self.kind} {self.name!r} needs {', '.join(missing)}, which is not installed",
                f"`pip install {self.install}`" if self.install else f"install {missing[0]}",
            )
        self._check_options(options)
        return self.load()(**options)

    def options(self) -> list[str] | None:
        """The option names the factory takes, or None when it takes any (`**options`, or a builtin
        without a signature, which checks for itself) or is unavailable (`build` says why)."""
        if self.missing:
            return None
        try:
            parameters = inspect.signature(self.load()).parameters.values()
        except (TypeError, ValueError):
            return None
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return None
        keywords = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        return [p.name for p in parameters if p.kind in keywords]

    def _check_options(self, options: dict[str, Any]) -> None:
        valid = self.options()
        unknown = [name for name in options if valid is not None and name not in valid]
        if unknown:
            raise InputError(
                f"{self.kind} {self.name!r} has no option {unknown[0]!r}",
                f"its options are: {', '.join(valid or []) or 'none'}",
            )


@dataclass
class Conflict:
    """Two or more plugins claimed one name, verifier domain or data_source prefix of one kind.

    `winner` is the plugin that registered with `override=True`, or None when nobody did (then a
    lookup of the claim raises `DuplicateNameError`).
    """

    kind: str
    claim: str  # "name 'fake'", "domain 'math'", "data_source 'math__'"
    plugins: list[str]
    winner: str | None = None

    def __str__(self) -> str:
        plugins = " and ".join(repr(p) for p in self.plugins)
        text = f"{self.kind} {self.claim} is registered by both {plugins}"
        return f"{text}; {self.winner!r} overrides" if self.winner else text

    def error(self) -> DuplicateNameError:
        return DuplicateNameError(
            str(self),
            "register one with override=True, or disable one with K2_DISABLE_PLUGINS",
        )


@dataclass
class RegistrationFailure:
    """A plugin's `k2_register_*` hook raised; nothing it registered in that call was kept."""

    plugin: str
    hook: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.hook} failed ({self.error})"


class Registry:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        self.domains: dict[str, Entry] = {}
        self.data_sources: dict[str, Entry] = {}
        self.conflicts: dict[tuple[str, str], Conflict] = {}
        self.failures: list[RegistrationFailure] = []

    def add(self, entry: Entry) -> None:
        """Record `entry` under its name and, for verifiers, under each route it claims."""
        self._claim(entry, f"name {entry.name!r}", entry.name, self.entries[entry.kind])
        if entry.kind == "verifier":
            for domain in entry.meta.get("domains", ()):
                self._claim(entry, f"domain {domain!r}", domain, self.domains)
            for prefix in entry.meta.get("data_sources", ()):
                self._claim(entry, f"data_source {prefix!r}", prefix, self.data_sources)

    def _claim(self, entry: Entry, claim: str, key: str, table: dict[str, Entry]) -> None:
        held = table.get(key)
        if held is None:
            table[key] = entry
            return
        conflict = self.conflicts.setdefault(
            (entry.kind, claim), Conflict(entry.kind, claim, [held.plugin])
        )
        conflict.plugins.append(entry.plugin)
        if entry.override and not held.override:
            table[key] = entry
        overriding = [e for e in (held, entry) if e.override]
        conflict.winner = table[key].plugin if len(overriding) == 1 else None

    def _unambiguous(self, kind: str, claim: str) -> None:
        conflict = self.conflicts.get((kind, claim))
        if conflict is not None and conflict.winner is None:
            raise conflict.error()

    def names(self, kind: str) -> list[str]:
        return sorted(self.entries[kind])

    def entry(self, kind: str, name: str) -> Entry:
        if kind not in self.entries:
            raise UnknownNameError(f"no kind {kind!r}", f"kinds are: {', '.join(KINDS)}")
        self._unambiguous(kind, f"name {name!r}")
        try:
            return self.entries[kind][name]
        except KeyError:
            installed = ", ".join(self.names(kind)) or "none"
            close = difflib.get_close_matches(str(name), self.names(kind), n=1)
            raise UnknownNameError(
                f"no {kind} {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                f"installed: {installed}; {KINDS[kind].packages} provide {kind}s, "
                "`k2 plugins` lists what each plugin provides",
            ) from None

    def create(self, kind: str, name: str, **options: Any) -> Any:
        """Build the component `name` of `kind` by calling its factory with `options`.

        Backends and verifiers come back wrapped so their observation hooks fire (`k2_core.observed`).
        """
        return observe(kind, self.entry(kind, name).build(**options))

    def verifier_for(self, domain: str | None = None, data_source: str | None = None) -> Entry:
        """The verifier for a problem: the longest claimed `data_source` prefix, else its `domain`."""
        if data_source:
            prefixes = [prefix for prefix in self.data_sources if data_source.startswith(prefix)]
            if prefixes:
                prefix = max(prefixes, key=len)
                self._unambiguous("verifier", f"data_source {prefix!r}")
                return self.data_sources[prefix]
        if domain:
            if domain in self.domains:
                self._unambiguous("verifier", f"domain {domain!r}")
                return self.domains[domain]
            if domain in self.entries["verifier"]:
                return self.entry("verifier", domain)
        raise UnknownNameError(
            f"no verifier for domain {domain!r}"
            + (f" or data_source {data_source!r}" if data_source else ""),
            f"domains served: {', '.join(sorted(self.domains)) or 'none'}; "
            f"{KINDS['verifier'].packages} provides the built-in ones",
        )

    def verifier(
        self, domain: str | None = None, data_source: str | None = None, **options: Any
    ) -> Any:
        """The verifier that serves a problem, built with `options` and wrapped like `create`'s."""
        return observe("verifier", self.verifier_for(domain, data_source).build(**options))


def _register_all(registry: Registry, kind: str, hookimpl: Any) -> None:
    """Call one plugin's registration hook; keep what it registered only if the call succeeds."""
    made: list[Entry] = []

    def register(
        name: str,
        factory: Any,
        *,
        description: str = "",
        requires: tuple[str, ...] | list[str] = (),
        install: str = "",
        override: bool = False,
        **meta: Any,
    ) -> None:
        made.append(
            Entry(
                kind,
                name,
                factory,
                hookimpl.plugin_name,
                description,
                tuple(requires),
                install,
                override,
                meta,
            )
        )

    try:
        hookimpl.function(register=register)
    except Exception as exc:  # a broken plugin must not take the others down
        failure = RegistrationFailure(
            hookimpl.plugin_name, KINDS[kind].hook, f"{type(exc).__name__}: {exc}"
        )
        registry.failures.append(failure)
        log.warning("%s; its %ss are skipped", failure, kind)
        return
    for entry in made:
        registry.add(entry)


def _build(pm) -> Registry:
    registry = Registry()
    for kind, spec in KINDS.items():
        for hookimpl in getattr(pm.hook, spec.hook).get_hookimpls():
            _register_all(registry, kind, hookimpl)
    return registry


_cache: tuple[list[object], Registry] | None = None


def get_registry() -> Registry:
    """The registry for the plugins registered now (cached until they change)."""
    global _cache
    plugins = get_plugin_manager().get_plugins()
    # The cache holds the plugin objects themselves, so an unregistered plugin's id is never
    # reused by a new one while its registry is cached.
    if _cache is None or {id(p) for p in _cache[0]} != {id(p) for p in plugins}:
        _cache = (list(plugins), _build(get_plugin_manager()))
    return _cache[1]
