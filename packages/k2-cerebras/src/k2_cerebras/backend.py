"""The `cerebras` backend: chat completions on Cerebras Inference through the official async SDK.

    backend = get_registry().create("backend", "cerebras", model="gpt-oss-120b")
    completions = await backend.generate(request)      # request.params.n completions
    await backend.aclose()

One SDK client per backend, built without touching the network. Each of the `n` completions is its
own streamed request (their seeds offset by the index, so they differ), run concurrently and capped
by `concurrency`. Before each request the rate limiter reserves quota learned from `x-ratelimit-*`
headers; the SDK retries 429/5xx with backoff, honouring `retry-after` / `retry-after-ms`.
`max_completion_tokens` is always sent (Cerebras reserves it up front). `timeout` bounds each whole
request; a reply that is not a whole completion (no finish reason: a cut stream, a JSON or garbage
200 to a stream request, no choices) is asked again, never read as an empty answer.

The SDK is imported where it is used, so building the plugin registry (`k2 plugins`) stays fast.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from k2_core.errors import BackendError, RetriesExhausted
from k2_core.types import Completion, GenerationRequest

from .client import make_client, resolve_settings, translate_error
from .ratelimit import RateLimiter
from .reading import Reading

log = logging.getLogger("k2.cerebras.backend")


def as_bool(value: Any) -> bool:
    """Options may arrive as strings from the command line (`stream=false`)."""
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


async def gather_or_cancel(coros) -> list:
    """Run `coros` concurrently; results in order. The first error cancels the rest and is raised
    as it is (not wrapped in an ExceptionGroup), so callers see the one-line `K2Error`."""
    tasks = [asyncio.ensure_future(coro) for coro in coros]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()


def estimate_prompt_tokens(request: GenerationRequest) -> int:
    """A rough prompt size for quota reservations: about four characters a token."""
    return sum(len(m.content) for m in request.messages) // 4 + 4 * len(request.messages)


class Unfinished(Exception):
    """A reply that is not a whole chat completion; asked again, then `RetriesExhausted`."""


class CerebrasBackend:
    """Cerebras Inference. Options: `model`, `api_key`, `base_url`, `timeout` (a deadline in seconds
    for each whole request, streamed or not),
    `max_retries`, `stream` (default on), `concurrency` (requests in flight, default 16),
    `max_wait` (longest rate-limit wait, seconds), `reasoning_format` and `reasoning_effort`
    (sent only when given), `warm_tcp_connection` (ping the server at construction; off)."""

    name = "cerebras"

    def __init__(
        self,
        model: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        stream: bool | str = True,
        concurrency: int = 16,
        max_wait: float = 60.0,
        reasoning_format: str | None = None,
        reasoning_effort: str | None = None,
        warm_tcp_connection: bool | str = False,
    ) -> None:
        self.model = model or None
        self.settings = resolve_settings(api_key, base_url, timeout, max_retries)
        self.stream = as_bool(stream)
        self.reasoning_options = {
            key: value
            for key, value in {
                "reasoning_format": reasoning_format,
                "reasoning_effort": reasoning_effort,
            }.items()
            if value
        }
        self.limiter = RateLimiter(max_wait=float(max_wait))
        self._slots = asyncio.Semaphore(int(concurrency))
        self.client = make_client(self.settings, warm_tcp_connection=as_bool(warm_tcp_connection))

    def __repr__(self) -> str:
        return f"CerebrasBackend(model={self.model!r}, base_url={self.settings.base_url!r})"

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        model = request.model or self.model
        if not model:
            raise BackendError(
                "no Cerebras model given",
                "pass --model (see `k2-cerebras models` for the names)",
            )
        return await gather_or_cancel(
            self._one(request, model, index) for index in range(request.params.n)
        )

    def body(self, request: GenerationRequest, model: str, index: int = 0) -> dict[str, Any]:
        """The chat-completions arguments for sample `index` of `request`."""
        params = request.params
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_completion_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            **self.reasoning_options,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        if params.seed is not None:
            body["seed"] = params.seed + index
        if request.response_format:
            body["response_format"] = request.response_format
        elif request.structured is not None:
            body["response_format"] = request.structured.response_format()
        return body

    async def _one(self, request: GenerationRequest, model: str, index: int) -> Completion:
        from cerebras.cloud.sdk import APIError, APIStatusError

        body = self.body(request, model, index)
        async with self._slots:
            waited = await self.limiter.acquire(
                estimate_prompt_tokens(request) + request.params.max_tokens
            )
            start = time.perf_counter()
            for attempt in range(self.settings.max_retries + 1):
                try:
                    reading = await self._read(body, start)
                    break
                except APIStatusError as exc:
                    self.limiter.update(exc.response.headers)
                    raise await self._explain(exc, model, body) from None
                except APIError as exc:
                    raise await self._explain(exc, model, body) from None
                except Unfinished as exc:  # a broken reply: ask again, then give up
                    log.warning("%s; asking again", exc)
                    if attempt == self.settings.max_retries:
                        raise RetriesExhausted(
                            f"{exc} (gave up after {attempt + 1} tries)",
                            "try again later; if it keeps happening, pass the option stream=false",
                        ) from None
        completion = reading.completion(
            latency=time.perf_counter() - start, model=model, backend=self.name
        )
        if request.structured is not None:  # a choice arrives wrapped in a JSON object
            completion.text = request.structured.read_choice(completion.text)
        if waited:
            completion.metrics["rate_limit_wait"] = waited
        return completion

    async def _read(self, body: dict[str, Any], start: float) -> Reading:
        """One reply, read within the deadline (else `RetriesExhausted`: worth another try later);
        `Unfinished` when it is not a whole reply (no finish reason: a stream cut short, a
        non-stream reply to a stream request, no choices, a chunk that is not JSON)."""
        where = f"Cerebras at {self.settings.base_url}"
        read = self._streamed(body, start) if self.stream else self._plain(body)
        try:
            reading = await asyncio.wait_for(read, self.settings.timeout)
        except TimeoutError:
            raise RetriesExhausted(
                f"{where} did not answer within {self.settings.timeout:g} s",
                "raise the `timeout` option, or lower max_tokens",
            ) from None
        except json.JSONDecodeError:
            raise Unfinished(f"{where} sent a stream chunk that is not JSON") from None
        if reading.finish_reason is None:
            raise Unfinished(f"{where} sent a reply without a finish reason (cut short?)")
        return reading

    async def _plain(self, body: dict[str, Any]) -> Reading:
        raw = await self.client.chat.completions.with_raw_response.create(**body)
        self.limiter.update(raw.headers)
        return Reading.from_reply(await raw.parse())

    async def _streamed(self, body: dict[str, Any], start: float) -> Reading:
        raw = await self.client.chat.completions.with_raw_response.create(**body, stream=True)
        self.limiter.update(raw.headers)
        reading = Reading()
        async for chunk in await raw.parse():
            reading.add_chunk(chunk, time.perf_counter() - start)
        return reading

    async def _explain(self, exc: Exception, model: str, body: dict[str, Any]) -> BackendError:
        """The K2Error for an SDK error; for an unknown model, with the models the server has."""
        from cerebras.cloud.sdk import NotFoundError

        models = await self.list_models_or_none() if isinstance(exc, NotFoundError) else None
        return translate_error(exc, self.settings, model, models=models, params=list(body))

    async def list_models(self) -> list[str]:
        """The model names the server offers (`GET /v1/models`)."""
        from cerebras.cloud.sdk import APIError

        try:
            page = await self.client.models.list()
        except APIError as exc:
            raise translate_error(exc, self.settings, model="") from None
        return sorted(model.id for model in page.data)

    async def list_models_or_none(self) -> list[str] | None:
        """`list_models()`, or None when the server cannot say (for hints in other errors)."""
        try:
            return await self.list_models()
        except BackendError:
            return None

    async def aclose(self) -> None:
        await self.client.close()
