"""Which model names run the K2 pipeline, and one `Pipeline` per (recipe, model, options).

`k2/<model>` runs the pipeline on `<model>` upstream, and the recipe's own name (`k2-think`) runs
it on the configured model. Backends are opened once per upstream model, on first use, and closed
when the server stops; pipelines are built once per (model, per-request options) and shared by
every request that asks for the same thing.
"""

from __future__ import annotations

import logging
from typing import Any

from k2_core import K2Error
from k2_core.protocols import Backend
from k2_core.registry import get_registry

from ..api import default_recipe, resolve_recipe
from ..pipeline import Pipeline
from .errors import ApiError, invalid
from .settings import ServeSettings
from .validation import K2Options

log = logging.getLogger("k2.infer.serve.pipelines")

PREFIX = "k2/"
EMBEDDED = "embedded"


class Pipelines:
    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.recipe_name = settings.recipe or default_recipe(settings.backend, settings.model)
        self.recipe = resolve_recipe(
            self.recipe_name, backend=settings.backend_name, model=settings.model
        )
        self.default_model = self.recipe.section("model").get("model") or EMBEDDED
        self._backends: dict[str, Backend] = {}
        self._pipelines: dict[tuple[str, K2Options], Pipeline] = {}

    def names(self) -> list[str]:
        """The pipeline model names to list at `/v1/models`."""
        return [self.recipe.name, PREFIX + self.default_model]

    def upstream_model(self, name: str) -> str | None:
        """The upstream model a pipeline model name runs on; None when `name` is not one."""
        if name in (self.recipe.name, PREFIX.rstrip("/")):
            return self.default_model
        if not name.startswith(PREFIX) or not name[len(PREFIX) :]:
            return None
        model = name[len(PREFIX) :]
        if self.settings.base_url is None and model != self.default_model:
            raise ApiError(
                404,
                f"model {name!r} is not served here; without an upstream server the pipeline "
                f"runs on {PREFIX + self.default_model!r}",
                param="model",
                code="model_not_found",
            )
        return model

    def _backend(self, model: str) -> Backend:
        if model not in self._backends:
            settings = self.settings
            options: dict[str, Any] = {
                "model": None if model == EMBEDDED else model,
                "base_url": settings.base_url,
                "api_key": settings.upstream_api_key,
            }
            log.info("opening backend %r for model %r", settings.backend_name, model)
            self._backends[model] = get_registry().create(
                "backend", settings.backend_name, **{k: v for k, v in options.items() if v}
            )
        return self._backends[model]

    def get(self, model: str, options: K2Options) -> Pipeline:
        """The shared pipeline for `model` with this request's options (built on first use)."""
        key = (model, options.__class__(options.n, options.selector, options.planner))
        if key not in self._pipelines:
            try:
                backend = self._backend(model)
            except K2Error as error:
                raise ApiError(502, f"cannot open the upstream backend: {error}") from None
            recipe = self.recipe.override(
                "pipeline", n=options.n, selector=options.selector, planner=options.planner
            )
            try:
                self._pipelines[key] = Pipeline.from_recipe(recipe, backend)
            except K2Error as error:
                param = _option_named(error, options)
                raise invalid(param, error.message) from None
        return self._pipelines[key]

    async def aclose(self) -> None:
        for backend in self._backends.values():
            await backend.aclose()
        self._backends.clear()
        self._pipelines.clear()


def _option_named(error: K2Error, options: K2Options) -> str:
    """The k2 option a build error is about (the factories name the value they refused)."""
    for name in ("selector", "planner", "n"):
        value = getattr(options, name)
        if value is not None and str(value) in str(error):
            return f"k2.{name}"
    return "k2"
