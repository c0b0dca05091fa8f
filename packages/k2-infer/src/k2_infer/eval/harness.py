"""The evaluation run: benchmarks → problems → n samples each → verifier → `samples.jsonl` → summary.

    settings = EvalSettings(benchmarks=["aime24"], output=Path("runs/aime"), n=16)
    summary = run_eval(settings)

Samples are the unit of work: (benchmark, problem, run). At most `concurrency` are in flight at once.
Each is generated (plain sampling with the recipe's system prompt, or the whole K2 pipeline), retried
on backend errors with exponential backoff, verified by the verifier the registry routes its problem
to (in a worker thread, or on the event loop once it has proven cheap: see `verifying.py`), and
appended to `samples.jsonl` at once. Samples that still fail, or whose verifier could not grade them,
are recorded with `status: "error"` and tried again by the next run.
A run folder remembers its identity (`run.json`): everything that decides a sample (backend, model,
sampling, the recipe's content, the judge, the verifiers' package versions, each benchmark's source
and the digest of its data file). Resuming under another identity is refused, naming what differs;
`force_new` (`--force-new`) moves the old samples aside and starts afresh. Each sample line also
carries a digest of its problem, so changed data under the same problem ids is refused too. The
folder is locked (`FOLDER/.lock`) while a run writes it. A failure that will not pass by retrying
(a rejected key, an unknown model, a missing library) stops the run at once with that one line.
A run with `shard` set samples only that shard and writes `shard.json` instead of a report
(`shards.py`; `merge.py` combines the shards); a `runner` (`ray_runner.RayRunner`) samples on a
Ray cluster while this process keeps the log.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k2_core import GenerationRequest, InputError, K2Error, Message, Problem, SamplingParams
from k2_core.errors import RetriesExhausted
from k2_core.observed import observe
from k2_core.plugins import plugin_infos
from k2_core.protocols import Backend
from k2_core.recipes import Recipe, load_recipe
from k2_core.registry import get_registry
from k2_core.results_log import FolderLock, write_atomic

from ..pipeline import Pipeline
from .metrics import summarize
from .progress import Progress
from .records import EvalSummary
from .report import write_report
from .samples import SampleLog, read_samples
from .shards import Shard, ShardPlan
from .verifying import InlineWhenCheap

PIPELINES = ("plain", "k2")
LIBRARIES = ("torch", "transformers", "vllm", "httpx", "datasets", "sympy")
# Verdict reasons that mean the verifier could not grade (its judge model was unreachable, it
# crashed): such samples are errored and tried again, not scored 0.
VERIFIER_FAILURES = {"error", "judge_error", "judge_unavailable"}
# What `EvalSettings.from_recipe` takes: the `k2-infer eval` flags, by name.
_PLAIN = (
    "concurrency",
    "limit",
    "data",
    "retries",
    "retry_delay",
    "allow_partial",
    "force_new",
    "shard",
    "benchmark_options",
)
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
    "timeout",
    "backend_options",
    *_PLAIN,
)
log = logging.getLogger("k2.infer.eval.harness")


@dataclass
class EvalSettings:
    """Everything that defines an evaluation run.

    `identity()` is what must stay the same when a run folder is resumed; `n`, `limit`, `benchmarks`
    and `concurrency` may change between runs (more runs or problems are added to the same folder).
    `backend_options` go to the backend factory (`base_url`, `api_key`, `timeout`: the total seconds
    one request may take, ...); the API key is never written anywhere. `verifier_options` maps a verifier name to its factory options (the judge's
    backend and model). `shard` runs only that shard's samples (see `shards.py`).
    `benchmark_options` maps a benchmark name to its factory options (`--benchmark-option`).
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
    force_new: bool = False
    verifier_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    shard: Shard | None = None
    benchmark_options: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        # What `Evaluation` loads again: the name or path given, else a `Recipe`'s own file.
        source = str(recipe) if not isinstance(recipe, Recipe) else recipe.source or recipe.name
        if not isinstance(recipe, Recipe):
            recipe = load_recipe(recipe)
        model, evaluation = recipe.section("model"), recipe.section("eval")
        sampling = SamplingParams(**recipe.section("sampling")).replace(
            max_tokens=given.get("max_tokens"), seed=given.get("seed")
        )
        if "timeout" in model and "timeout" not in given:  # the recipe's request deadline
            given["timeout"] = model["timeout"]
        backend_options = {
            **recipe.section("backend"),  # the recipe's [backend] table, then --backend-option
            **given.get("backend_options", {}),
            **{k: given[k] for k in ("base_url", "api_key", "timeout") if k in given},
        }
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
            recipe=source,
            sampling=sampling,
            system_prompt=recipe.section("pipeline").get("system_prompt", ""),
            verifier_options={"judge": judge, "refusal": judge},  # refusal: undecided replies
            **plain,
        )

    def identity(self) -> dict[str, Any]:
        """The settings that decide a sample (the run folder adds the recipe's content, the data,
        and the verifiers' versions: see `Evaluation.identity`)."""
        return {
            "backend": self.backend,
            "model": self.model,
            "base_url": self.backend_options.get("base_url"),
            "pipeline": self.pipeline,
            "recipe": Path(self.recipe).stem if self.recipe.endswith(".toml") else self.recipe,
            "sampling": self.sampling.to_dict(),
            "system_prompt": self.system_prompt,
            "judge": _judge_identity(self.verifier_options.get("judge") or {}),
        }

    def check(self) -> None:
        """Refuse settings that would sample nothing or loop forever, in one line each."""
        for name in ("n", "concurrency"):
            if not _is_count(getattr(self, name)):
                raise InputError(f"{name} must be a whole number of at least 1", f"fix {name}")
        if self.limit is not None and not _is_count(self.limit):
            raise InputError("limit must be at least 1", "leave it out to evaluate every problem")
        if not _is_count(self.retries + 1):
            raise InputError("retries must be 0 or more", "pass --retries 0 or more")
        if not self.benchmarks:
            raise InputError("no benchmark given", "name one, e.g. `k2-infer eval aime24 ...`")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def digest(value: Any) -> str:
    """A short, stable digest of JSON-able data (anything else by its text)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_digest(path: Path) -> str:
    """The digest of a data file, or of every file in a data folder (by relative path)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    sha = hashlib.sha256()
    for file in files:
        sha.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        with file.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()[:16]


