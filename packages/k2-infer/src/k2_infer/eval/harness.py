"""The evaluation run: benchmarks → problems → n samples each → verifier → `samples.jsonl` → summary.

    settings = EvalSettings(benchmarks=["aime24"], output=Path("runs/aime"), n=16)
    summary = run_eval(settings)

Samples are the unit of work: (benchmark, problem, run). At most `concurrency` are in flight at once.
Each is generated (plain sampling with the recipe's system prompt, or the whole K2 pipeline), retried
on backend errors with exponential backoff, verified by the verifier the registry routes its problem
to (in a worker thread, or on the event loop once it has proven cheap: see `verifying.py`), and
appended to `samples.jsonl` at once. Samples that still fail, or whose verifier could not grade them,
are recorded with `status: "error"` and tried again by the next run.
A run folder remembers its settings (`run.json`): resuming it with other model or sampling settings
is refused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.metadata
import json
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k2_core import GenerationRequest, InputError, Message, Problem, SamplingParams
from k2_core.observed import observe
from k2_core.plugins import plugin_infos
from k2_core.protocols import Backend
from k2_core.recipes import Recipe, load_recipe
from k2_core.registry import get_registry

from ..pipeline import Pipeline
from .metrics import summarize
from .progress import Progress
from .records import EvalSummary
from .report import write_report
from .samples import SampleLog, read_samples
from .verifying import InlineWhenCheap

PIPELINES = ("plain", "k2")
LIBRARIES = ("torch", "transformers", "vllm", "httpx", "datasets", "sympy")
# Verdict reasons that mean the verifier could not grade (its judge model was unreachable, it
# crashed): such samples are errored and tried again, not scored 0.
VERIFIER_FAILURES = {"error", "judge_error", "judge_unavailable"}
# What `EvalSettings.from_recipe` takes: the `k2-infer eval` flags, by name.
_PLAIN = ("concurrency", "limit", "data", "retries", "retry_delay", "allow_partial")
SETTINGS = (
    "benchmarks",
    "output",
    "n",
    "backend",
    "model",
    "base_url",
    "api_key",
    "pipeline",
    "max_tokens",
    "seed",
    "judge_backend",
    "judge_model",
    *_PLAIN,
)


@dataclass
class EvalSettings:
    """Everything that defines an evaluation run.

    `identity()` is what must stay the same when a run folder is resumed; `n`, `limit`, `benchmarks`
    and `concurrency` may change between runs (more runs or problems are added to the same folder).
    `backend_options` go to the backend factory (`base_url`, `api_key`, ...); the API key is never
    written anywhere. `verifier_options` maps a verifier name to its factory options (the judge's
    backend and model).
    """

    benchmarks: list[str]
    output: Path
    n: int = 16
    backend: str = "transformers"
    model: str | None = None
    backend_options: dict[str, Any] = field(default_factory=dict)
    pipeline: str = "plain"
    recipe: str = "k2-think"
    sampling: SamplingParams = field(default_factory=SamplingParams)
    system_prompt: str = ""
    concurrency: int = 8
    limit: int | None = None
    data: dict[str, str] = field(default_factory=dict)
    retries: int = 3
    retry_delay: float = 1.0
    allow_partial: bool = False
    verifier_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_recipe(cls, recipe: str | Recipe, **overrides: Any) -> EvalSettings:
        """Settings from a recipe (name, path or `Recipe`) with `overrides` on top.

        The recipe gives the backend and model (`[model]`), sampling (`[sampling]`), the system
        prompt (`[pipeline]`), `n` and `pipeline` (`[eval]`). Overrides are the `k2-infer eval`
        flags by name (`SETTINGS`); `benchmarks` (a list) and `output` are required, and an
        override of None keeps the recipe's value or the default. An unknown key is refused.
        """
        unknown = sorted(set(overrides) - set(SETTINGS))
        if unknown:
            raise InputError(
                f"unknown eval setting {', '.join(map(repr, unknown))}",
                f"valid settings: {', '.join(SETTINGS)}",
            )
        given = {key: value for key, value in overrides.items() if value is not None}
        if "benchmarks" not in given or "output" not in given:
            raise InputError(
                "an evaluation needs benchmarks and an output folder",
                "pass benchmarks=[NAME, ...] and output=FOLDER",
            )
        if not isinstance(recipe, Recipe):
            recipe = load_recipe(recipe)
        model, evaluation = recipe.section("model"), recipe.section("eval")
        sampling = SamplingParams(**recipe.section("sampling")).replace(
            max_tokens=given.get("max_tokens"), seed=given.get("seed")
        )
        backend_options = {k: given[k] for k in ("base_url", "api_key") if k in given}
        judge = {k: given[f"judge_{k}"] for k in ("backend", "model") if f"judge_{k}" in given}
        plain = {k: given[k] for k in _PLAIN if k in given}
        return cls(
            benchmarks=list(given["benchmarks"]),
            output=Path(given["output"]),
            n=given.get("n", evaluation.get("n", 16)),
            backend=given.get("backend", model.get("backend", "transformers")),
            model=given.get("model", model.get("model") or None),
            backend_options=backend_options,
            pipeline=given.get("pipeline", evaluation.get("pipeline", "plain")),
            recipe=recipe.name,
            sampling=sampling,
            system_prompt=recipe.section("pipeline").get("system_prompt", ""),
            verifier_options={"judge": judge},
            **plain,
        )

    def identity(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "model": self.model,
            "base_url": self.backend_options.get("base_url"),
            "pipeline": self.pipeline,
            "recipe": self.recipe,
            "sampling": self.sampling.to_dict(),
            "system_prompt": self.system_prompt,
        }


def versions() -> dict[str, str]:
    """Versions of the k2 plugins loaded, the libraries that shape results, and Python."""
    found = {info.distribution: info.version for info in plugin_infos() if info.version}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {**found, "python": platform.python_version()}


def _check_run_folder(settings: EvalSettings) -> None:
    """Create the output folder, or make sure the run in it was made with the same settings."""
    settings.output.mkdir(parents=True, exist_ok=True)
    path = settings.output / "run.json"
    identity = settings.identity()
    if path.exists():
        before = json.loads(path.read_text(encoding="utf-8"))
        changed = [key for key in identity if before.get(key) != identity[key]]
        if changed:
            raise InputError(
                f"{settings.output} holds a run with different settings ({', '.join(changed)})",
                "re-run with the same settings to resume it, or pass a new --output folder",
            )
    else:
        path.write_text(json.dumps(identity, indent=2) + "\n", encoding="utf-8")


class Evaluation:
    """One run of the harness over loaded problems; `await run()` returns the summary."""

    def __init__(self, settings: EvalSettings, backend: Backend | None = None) -> None:
        if settings.pipeline not in PIPELINES:
            raise InputError(
                f"unknown pipeline {settings.pipeline!r}", f"choose one of {', '.join(PIPELINES)}"
            )
        if settings.n < 1 or settings.concurrency < 1:
            raise InputError("--n and --concurrency must be at least 1", "pass positive numbers")
        self.settings = settings
        self.backend = backend
        self.recipe = load_recipe(settings.recipe)
        registry = get_registry()
        self.benchmarks = {name: registry.create("benchmark", name) for name in settings.benchmarks}
        unknown = set(settings.data) - set(self.benchmarks)
        if unknown:
            raise InputError(
                f"--data names {', '.join(sorted(unknown))}, which is not being evaluated",
                "use --data BENCH=PATH with one of the benchmarks given",
            )
        self.problems = {
            name: benchmark.load(settings.data.get(name), settings.limit)
            for name, benchmark in self.benchmarks.items()
        }
        for name, problems in self.problems.items():
            ids = [p.id for p in problems]
            if len(set(ids)) != len(ids):
                duplicate = next(i for i in ids if ids.count(i) > 1)
                raise InputError(
                    f"benchmark {name!r} has problem id {duplicate!r} more than once",
                    "problem ids key the samples file: make them unique in the data",
                )
        self.pipeline: Pipeline | None = None  # the K2 pipeline, built once the backend is open
        self.verifiers: dict[str, InlineWhenCheap] = {}  # by verifier name
        self.routes: dict[tuple[str, str | None], InlineWhenCheap] = {}  # by (domain, data_source)
        for problems in self.problems.values():
            for problem in problems:
                self._verifier(problem)  # fail now, not after an hour of sampling

    def _verifier(self, problem: Problem) -> InlineWhenCheap:
        route = (problem.domain, problem.data_source)
        if route not in self.routes:
            registry = get_registry()
            entry = registry.verifier_for(*route)
            if entry.name not in self.verifiers:
                options = self.settings.verifier_options.get(entry.name, {})
                verifier = registry.create("verifier", entry.name, **options)
                self.verifiers[entry.name] = InlineWhenCheap(verifier)
            self.routes[route] = self.verifiers[entry.name]
        return self.routes[route]

    async def run(self) -> EvalSummary:
        settings = self.settings
        _check_run_folder(settings)
        log = SampleLog(settings.output / "samples.jsonl")
        todo = [
            (name, problem, run)
            for run in range(settings.n)
            for name, problems in self.problems.items()
            for problem in problems
            if not log.done((name, problem.id, run))
        ]
        if self.backend is not None:  # a ready backend: observed like the registry's
            backend = observe("backend", self.backend)
        else:
            backend = get_registry().create(
                "backend", settings.backend, model=settings.model, **settings.backend_options
            )
        self.pipeline = self._pipeline(backend) if settings.pipeline == "k2" else None
        progress = Progress(len(todo))
        pending = iter(todo)

        async def worker() -> None:
            for name, problem, run in pending:
                sample = await self.sample(backend, name, problem, run)
                log.append(sample)
                progress.update(sample["correct"], errored=sample["status"] != "ok")

        try:
            await asyncio.gather(*(worker() for _ in range(min(settings.concurrency, len(todo)))))
        finally:
            log.close()
            progress.close()
            if self.backend is None:
                await backend.aclose()
        return self.summary(log)

    async def sample(
        self, backend: Backend, name: str, problem: Problem, run: int
    ) -> dict[str, Any]:
        """Generate, verify and describe one sample; backend errors are retried, then recorded."""
        record: dict[str, Any] = {
            "benchmark": name,
            "problem_id": problem.id,
            "run": run,
            "prompt": problem.prompt,
            "ground_truth": problem.ground_truth if isinstance(problem.ground_truth, str) else None,
            "meta": problem.meta,
        }
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                generated = await self.generate(backend, problem, run)
                break
            except Exception as exc:  # any backend failure is retried, then recorded
                error = f"{type(exc).__name__}: {exc}"
                if attempt < attempts:
                    await asyncio.sleep(self.settings.retry_delay * 2 ** (attempt - 1))
        else:
            return {
                **record,
                "status": "error",
                "error": error,
                "attempts": attempts,
                "correct": False,
            }
        record.update(generated, attempts=attempt)
        try:
            verdict = await self._verifier(problem).verify(generated["response"], problem)
        except Exception as exc:  # verifiers should never raise; if one does, say so
            return {**record, "status": "error", "error": f"verifier: {exc}", "correct": False}
        if verdict.reason in VERIFIER_FAILURES:  # the grader failed, not the model
            error = f"verifier {verdict.reason}: {verdict.details}"[:500]
            return {**record, "status": "error", "error": error, "correct": False}
        return {
            **record,
            "status": "ok",
            "extracted": verdict.extracted,
            "correct": bool(verdict.correct),
            "score": verdict.score,
            # A shallow copy of the fields: `to_dict()`'s deep copy cost as much as the rest of a
            # sample's bookkeeping, and the line is written as JSON right away.
            "verdict": dict(vars(verdict)),
        }

    async def generate(self, backend: Backend, problem: Problem, run: int) -> dict[str, Any]:
        """One response to `problem` for run number `run` (its sampling seed), as record fields."""
        settings = self.settings
        seed = run if settings.sampling.seed is None else settings.sampling.seed + run
        params = dataclasses.replace(settings.sampling, n=1, seed=seed)
        if self.pipeline is not None:
            return await self._solve_k2(problem, params)
        messages = [Message("user", problem.prompt)]
        if settings.system_prompt:
            messages.insert(0, Message("system", settings.system_prompt))
        request = GenerationRequest(messages, params, model=settings.model, role="solver")
        start = time.perf_counter()
        completions = await backend.generate(request)
        completion = completions[0]
        return {
            "response": completion.text,
            "reasoning": completion.reasoning,
            "finish_reason": completion.finish_reason,
            "prompt_tokens": completion.usage.prompt_tokens,
            "completion_tokens": completion.usage.completion_tokens,
            "latency": round(time.perf_counter() - start, 4),
        }

    def _pipeline(self, backend: Backend) -> Pipeline:
        """The run's one K2 pipeline: the recipe's parts, our sampling (each sample sets its seed)."""
        sampling = {k: v for k, v in self.settings.sampling.to_dict().items() if k != "n"}
        recipe = dataclasses.replace(
            self.recipe, sections={**self.recipe.sections, "sampling": sampling}
        )
        return Pipeline.from_recipe(recipe, backend)

    async def _solve_k2(self, problem: Problem, params: SamplingParams) -> dict[str, Any]:
        """The whole K2 pipeline (plan, best-of-N, selection) as one sample, with our verifier."""
        start = time.perf_counter()
        verifier = self._verifier(problem).verifier
        result = await self.pipeline.run(problem, verifier=verifier, params=params)
        chosen = result.candidates[result.selection.index].completion if result.selection else None
        return {
            "response": result.text,
            "reasoning": chosen.reasoning if chosen else None,
            "finish_reason": chosen.finish_reason if chosen else "stop",
            "prompt_tokens": chosen.usage.prompt_tokens if chosen else 0,
            "completion_tokens": chosen.usage.completion_tokens if chosen else 0,
            "latency": round(time.perf_counter() - start, 4),
            "plan": result.plan.text if result.plan else None,
            "usage": {role: usage.to_dict() for role, usage in result.usage.items()},
        }

    def summary(self, log: SampleLog) -> EvalSummary:
        settings = self.settings
        benchmarks = {}
        for name, problems in self.problems.items():
            scores = summarize(
                name,
                [p.id for p in problems],
                log.for_benchmark(name),
                settings.n,
                settings.allow_partial,
            )
            benchmark = self.benchmarks[name]
            benchmarks[name] = dataclasses.replace(
                scores, description=benchmark.description, k2_think_reported=benchmark.reported
            )
        return EvalSummary(
            benchmarks=benchmarks,
            settings={
                **settings.identity(),
                "n": settings.n,
                "limit": settings.limit,
                "data": settings.data,
                "concurrency": settings.concurrency,
                "allow_partial": settings.allow_partial,
            },
            versions=versions(),
            written=datetime.now(UTC).isoformat(timespec="seconds"),
        )


def run_eval(settings: EvalSettings, backend: Backend | None = None) -> EvalSummary:
    """Run (or resume) an evaluation and write `summary.json`, `report.md` and plots in its folder."""
    summary = asyncio.run(Evaluation(settings, backend).run())
    summary.write(settings.output)
    write_report(settings.output, summary, read_samples(settings.output / "samples.jsonl"))
    return summary
