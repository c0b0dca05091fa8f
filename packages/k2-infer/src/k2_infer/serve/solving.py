"""Pipeline mode: one request solved by the shared `Pipeline`, its progress told as it happens.

`solve(pipeline, request, tell)` runs the pipeline on the request's last user message with the
request's sampling fields and K2 options. Every line of the pipeline's progress, and the text of each
planner reply (the topics, then the plan), goes to `tell` the moment it exists, which is what the
stream sends as `reasoning_content`. With `upstream` (an OpenAI-compatible server behind the
pipeline's `openai` backend) a single solver candidate is asked for as a stream, and its tokens are
told as they arrive. Cancelling the call cancels the pipeline's upstream calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from k2_core import Completion, GenerationRequest, K2Error, Result
from k2_core.protocols import Backend

from ..api import as_problem
from ..backends.openai import OpenAIBackend
from ..pipeline import Pipeline
from .errors import ApiError
from .passthrough import Upstream
from .validation import ChatRequest

Tell = Callable[[str], None]


class TellingBackend:
    """Forwards to `backend`; the text of each planner reply is told as soon as it arrives, and a
    lone solver candidate streams through `upstream` token by token when there is one."""

    def __init__(self, backend: Backend, tell: Tell, upstream: Upstream | None = None) -> None:
        # the registry's backends come observed; the pipeline observes this wrapper instead, so
        # `k2_on_completion` fires once per completion, the streamed ones included
        backend = getattr(backend, "inner", backend)
        self.backend = backend
        self.name = backend.name
        self.tell = tell
        self.upstream = upstream if isinstance(backend, OpenAIBackend) else None

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        if self.upstream is not None and request.role == "solver" and request.params.n == 1:
            assert isinstance(self.backend, OpenAIBackend)
            # the backend's own request body, so streamed and plain solver calls ask the same
            body = self.backend._body(request, await self.backend._model(request), 1)
            return [await self.upstream.stream_completion(body, self.tell)]
        completions = await self.backend.generate(request)
        if request.role == "planner":
            for completion in completions:
                self.tell(completion.text.strip() + "\n")
        return completions

    async def aclose(self) -> None:
        """The shared backend stays open for the next request."""


async def solve(
    pipeline: Pipeline, request: ChatRequest, tell: Tell, upstream: Upstream | None = None
) -> Result:
    """The pipeline's result for `request`; raises `ApiError` (502) when the upstream failed."""
    options = request.k2
    problem = as_problem(request.prompt())
    if options is not None:
        problem = dataclasses.replace(
            problem,
            domain=options.domain or problem.domain,
            ground_truth=options.ground_truth,
        )
    planner_backend = pipeline.planner_backend or pipeline.backend
    run = dataclasses.replace(
        pipeline,
        backend=TellingBackend(pipeline.backend, tell, upstream),
        planner_backend=TellingBackend(planner_backend, tell),
        progress=lambda line: tell(line + "\n"),
    )
    try:
        return await run.run(problem, params=pipeline.params.replace(**request.sampling))
    except K2Error as error:
        raise ApiError(502, f"the pipeline failed: {error}", code="upstream_error") from None