def problem_digest(problem: Problem) -> str:
    """What a sample of `problem` depends on: its prompt, answer and routing."""
    return digest([problem.prompt, problem.ground_truth, problem.domain, problem.data_source])


def versions() -> dict[str, str]:
    """Versions of the k2 plugins loaded, the libraries that shape results, and Python."""
    found = {info.distribution: info.version for info in plugin_infos() if info.version}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {**found, "python": platform.python_version()}


def identity_differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The keys whose values differ; each benchmark both runs have is compared on its own."""
    changed = [key for key in now if key != "benchmarks" and before.get(key) != now[key]]
    old = before.get("benchmarks") or {}
    for name, value in now.get("benchmarks", {}).items():
        if name in old and old[name] != value:
            changed += [f"{name}.{k}" for k in value if old[name].get(k) != value[k]]
    return changed


def _read_identity(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        before = None
    if not isinstance(before, dict):
        raise InputError(
            f"{path} is not a run identity (not a JSON object)",
            "restore it, or pass --force-new to start the run afresh",
        )
    return before


def _set_aside(output: Path) -> None:
    """Move an old run's samples and identity aside (`*.old-STAMP`), for `force_new`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for name in ("samples.jsonl", "run.json"):
        path = output / name
        if path.exists():
            path.rename(output / f"{name}.old-{stamp}")
            log.info("moved the old %s aside to %s.old-%s", name, name, stamp)


