"""`verify()`: score one response against a ground truth with whichever verifier serves the problem."""

from __future__ import annotations

import threading
from typing import Any

from k2_core import Problem, Verdict
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


def _resolve(
    ground_truth: Any,
    domain: str,
    data_source: str | None,
    prompt: str,
    timeout: float | None,
    options: dict[str, Any],
) -> tuple[ObservedVerifier, Problem]:
    entry = get_registry().verifier_for(domain, data_source)
    if timeout is not None:
        options = {**options, "timeout": timeout}
    return _verifier(entry, options), problem_for(ground_truth, domain, data_source, prompt)


def score(
    response: str,
    ground_truth: Any,
    domain: str = "math",
    *,
    data_source: str | None = None,
    prompt: str = "",
    timeout: float | None = None,
    **options: Any,
) -> Verdict:
    """`verify` without announcing the verdict: for a worker process whose parent announces it."""
    verifier, problem = _resolve(ground_truth, domain, data_source, prompt, timeout, options)
    return verifier.score(response, problem)


def verify(
    response: str,
    ground_truth: Any,
    domain: str = "math",
    *,
    data_source: str | None = None,
    prompt: str = "",
    timeout: float | None = None,
    **options: Any,
) -> Verdict:
    """Score `response` against `ground_truth`; never raises for bad responses.

    The verifier is the one registered for `data_source` (the longest claimed prefix, Guru style:
    `math__aime`, `codegen__leetcode`) or else for `domain`. `timeout` (seconds) and `options` are
    passed to the verifier's factory; without `timeout` each verifier keeps its own default (math 5 s,
    code 30 s as in Guru). The built-in verifiers return a `timeout` verdict rather than run past it,
    and a verifier that raises yields an `error` verdict. Raises `UnknownNameError` when no installed
    verifier serves the domain. The verdict is announced to `k2_on_verdict` hooks once (by the
    registry's verifier wrapper). `prompt` is the question, for verifiers that read it (the LLM judge).
    """
    verifier, problem = _resolve(ground_truth, domain, data_source, prompt, timeout, options)
    return verifier.verify(response, problem)
