"""What each kind of plugin component looks like.

A plugin registers a *factory* for each component (a class or a function); the registry calls it with
keyword options to build the component. These protocols say what the built object must provide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

from .types import Candidate, Completion, GenerationRequest, Plan, Problem, Selection, Verdict


@runtime_checkable
class Backend(Protocol):
    """A model endpoint. Async; one request yields `request.params.n` completions, batched if possible."""

    name: str

    async def generate(self, request: GenerationRequest) -> list[Completion]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Verifier(Protocol):
    """Scores one response against one problem. Deterministic, bounded in time, never raises.

    `needs_ground_truth` is False for verifiers that can judge without a reference answer (then
    selectors may use them to rank candidates at solve time, and `k2-verify check` needs no `-g`);
    make it a class attribute, since hosts read it from the factory before building. A verifier may
    also offer `extract(response) -> str | None`, the final answer it reads; the solve pipeline then
    shows and votes on that answer.

    Factory options: hosts pass `timeout` (seconds) when the factory has that parameter, nothing
    else beyond what the user asked for (`k2_core.testing.contracts.HOST_VERIFIER_OPTIONS`).
    """

    name: str
    needs_ground_truth: bool

    def verify(self, response: str, problem: Problem) -> Verdict: ...


@runtime_checkable
class Planner(Protocol):
    """Writes a plan for a problem before solving; returns None when it decides no plan is needed."""

    name: str

    async def plan(self, problem: Problem, backend: Backend) -> Plan | None: ...


@runtime_checkable
class Sampler(Protocol):
    """Draws candidates for a problem from the solver backend.

    `verifier` is the problem's verifier, resolved once by the pipeline (None when no plugin serves
    the problem): its `extract(response)`, when it has one, reads each candidate's answer.
    `on_candidate` is called with each candidate as it finishes.
    """

    name: str

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: Callable[[Candidate], None] | None = None,
    ) -> list[Candidate]: ...


@runtime_checkable
class Selector(Protocol):
    """Chooses one candidate. `backend` is the judge model for selectors that need one; `verifier`
    is the problem's verifier, resolved once by the pipeline (None when no plugin serves it)."""

    name: str

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection: ...


@runtime_checkable
class Benchmark(Protocol):
    """An evaluation set. `load(data=None)` reads the hub by default, or a local file/folder path.

    `domain` routes problems without their own domain to a verifier. Optional, read by the eval
    report when present: `description` (one line) and `reported` (K2 Think's published score in
    percent, shown beside yours; it is left out for custom `--data`), and for the run's identity
    `hub` (where it loads from) and `revision` (the data's commit). `BenchmarkContract` checks them.
    """

    name: str
    domain: str

    def load(self, data: str | None = None, limit: int | None = None) -> list[Problem]: ...


@runtime_checkable
class Dataset(Protocol):
    """A training-data format. `load(source)` yields rows normalised for the trainer."""

    name: str

    def load(self, source: str | None = None, **options: Any) -> Iterable[dict[str, Any]]: ...
