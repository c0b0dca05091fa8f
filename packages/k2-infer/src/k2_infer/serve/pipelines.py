"""Which model names run the K2 pipeline, and one `Pipeline` per (recipe, model, options).

`k2/<model>` runs the pipeline on `<model>` upstream, and the recipe's own name (`k2-think`) runs
it on the configured model. Backends are opened once per upstream model, on first use, and closed
when the server stops; pipelines are built once per (model, per-request options) and shared by
every request that asks for the same thing.
"""

from __future__ import annotations

import logging

from k2_core import K2Error
from k2_core.protocols import Backend

from ..api import (
    _open_backend,
    choose_backend,
    default_recipe,
    embedded_backend,
    is_embedded,
    resolve_recipe,
)
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
        backend = choose_backend(settings.backend, settings.model, settings.base_url)
        self.recipe = resolve_recipe(
            settings.recipe or default_recipe(backend, settings.model),
            backend=backend,
            model=settings.model,
        )
        chosen = self.recipe.section("model")
        self.default_model = chosen.get("model") or EMBEDDED
        # as `solve` does: the embedded model runs on the fastest local backend installed
        embedded = backend is None and is_embedded(backend, chosen.get("model"))
        self.backend_name = embedded_backend() if embedded else chosen.get("backend") or "openai"
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
            log.info("opening backend %r for model %r", self.backend_name, model)
            self._backends[model] = _open_backend(
                self.backend_name,
                self.recipe.section("backend"),
                model=None if model == EMBEDDED else model,
                base_url=self.settings.base_url,
                api_key=self.settings.upstream_api_key,
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
