"""Where observation hooks fire: wrappers the host puts around backends and verifiers.

Implementations never call `k2_on_completion` or `k2_on_verdict` themselves. The registry wraps what
it builds (`Registry.create`), and a host handed a ready-made component wraps it with `observe`:

    backend = observe("backend", FakeBackend())     # every completion fires k2_on_completion once
    verifier = observe("verifier", MyVerifier())    # every verdict fires k2_on_verdict once

Wrapping twice is a no-op, so nothing fires twice. The wrapper passes every other attribute through
to the wrapped object, which stays reachable as `.inner`.
A host that scores elsewhere (a worker process) calls `verifier.score()`, which does not fire, and
announces the verdict itself with `announce_verdict` in the process that asked for it.
"""

from __future__ import annotations

from typing import Any

from .plugins import hook
from .types import Completion, GenerationRequest, Problem, Verdict


class _Observed:
    """Passes attribute reads and writes through to `inner`."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        object.__setattr__(self, "inner", inner)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (while unpickling): do not recurse
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.inner, name, value)

    def __repr__(self) -> str:
        return repr(self.inner)

    def __reduce__(self):
        return (type(self), (self.inner,))


class ObservedBackend(_Observed):
    """A backend whose every completion fires `k2_on_completion` once."""

    __slots__ = ()

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        completions = await self.inner.generate(request)
        observers = hook()
        for completion in completions:
            observers.k2_on_completion(request=request, completion=completion)
        return completions

    async def aclose(self) -> None:
        await self.inner.aclose()


class ObservedVerifier(_Observed):
    """A verifier whose every verdict fires `k2_on_verdict` once, and that never raises."""

    __slots__ = ()

    def score(self, response: str, problem: Problem) -> Verdict:
        """The verdict, without firing the hook; a verifier that raises yields an `error` verdict."""
        try:
            return self.inner.verify(response, problem)
        except Exception as exc:  # noqa: BLE001  (a verifier that raises still yields a verdict)
            return Verdict(
                0.0, False, None, "error", {"error": f"{type(exc).__name__}: {exc}"[:500]}
            )

    def verify(self, response: str, problem: Problem) -> Verdict:
        verdict = self.score(response, problem)
        announce_verdict(problem, response, verdict)
        return verdict


def announce_verdict(problem: Problem, response: str, verdict: Verdict) -> None:
    """Fire `k2_on_verdict` for one verdict (for hosts that score through `score()`)."""
    hook().k2_on_verdict(problem=problem, response=response, verdict=verdict)


_WRAPPERS: dict[str, type[_Observed]] = {"backend": ObservedBackend, "verifier": ObservedVerifier}


def observe(kind: str, component: Any) -> Any:
    """`component` wrapped so its observation hooks fire; kinds without hooks come back as they are."""
    wrapper = _WRAPPERS.get(kind)
    if wrapper is None or isinstance(component, _Observed):
        return component
    return wrapper(component)