def _check_run_folder(output: Path, identity: dict[str, Any], force_new: bool) -> None:
    """Make sure the run in `output` has `identity` (or start afresh), then record it."""
    path = output / "run.json"
    if force_new:
        _set_aside(output)
    before = _read_identity(path)
    if before is not None:
        changed = identity_differences(before, identity)
        if changed:
            raise InputError(
                f"{output} holds a run with different settings ({', '.join(changed)})",
                "re-run with the same settings to resume it, pass --force-new to start afresh, "
                "or pass a new --output folder",
            )
        identity = {
            **identity,
            "benchmarks": {**before.get("benchmarks", {}), **identity["benchmarks"]},
        }
    write_atomic(path, json.dumps(identity, indent=2) + "\n")


class Evaluation:
    """One run of the harness over loaded problems; `await run()` returns the summary (a shard's
    run returns its `ShardPlan`).

    `runner` replaces the in-process sampling loop (`produce`) with another that has the same
    signature, e.g. `RayRunner` (tasks on a Ray cluster); the log, resume and report stay here.
    `problems` and `recipe` are given by such a runner's workers, which sample problems the driver
    loaded: then no benchmark is loaded here and `run()` is not called.
    """

    def __init__(
        self,
        settings: EvalSettings,
        backend: Backend | None = None,
        runner: Any = None,
        *,
        problems: dict[str, list[Problem]] | None = None,
        recipe: Recipe | None = None,
    ) -> None:
        if settings.pipeline not in PIPELINES:
            raise InputError(
                f"unknown pipeline {settings.pipeline!r}", f"choose one of {', '.join(PIPELINES)}"
            )
        settings.check()
        self.settings = settings
        self.backend = backend
        self.runner = runner
        self.recipe = recipe or load_recipe(settings.recipe)
        registry = get_registry()
        self.benchmarks = {}
        options = settings.benchmark_options
        if problems is None:
            for flag, given in (("--data", settings.data), ("--benchmark-option", options)):
                unknown = set(given) - set(settings.benchmarks)
                if unknown:
                    raise InputError(
                        f"{flag} names {', '.join(sorted(unknown))}, which is not being evaluated",
                        f"give {flag} for one of the benchmarks given",
                    )
            self.benchmarks = {
                name: registry.create("benchmark", name, **options.get(name, {}))
                for name in settings.benchmarks
            }
            problems = {
                name: benchmark.load(settings.data.get(name), settings.limit)
                for name, benchmark in self.benchmarks.items()
            }
        self.problems = problems
        self.digests = {  # by (benchmark, problem id)
            (name, str(problem.id)): problem_digest(problem)
            for name, problems in self.problems.items()
            for problem in problems
        }
        self.fatal: BaseException | None = None  # a failure that ends the run (see `sample`)
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

    def identity(self) -> dict[str, Any]:
        """Everything that decides a sample, for `run.json` (see the module docstring)."""
        registry = get_registry()
        verifiers = {registry.verifier_for(*route).plugin for route in self.routes}  # those used
        packages = {info.name: info for info in plugin_infos()}
        benchmarks = {}
        for name, benchmark in self.benchmarks.items():
            source = getattr(benchmark, "hub", None)
            data = self.settings.data.get(name)
            benchmarks[name] = {
                "source": dataclasses.asdict(source)
                if dataclasses.is_dataclass(source)
                else source,
                "revision": getattr(benchmark, "revision", None),
                "data_digest": file_digest(Path(data)) if data and Path(data).exists() else None,
            }
            if self.settings.benchmark_options.get(name):  # absent without: older folders resume
                benchmarks[name]["options"] = self.settings.benchmark_options[name]
        return {
            **self.settings.identity(),
            "recipe_digest": digest(self.recipe.sections),
            "verifiers": {
                packages[plugin].distribution: packages[plugin].version
                for plugin in sorted(verifiers)
                if plugin in packages
            },
            "benchmarks": benchmarks,
        }

    def _check_problems(self, log: SampleLog) -> None:
        """Refuse to reuse samples of a problem whose text or answer changed under the same id."""
        for (name, problem_id, _run), sample in log.samples.items():
            expected = self.digests.get((name, problem_id))
            found = sample.get("problem_digest")
            if expected and found and found != expected:
                raise InputError(
                    f"problem {problem_id!r} of {name} is not the one {self.settings.output} "
                    "sampled (its prompt or answer changed)",
                    "pass --force-new to start afresh, or a new --output folder",
                )

    def _backend(self) -> Backend:
        """The registry's backend, given our concurrency when it has its own cap on requests."""
        settings = self.settings
        options = {"model": settings.model, **settings.backend_options}
        valid = get_registry().entry("backend", settings.backend).options() or []
        for name in ("max_concurrency", "concurrency"):
            if name in valid:
                options.setdefault(name, settings.concurrency)
        return get_registry().create("backend", settings.backend, **options)

    def folder_identity(self) -> dict[str, Any]:
        """`run.json`: the identity and the shard, None for a whole run (so a shard's folder cannot
        be resumed as another shard or as a whole run, nor a whole run's as a shard)."""
        shard = self.settings.shard
        return {**self.identity(), "shard": str(shard) if shard else None}

    async def run(self) -> EvalSummary | ShardPlan:
        with FolderLock(self.settings.output):
            identity = self.folder_identity()
            _check_run_folder(self.settings.output, identity, self.settings.force_new)
            log = SampleLog(self.settings.output / "samples.jsonl")
            try:
                self._check_problems(log)
            except InputError:
                log.close()
                raise
            return await self._run(log)

    def owned(self) -> list[tuple[str, Problem, int]]:
        """Every sample of this run (of its shard, when it is one), in the order they are run."""
        shard = self.settings.shard
        return [
            (name, problem, run)
            for run in range(self.settings.n)
            for name, problems in self.problems.items()
            for position, problem in enumerate(problems)
            if shard is None or shard.owns(position, run)
        ]

    async def _run(self, log: SampleLog) -> EvalSummary | ShardPlan:
        owned = self.owned()
        todo = [(name, p, run) for name, p, run in owned if not log.done((name, p.id, run))]
        progress = Progress(len(todo))
        progress.begin(already=len(owned) - len(todo))

        def emit(sample: dict[str, Any]) -> None:
            log.append(sample)
            progress.update(sample["correct"], errored=sample["status"] != "ok")

        try:
            if self.runner is not None:
                await self.runner.produce(self, todo, emit)
            else:
                await self.produce(todo, emit)
        finally:
            log.close()
            progress.close()
        return self.shard_plan(log) if self.settings.shard else self.summary(log)

    async def produce(
        self, todo: list[tuple[str, Problem, int]], emit: Callable[[dict[str, Any]], None]
    ) -> None:
        """Sample `todo` on one backend, `concurrency` samples in flight, handing each finished
        sample to `emit`; raises the failure that ended the run early (see `sample`)."""
        if self.backend is not None:  # a ready backend: observed like the registry's
            backend = observe("backend", self.backend)
        else:
            try:
                backend = self._backend()
            except ImportError as exc:  # a backend whose library is missing
                raise _cannot_run(exc) from None
        self.pipeline = self._pipeline(backend) if self.settings.pipeline == "k2" else None
        pending = iter(todo)

        async def worker() -> None:
            for name, problem, run in pending:
                if self.fatal is not None:
                    return
                sample = await self.sample(backend, name, problem, run)
                if sample is None:  # a failure that ends the run
                    return
                emit(sample)

        workers = min(self.settings.concurrency, len(todo))
        try:
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            if self.backend is None:
                await backend.aclose()
        if isinstance(self.fatal, K2Error):
            raise self.fatal
        if self.fatal is not None:  # a missing library
            raise _cannot_run(self.fatal)

    async def sample(
        self, backend: Backend, name: str, problem: Problem, run: int
    ) -> dict[str, Any] | None:
        """Generate, verify and describe one sample; backend errors are retried, then recorded.

        A failure that retrying cannot mend (a `K2Error` other than `RetriesExhausted`: a rejected
        key, an unknown model; or a missing library) is kept in `self.fatal` and None returned: the
        run stops and says it once.
        """
        record: dict[str, Any] = {
            "benchmark": name,
            "problem_id": problem.id,
            "problem_digest": self.digests[(name, str(problem.id))],
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
            except Exception as exc:  # a backend failure that may pass is retried, then recorded
                if isinstance(exc, K2Error | ImportError) and not isinstance(exc, RetriesExhausted):
                    self.fatal = self.fatal or exc
                    return None
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
        # A conversation or a system prompt of its own (the safety sets) is sent as it is.
        given = (problem.meta or {}).get("messages") or []
        messages = [Message(m["role"], m["content"]) for m in given]
        messages = messages or [Message("user", problem.prompt)]
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
            "served_model": completion.model,
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
            "served_model": chosen.model if chosen else None,
            "plan": result.plan.text if result.plan else None,
            "usage": {role: usage.to_dict() for role, usage in result.usage.items()},
        }

    def about(self, name: str) -> dict[str, Any]:
        """The report's description and K2 Think figure for one benchmark.

        Both are optional on a benchmark plugin. Over custom `--data` the published figure and
        the hub description do not apply, so the description names the data and there is no figure.
        """
        data = self.settings.data.get(name)
        if data:
            return {"description": f"{name} over local data {data}", "k2_think_reported": None}
        benchmark = self.benchmarks[name]
        return {
            "description": getattr(benchmark, "description", "") or "",
            "k2_think_reported": getattr(benchmark, "reported", None),
        }

    def run_settings(self) -> dict[str, Any]:
        """The summary's `settings`: the identity and how the run was made (the same for every
        shard of a run)."""
        settings = self.settings
        return {
            **settings.identity(),
            "n": settings.n,
            "limit": settings.limit,
            "data": settings.data,
            "concurrency": settings.concurrency,
            "identity_digest": digest(self.identity()),
            "allow_partial": settings.allow_partial,
        }

    def shard_plan(self, log: SampleLog) -> ShardPlan:
        """What this shard's folder holds (`shard.json`), for `eval-merge`."""
        keys = [(name, str(problem.id), run) for name, problem, run in self.owned()]
        missing = [key for key in keys if not log.done(key)]
        return ShardPlan(
            shard=self.settings.shard,
            n=self.settings.n,
            problems={
                name: [str(p.id) for p in problems] for name, problems in self.problems.items()
            },
            missing=len(missing),
            errored=sum(key in log.samples for key in missing),
            about={name: self.about(name) for name in self.problems},
            settings=self.run_settings(),
            versions=versions(),
        )

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
            benchmarks[name] = dataclasses.replace(scores, **self.about(name))
        return EvalSummary(
            benchmarks=benchmarks,
            settings=self.run_settings(),
            versions=versions(),
            written=datetime.now(UTC).isoformat(timespec="seconds"),
        )


