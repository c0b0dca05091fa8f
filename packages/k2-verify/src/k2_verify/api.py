"""`verify()`: score one response against a ground truth with whichever verifier serves the problem."""

from __future__ import annotations

import threading
from typing import Any

from k2_core import Problem, UnknownNameError, Verdict
from k2_core.observed import ObservedVerifier, observe
from k2_core.registry import Entry, get_registry

_verifiers: dict[tuple, ObservedVerifier] = {}
_lock = threading.Lock()


def _verifier(entry: Entry, options: dict[str, Any]) -> ObservedVerifier:
    """A verifier built once per (registry entry, options) and reused: some are costly to build."""
    key = (id(entry), entry.name, repr(sorted(options.items())))
    with _lock:
        if key not in _verifiers:
            _verifiers[key] = observe("verifier", entry.build(**options))
        return _verifiers[key]


def problem_for(
    ground_truth: Any, domain: str = "math", data_source: str | None = None, prompt: str = ""
) -> Problem:
    """The `Problem` that `verify` scores against."""
    return Problem(
        id="",
        prompt=prompt,
        domain=domain,
        data_source=data_source or "",
        ground_truth=ground_truth,
    )


def route(
    domain: str = "math", data_source: str | None = None, fallback: str | None = None
) -> Entry:
    """The registry entry of the verifier that serves a problem.

    A `data_source` must be claimed by some verifier (the longest claimed prefix wins): one that
    nobody claims raises `UnknownNameError`, because scoring it with another domain's verifier
    would hide a typo (a training run on zero reward). `fallback`, a verifier name, serves such
    rows on purpose. Without a `data_source` the `domain` decides.
    """
    registry = get_registry()
    if data_source and not any(data_source.startswith(p) for p in registry.data_sources):
        if fallback:
            return registry.entry("verifier", fallback)
        raise UnknownNameError(
            f"no verifier claims data_source {data_source!r}",
            f"claimed prefixes: {', '.join(sorted(registry.data_sources)) or 'none'} "
            "(`k2-verify routes`); name a fallback verifier for such rows "
            "(fallback=NAME, `k2-verify check --fallback NAME`)",
        )
    return registry.verifier_for(domain, data_source)


def _takes(entry: Entry, option: str) -> bool:
    """True when the verifier's factory has a parameter `option` (or takes any keyword)."""
    taken = entry.options()
    return taken is None or option in taken


def needs_ground_truth(
    domain: str = "math", data_source: str | None = None, fallback: str | None = None
) -> bool:
    """Whether the verifier serving this problem needs a ground truth (its `needs_ground_truth`)."""
    entry = route(domain, data_source, fallback)
    return bool(getattr(entry.load(), "needs_ground_truth", True))


def _resolve(
    ground_truth: Any,
    domain: str,
    data_source: str | None,
    prompt: str,
    timeout: float | None,
    fallback: str | None,
    options: dict[str, Any],
) -> tuple[ObservedVerifier, Problem]:
    entry = route(domain, data_source, fallback)
    # The timeout goes to verifiers that take one; the others are bounded by whoever calls them
    # (the pool's hard limit), so a plugin without a `timeout` option still works everywhere.
    if timeout is not None and _takes(entry, "timeout"):
        options = {**options, "timeout": timeout}
    # Rows of one batch route to different verifiers: each gets the options its factory takes
    # (a judge's `backend` is not the math verifier's business).
    options = {key: value for key, value in options.items() if _takes(entry, key)}
    return _verifier(entry, options), problem_for(ground_truth, domain, data_source, prompt)


def score(
    response: str,
    ground_truth: Any,
    domain: str = "math",
    *,
    data_source: str | None = None,
    prompt: str = "",
    timeout: float | None = None,
    fallback: str | None = None,
    **options: Any,
) -> Verdict:
    """`verify` without announcing the verdict: for a worker process whose parent announces it."""
    verifier, problem = _resolve(
        ground_truth, domain, data_source, prompt, timeout, fallback, options
    )
    return verifier.score(response, problem)


def verify(
    response: str,
    ground_truth: Any,
    domain: str = "math",
    *,
    data_source: str | None = None,
    prompt: str = "",
    timeout: float | None = None,
    fallback: str | None = None,
    **options: Any,
) -> Verdict:
    """Score `response` against `ground_truth`; never raises for bad responses.

    The verifier is the one registered for `data_source` (the longest claimed prefix, Guru style:
    `math__aime`, `codegen__leetcode`) or else for `domain` (see `route`: an unclaimed
    `data_source` raises `UnknownNameError` unless `fallback` names a verifier for it). `options`
    are passed to the verifier's factory, and `timeout` (seconds) too when the factory takes one;
    without `timeout` each verifier keeps its own default (math 5 s, code 30 s as in Guru). The built-in verifiers return a `timeout` verdict rather than run past it,
    and a verifier that raises yields an `error` verdict. Raises `UnknownNameError` when no installed
    verifier serves the domain. The verdict is announced to `k2_on_verdict` hooks once (by the
    registry's verifier wrapper). `prompt` is the question, for verifiers that read it (the LLM judge).
    """
    verifier, problem = _resolve(
        ground_truth, domain, data_source, prompt, timeout, fallback, options
    )
    return verifier.verify(response, problem)
