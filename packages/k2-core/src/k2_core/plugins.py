"""The plugin manager: loads every `k2` entry point, one at a time, and survives broken ones.

pluggy's own `load_setuptools_entrypoints` stops at the first plugin that fails to import; here each
entry point loads in its own try/except, a failure is reported on stderr by name, and the rest load.

Environment variables (comma-separated entry point names):
- `K2_DISABLE_PLUGINS`: never load these.
- `K2_LOAD_PLUGINS`: load only these (built-in packages are plugins too, so list them if you want them).
- `K2_TRACE_PLUGINS=1`: log every hook call, its arguments and its result to the `k2.plugins`
  logger (pluggy's hook-call monitoring).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

import pluggy

from . import hookspecs
from .errors import PluginError

GROUP = "k2"
log = logging.getLogger("k2.plugins")


@dataclass
class PluginInfo:
    """What `k2 plugins` shows for one loaded plugin."""

    name: str
    distribution: str
    version: str
    hooks: list[str] = field(default_factory=list)


@dataclass
class LoadFailure:
    """An entry point that could not be loaded, and why."""

    name: str
    distribution: str
    error: str


_pm: pluggy.PluginManager | None = None
_dists: dict[str, tuple[str, str]] = {}
failures: list[LoadFailure] = []


def _names_from_env(var: str) -> set[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ("?", "?")
    return (dist.metadata["Name"], dist.version)


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    allow = _names_from_env("K2_LOAD_PLUGINS")
    deny = _names_from_env("K2_DISABLE_PLUGINS") or set()
    for ep in entry_points(group=GROUP):
        if ep.name in deny or (allow is not None and ep.name not in allow):
            continue
        if pm.get_plugin(ep.name) is not None:
            continue
        dist, version = _dist_of(ep)
        try:
            _register_checked(pm, ep.load(), ep.name)
        except Exception as exc:  # a broken plugin must not take the others down
            failures.append(LoadFailure(ep.name, dist, f"{type(exc).__name__}: {exc}"))
            log.warning(
                "plugin %r from %s failed to load (%s: %s); skipped. Reinstall it, or set "
                "K2_DISABLE_PLUGINS=%s",
                ep.name,
                dist,
                type(exc).__name__,
                exc,
                ep.name,
            )
            continue
        _dists[ep.name] = (dist, version)


def _register_checked(pm: pluggy.PluginManager, plugin: object, name: str | None) -> str:
    """Register `plugin`; if it implements a hook that does not exist (a typo), unregister it and raise."""
    try:
        registered = pm.register(plugin, name=name) or name or ""
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        raise PluginError(
            f"plugin {name or plugin!r}: {exc}", "check the hook names in hookspecs.py"
        ) from None
    return registered


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with every installed `k2` entry point loaded."""
    global _pm
    if _pm is None:
        pm = pluggy.PluginManager(GROUP)
        pm.add_hookspecs(hookspecs)
        if os.environ.get("K2_TRACE_PLUGINS", "") not in {"", "0"}:
            pm.add_hookcall_monitoring(_before_hook, _after_hook)
        _load_entry_points(pm)
        _pm = pm
    return _pm


def _before_hook(hook_name: str, hook_impls: list, kwargs: dict) -> None:
    plugins = ", ".join(impl.plugin_name for impl in hook_impls) or "no plugin"
    log.info("hook %s(%s) -> %s", hook_name, ", ".join(sorted(kwargs)), plugins)


def _after_hook(outcome, hook_name: str, hook_impls: list, kwargs: dict) -> None:
    if outcome.exception is not None:
        log.info(
            "hook %s raised %s: %s", hook_name, type(outcome.exception).__name__, outcome.exception
        )
    else:
        log.info("hook %s returned %r", hook_name, outcome.get_result())


def register_plugin(plugin: object, name: str | None = None) -> str:
    """Register a plugin object at run time (tests, notebooks). Returns the name it got."""
    return _register_checked(get_plugin_manager(), plugin, name)


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered with `register_plugin`."""
    get_plugin_manager().unregister(name=name)


def hook() -> pluggy.HookRelay:
    """`pm.hook`, for calling observation hooks: `hook().k2_on_completion(request=..., completion=...)`."""
    return get_plugin_manager().hook


def plugin_infos() -> list[PluginInfo]:
    """Every registered plugin with its distribution, version and the hooks it implements."""
    pm = get_plugin_manager()
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        dist, version = _dists.get(name, ("(registered at run time)", ""))
        infos.append(PluginInfo(name=name, distribution=dist, version=version, hooks=hooks))
    return sorted(infos, key=lambda info: info.name)