def _cannot_run(error: BaseException) -> K2Error:
    return K2Error(
        f"the backend cannot run: {type(error).__name__}: {error}",
        "install what it names, then re-run the same command to resume",
    )


def run_eval(
    settings: EvalSettings, backend: Backend | None = None, runner: Any = None
) -> EvalSummary | ShardPlan:
    """Run (or resume) an evaluation and write `summary.json`, `report.md` and plots in its folder.

    A shard's run (`settings.shard`) writes and returns its `ShardPlan` instead: the report comes
    from `eval-merge` once every shard is done. `runner`: see `Evaluation`.
    """
    summary = asyncio.run(Evaluation(settings, backend, runner).run())
    if isinstance(summary, ShardPlan):
        summary.write(settings.output)
        return summary
    summary.write(settings.output)
    write_report(settings.output, summary, read_samples(settings.output / "samples.jsonl"))
    return summary


def _judge_identity(options: dict[str, Any]) -> dict[str, Any] | None:
    """Which judge decides verdicts: its backend, model and server, never its key or live objects
    (an in-process judge given as a function or backend object is named by its type)."""
    named = {k: options[k] for k in ("backend", "model", "base_url") if k in options}
    return {k: v if isinstance(v, str) else type(v).__name__ for k, v in named.items()} or None
