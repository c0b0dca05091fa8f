"""`verify()`: score one response against a ground truth with whichever verifier serves the problem."""

from __future__ import annotations

import threading
from typing import Any

from k2_core import Problem, Verdict
from k2_core.plugins import hook
from k2_core.registry import get_registry

_verifiers: dict[tuple, Any] = {}
_lock = threading.Lock()


def _verifier(entry, options: dict[str, Any]):
    """A verifier built once per (registry entry, options) and reused: some are costly to build."""
    key = (id(entry), entry.name, repr(sorted(options.items())))
    with _lock:
        if key not in _verifiers:
            _verifiers[key] = entry.factory(**options)
        return _verifiers[key]


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
    code 30 s as in Guru). The built-in verifiers return a `timeout` verdict rather than run past it. Raises `UnknownNameError` when no installed verifier serves the domain.
    Every verdict is announced to `k2_on_verdict` hooks. `prompt` is the question, for verifiers that
    read it (the LLM judge).
    """
    entry = get_registry().verifier_for(domain, data_source)
    if timeout is not None:
        options["timeout"] = timeout
    verifier = _verifier(entry, options)
    problem = Problem(
        id="",
        prompt=prompt,
        domain=domain,
        data_source=data_source or "",
        ground_truth=ground_truth,
    )
    try:
        verdict = verifier.verify(response, problem)
    except Exception as exc:  # noqa: BLE001  (a verifier that raises still yields a verdict)
        verdict = Verdict(
            0.0, False, None, "error", {"error": f"{type(exc).__name__}: {exc}"[:500]}
        )
    hook().k2_on_verdict(problem=problem, response=response, verdict=verdict)
    return verdict
