"""The K2 test-time pipeline: problem → plan → N candidates → selection → `Result`.

    pipeline = Pipeline.from_recipe(load_recipe("k2-think"), backend)
    result = await pipeline.run(Problem(id="q", prompt="What is 2 + 2?"))

One plan per problem, shared by every candidate. The problem's verifier is resolved once, through
the registry, and handed to the sampler (which reads each candidate's answer with it) and to the
selectors (which rank or group with it); a problem no verifier serves gets None. A plan that fails is recorded in `Result.events` and
the problem is solved without it. A selector that fails hands over to the recipe's fallback, and if
that fails too the first usable candidate is taken (also recorded). Sampling errors (every candidate
failed, hard timeout) are raised: there is no answer to give. The result carries the token bill per
role (`Usage`: calls, tokens, early stops, tokens saved), wall seconds per stage, and is announced
through the `k2_on_result` hook.

Only candidates a sampler kept are put to the selectors: one it stopped mid-generation or dropped
from the vote (deepconf's low-confidence traces; `Candidate.stopped` says why) takes no part in
majority, judge or verifier selection, and each such candidate is noted in `Result.events`. Of the
kept ones, only those that gave an answer are put forward. Each rule yields when it would leave
nobody.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k2_core import (
    Candidate,
    GenerationRequest,
    K2Error,
    Message,
    Plan,
    Problem,
    Result,
    SamplingParams,
    Selection,
    Structured,
    UnknownNameError,
)
from k2_core.errors import BackendError, RetriesExhausted
from k2_core.observed import observe
from k2_core.plugins import get_plugin_manager
from k2_core.protocols import Backend, Planner, Sampler, Selector, Verifier
from k2_core.recipes import Recipe
from k2_core.registry import get_registry

from .billing import Bill, MeteredBackend

Progress = Callable[[str], None]

PLAN_INTRO = "Here are some helpful insights or ideas for solving this problem:"


def silent(message: str) -> None:
    """Progress that goes nowhere (the default)."""


def resolve_verifier(problem: Problem) -> Verifier | None:
    """The verifier the registry routes `problem` to (observed, so its verdicts fire
    `k2_on_verdict`); None when no plugin serves the problem."""
    try:
        return get_registry().verifier(problem.domain, problem.data_source)
    except UnknownNameError:
        return None


def _build(kind: str, name: str, options: dict[str, Any] | None = None, **settings: Any) -> Any:
    """Build a component from the registry with the pipeline settings its factory takes.

    The settings are pipeline-wide (token budgets, N, timeouts), each offered to the components
    that use it: the `none` planner takes no token budget, the `first` selector no judge budget.
    `options` are the component's own (a recipe's `sampler_options`): all of them are passed, so
    the registry refuses one the factory does not take.
    """
    registry = get_registry()
    takes = registry.entry(kind, name).options()
    if takes is not None:
        settings = {key: value for key, value in settings.items() if key in takes}
    return registry.create(kind, name, **(settings | (options or {})))


@dataclass
class Pipeline:
    """The parts of one solve. `planner_backend` defaults to the solver's; the judge is the solver's."""

    backend: Backend
    planner: Planner
    sampler: Sampler
    selector: Selector
    fallback: Selector | None = None
    params: SamplingParams = field(default_factory=SamplingParams)
    system_prompt: str = ""
    planner_backend: Backend | None = None
    progress: Progress = silent
    solver_structured: Structured | None = None

    @classmethod
    def from_recipe(
        cls,
        recipe: Recipe,
        backend: Backend,
        *,
        planner_backend: Backend | None = None,
        progress: Progress = silent,
    ) -> Pipeline:
        """Build the parts a recipe names (`[sampling]` and `[pipeline]` sections) from the registry.

        Optional `[pipeline]` keys: `planner_max_tokens` and `judge_max_tokens` (default: the solver's
        `max_tokens`), `split` (draw candidates as separate requests, see `samplers`),
        `solver_structured`, a table with one of `json_schema`, `choice` or `regex` that constrains
        every solver reply (a small model kept to the K2 format; see `k2-think-embedded`), and
        `sampler_options`, a table passed to the sampler's factory as it is (e.g.
        `{ keep = 0.5, warmup = 4, window = 256 }` for `deepconf-online`, `{ wave = 2,
        confidence = 0.9 }` for `adaptive`): an option the sampler does not take is an error
        naming the ones it does.
        """
        sampling, settings = recipe.section("sampling"), recipe.section("pipeline")
        params = SamplingParams().replace(**sampling)
        fallback = settings.get("selector_fallback")
        judge_tokens = settings.get("judge_max_tokens", params.max_tokens)
        structured = settings.get("solver_structured")
        return cls(
            backend=backend,
            planner=_build(
                "planner",
                settings.get("planner", "none"),
                max_tokens=settings.get("planner_max_tokens", params.max_tokens),
            ),
            sampler=_build(
                "sampler",
                settings.get("sampler", "best-of-n"),
                settings.get("sampler_options", {}),
                n=settings.get("n", 1),
                soft_timeout=settings.get("soft_timeout"),
                hard_timeout=settings.get("hard_timeout"),
                split=settings.get("split", False),
            ),
            selector=_build("selector", settings.get("selector", "first"), max_tokens=judge_tokens),
            fallback=_build("selector", fallback, max_tokens=judge_tokens) if fallback else None,
            params=params,
            system_prompt=settings.get("system_prompt", ""),
            planner_backend=planner_backend,
            progress=progress,
            solver_structured=Structured(**structured) if structured else None,
        )

    def messages(self, problem: Problem, plan: Plan | None) -> list[Message]:
        """The solver prompt: the system prompt, then the problem with the plan after it."""
        prompt = (
            problem.prompt if plan is None else f"{problem.prompt}\n\n{PLAN_INTRO}\n{plan.text}"
        )
        system = [Message("system", self.system_prompt)] if self.system_prompt else []
        return [*system, Message("user", prompt)]

    async def run(
        self,
        problem: Problem,
        *,
        verifier: Verifier | None = None,
        params: SamplingParams | None = None,
    ) -> Result:
        """Solve one problem; raises `SamplingError` when no candidate could be drawn.

        `verifier` is the problem's verifier when the caller holds it already (the eval harness);
        without one it is resolved here, once. `params` replace the solver's sampling settings for
        this problem (the harness's per-run seed).
        """
        verifier = resolve_verifier(problem) if verifier is None else observe("verifier", verifier)
        bill, events, timings = Bill(), [], {}

        def note(message: str) -> None:
            events.append(message)
            self.progress(message)

        solver = MeteredBackend(observe("backend", self.backend), bill)
        started = time.perf_counter()

        plan = await self._plan(
            problem,
            MeteredBackend(observe("backend", self.planner_backend or solver.backend), bill),
            note,
        )
        timings["plan"] = time.perf_counter() - started

        stage = time.perf_counter()
        request = GenerationRequest(
            self.messages(problem, plan),
            params or self.params,
            structured=self.solver_structured,
            role="solver",
        )
        candidates = await self.sampler.sample(
            request, solver, verifier=verifier, on_candidate=self._report
        )
        timings["sample"] = time.perf_counter() - stage

        stage = time.perf_counter()
        usable = self._voters(candidates, note)
        selection = await self._select(problem, usable, solver, verifier, note)
        timings["select"] = time.perf_counter() - stage
        timings["total"] = time.perf_counter() - started

        chosen = next(c for c in candidates if c.index == selection.index)
        result = Result(
            problem=problem,
            answer=chosen.answer,
            text=chosen.completion.text,
            plan=plan,
            candidates=candidates,
            selection=selection,
            usage=bill.usage,
            timings=timings,
            events=events,
        )
        get_plugin_manager().hook.k2_on_result(result=result)
        return result

    async def _plan(self, problem: Problem, backend: Backend, note: Progress) -> Plan | None:
        if self.planner.name == "none":
            return None
        self.progress(f"planning with {self.planner.name!r}...")
        try:
            plan = await self.planner.plan(problem, backend)
        except K2Error as exc:
            if isinstance(exc, BackendError) and not isinstance(exc, RetriesExhausted):
                raise  # a rejected key, an unknown model: the candidates would fail the same way
            note(f"no plan: planner {self.planner.name!r} failed ({exc})")
            return None
        if plan is None:
            note(f"no plan: planner {self.planner.name!r} judged the problem easy")
        else:
            self.progress(f"plan ready; topics: {'; '.join(plan.topics) or '-'}")
        return plan

    @staticmethod
    def _voters(candidates: list[Candidate], note: Progress) -> list[Candidate]:
        """The candidates put to the selectors (see the module docstring)."""
        usable = [c for c in candidates if c.error is None]
        for candidate in usable:
            if candidate.stopped is not None:
                note(f"candidate {candidate.index + 1} left out of selection: {candidate.stopped}")
        kept = [c for c in usable if c.stopped is None]
        if not kept and usable:
            note("the sampler stopped or dropped every candidate; selecting among all of them")
        kept = kept or usable
        return [c for c in kept if c.answer] or kept  # a reply with no answer cannot win

    def _report(self, candidate: Candidate) -> None:
        if candidate.error:
            self.progress(f"candidate {candidate.index + 1} failed: {candidate.error}")
            return
        completion = candidate.completion
        if candidate.stopped is not None:
            self.progress(
                f"candidate {candidate.index + 1} {candidate.stopped} "
                f"({completion.usage.completion_tokens} tokens)"
            )
            return
        self.progress(
            f"candidate {candidate.index + 1} finished: answer {candidate.answer!r}, "
            f"{completion.usage.completion_tokens} tokens in {completion.latency:.1f} s"
        )

    async def _select(
        self,
        problem: Problem,
        usable: list[Candidate],
        judge: Backend,
        verifier: Verifier | None,
        note: Progress,
    ) -> Selection:
        if len(usable) == 1:
            selection = Selection(usable[0].index, "first", "the only usable candidate")
        else:
            selection = None
            for selector in (self.selector, self.fallback):
                if selector is None:
                    continue
                try:
                    selection = await selector.select(problem, usable, judge, verifier)
                    break
                except K2Error as exc:
                    note(f"selector {selector.name!r} failed ({exc})")
            if selection is None:
                note("every selector failed; taking the first usable candidate")
                selection = Selection(usable[0].index, "first", "every selector failed")
        self.progress(
            f"selected candidate {selection.index + 1} by {selection.selector}: {selection.reason}"
        )
        return selection
