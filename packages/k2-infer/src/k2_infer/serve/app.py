"""The Starlette application: routes, keys, admission, deadlines, disconnects, metrics.

    app = create_app(ServeSettings(base_url="http://127.0.0.1:8001/v1"))
    uvicorn.run(app, port=8000)

Routes: `POST /v1/chat/completions`, `GET /v1/models`, `GET /health`, `GET /metrics`. Every route
but `/health` needs a key when keys are set, and otherwise serves loopback clients only.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import ipaddress
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiohttp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from k2_core import Result

from ..pipeline import Pipeline
from .admission import Admission
from .errors import ApiError
from .metrics import Metrics
from .passthrough import Upstream
from .pipelines import Pipelines
from .settings import ServeSettings
from .solving import solve
from .streaming import Chunks, completion_body, finish_reason, reply_parts, total_usage
from .validation import (
    ChatRequest,
    K2Options,
    parse_chat,
    reject_k2_options,
    require_pipeline_fields,
)

log = logging.getLogger("k2.infer.serve.app")

T = TypeVar("T")
CLIENT_GONE = 499  # nginx's code for "the client closed the connection"; never sent, only counted


class ClientGone(Exception):
    """The client hung up before the answer was ready."""


def _loopback(request: Request) -> bool:
    """True for a client on this machine (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6)."""
    return _loopback_host(request.client.host if request.client else "")


@functools.lru_cache(maxsize=1024)
def _loopback_host(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


async def _unless_disconnected(request: Request, work: Awaitable[T]) -> T:
    """`work`'s result, or `ClientGone` (and `work` cancelled) if the client hangs up first.

    `work` runs in the calling task; a watcher task cancels that task if the client hangs up
    (one task per request rather than two: this is on every pass-through request's path)."""
    current = asyncio.current_task()
    assert current is not None
    gone = False

    async def watch() -> None:
        nonlocal gone
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone = True
        current.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        return await work
    except asyncio.CancelledError:
        if not gone:
            raise
        current.uncancel()
        raise ClientGone from None
    finally:
        watcher.cancel()


class Server:
    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.pipelines = Pipelines(settings)
        self.metrics = Metrics()
        self.admission = Admission(settings.max_running, settings.max_waiting)
        self.metrics.in_flight.set_function(lambda: self.admission.running)
        self.metrics.queued.set_function(lambda: self.admission.waiting)
        self.upstream: Upstream | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        if self.settings.passthrough:
            self.upstream = Upstream(
                self.settings.base_url, self.settings.upstream_api_key, self.settings.max_running
            )
        try:  # the default pipeline now, so the first request does not wait for it to be built
            self.pipelines.get(self.pipelines.default_model, K2Options())
        except ApiError as error:
            log.error("%s; pipeline requests will fail until this is fixed", error.message)
        try:
            yield
        finally:
            await self.pipelines.aclose()
            if self.upstream is not None:
                await self.upstream.aclose()

    # -- checks --------------------------------------------------------------------------------

    def authorize(self, request: Request) -> None:
        keys = self.settings.api_keys
        if not keys:
            if not _loopback(request):
                raise ApiError(403, "this server has no API keys and serves loopback clients only")
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise ApiError(401, "missing API key: send `Authorization: Bearer KEY`")
        if not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
            raise ApiError(401, "incorrect API key", code="invalid_api_key")

    async def read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        too_large = ApiError(413, f"the request body is larger than {limit} bytes")
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise too_large
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large
        return bytes(body)

    # -- routes --------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "running": self.admission.running})

    async def metrics_route(self, request: Request) -> Response:
        try:
            self.authorize(request)
        except ApiError as error:
            return error.response()
        return Response(self.metrics.render(), media_type=self.metrics.content_type)

    async def models(self, request: Request) -> Response:
        try:
            self.authorize(request)
        except ApiError as error:
            return error.response()
        owned = {"object": "model", "created": 0, "owned_by": "k2"}
        data = [{"id": name, **owned} for name in self.pipelines.names()]
        if self.upstream is not None:
            upstream = await self.upstream.models()
            data += upstream
            data += [{**owned, "id": "k2/" + m["id"]} for m in upstream if "id" in m]
        unique = {item["id"]: item for item in data}
        return JSONResponse({"object": "list", "data": list(unique.values())})

    async def chat(self, request: Request) -> Response:
        started = time.perf_counter()
        # one deadline per request, from its arrival: the wait in the queue counts against it
        expires = asyncio.get_running_loop().time() + self.settings.deadline
        mode = "invalid"
        try:
            self.authorize(request)
            raw = await self.read_body(request)
            chat = parse_chat(raw)
            model = self.pipelines.upstream_model(chat.model)
            if model is not None:
                mode = "pipeline"
                require_pipeline_fields(chat)
                pipeline = self.pipelines.get(model, chat.k2 or K2Options())
            elif self.upstream is not None:
                mode = "passthrough"
                reject_k2_options(chat)
            else:
                raise ApiError(
                    404,
                    f"model {chat.model!r} is not served here; serving: "
                    f"{', '.join(self.pipelines.names())} (start the server with --base-url "
                    "to pass other models through to an upstream server)",
                    param="model",
                    code="model_not_found",
                )
            try:  # a request that waits out its deadline in the queue is answered too
                async with asyncio.timeout_at(expires):
                    await self.admission.acquire()
            except TimeoutError:
                raise self._deadline() from None
        except ApiError as error:
            self.metrics.record(mode, error.status, time.perf_counter() - started)
            return error.response()
        release = self._releaser(mode, started)
        try:
            if mode == "pipeline":
                response = await self._pipeline(request, chat, pipeline, release, expires)
            else:
                response = await self._passthrough(request, chat, raw, release, expires)
        except BaseException:
            release(CLIENT_GONE)
            raise
        if not isinstance(response, StreamingResponse):
            release(response.status_code)
        return response

    def _releaser(self, mode: str, started: float):
        """A function that frees the request's slot and counts it, once, whoever calls it first."""
        released = False

        def release(status: int) -> None:
            nonlocal released
            if not released:
                released = True
                self.admission.release()
                self.metrics.record(mode, status, time.perf_counter() - started)

        return release

    # -- pipeline mode -------------------------------------------------------------------------

    async def _pipeline(
        self, request: Request, chat: ChatRequest, pipeline: Pipeline, release, expires: float
    ):
        if chat.stream:
            return _Stream(self._pipeline_events(chat, pipeline, release, expires), release)
        try:
            async with asyncio.timeout_at(expires):
                result = await _unless_disconnected(request, solve(pipeline, chat, lambda _: None))
        except ClientGone:
            return Response(status_code=CLIENT_GONE)
        except TimeoutError:
            return self._deadline().response()
        except ApiError as error:
            return error.response()
        self.metrics.bill(result.usage)
        return JSONResponse(completion_body(chat.model, result))

    def _deadline(self) -> ApiError:
        return ApiError(
            504, f"the request ran past the server's deadline of {self.settings.deadline:g} s"
        )

    async def _pipeline_events(
        self, chat: ChatRequest, pipeline: Pipeline, release, expires: float
    ) -> AsyncIterator[bytes]:
        """Progress as `reasoning_content` while the pipeline works, then the answer, then usage."""
        chunks = Chunks(chat.model)
        told: asyncio.Queue[str] = asyncio.Queue()
        task: asyncio.Future[Result] | None = None
        status = 200
        try:
            # the headers and this first chunk leave before the pipeline starts any work
            yield chunks.delta(role="assistant", content="")
            task = asyncio.ensure_future(solve(pipeline, chat, told.put_nowait, self.upstream))
            async with asyncio.timeout_at(expires):
                while not (task.done() and told.empty()):
                    getter = asyncio.ensure_future(told.get())
                    await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                    if getter.done():
                        pieces = [getter.result()]
                        while not told.empty():  # whatever else arrived meanwhile, in one delta
                            pieces.append(told.get_nowait())
                        yield chunks.delta(reasoning_content="".join(pieces))
                    else:
                        getter.cancel()
            result = task.result()
            reasoning, content = reply_parts(result.text)
            if reasoning:
                yield chunks.delta(reasoning_content=reasoning)
            yield chunks.delta(content=content)
            yield chunks.delta(finish_reason=finish_reason(result))
            self.metrics.bill(result.usage)
            if chat.include_usage:
                yield chunks.usage(total_usage(result))
        except TimeoutError:
            status = 504
            yield Chunks.error(self._deadline().message, "timeout_error")
        except ApiError as error:
            status = error.status
            yield Chunks.error(error.message, error.body()["error"]["type"])
        except BaseException:
            status = CLIENT_GONE
            raise
        finally:
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            release(status)
        yield Chunks.done

    # -- pass-through mode ---------------------------------------------------------------------

    async def _passthrough(
        self, request: Request, chat: ChatRequest, raw: bytes, release, expires: float
    ) -> Response:
        assert self.upstream is not None

        async def forward() -> tuple[aiohttp.ClientResponse, bytes | None]:
            """The upstream's response, read whole unless it is a stream (then `None`)."""
            upstream = await self.upstream.open("POST", "/chat/completions", raw)
            if chat.stream and upstream.status == 200:
                return upstream, None
            try:
                return upstream, await upstream.read()
            finally:
                upstream.release()

        try:
            async with asyncio.timeout_at(expires):
                upstream, content = await _unless_disconnected(request, forward())
            if content is None:
                return _Stream(self._relay(upstream, release, expires), release)
        except ClientGone:
            return Response(status_code=CLIENT_GONE)
        except TimeoutError:
            return self._deadline().response()
        except ApiError as error:
            return error.response()
        self._count_usage(content)
        return Response(
            content,
            status_code=upstream.status,
            media_type=upstream.headers.get("content-type", "application/json"),
        )

    def _count_usage(self, content: bytes) -> None:
        usage = _usage_of(content)
        prompt, completion = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
        if isinstance(prompt, int) and isinstance(completion, int):
            self.metrics.count_tokens("passthrough", prompt, completion)

    async def _relay(self, upstream, release, expires: float) -> AsyncIterator[bytes]:
        """The upstream's stream, chunk by chunk as it arrives."""
        status = 200
        try:
            async with asyncio.timeout_at(expires):
                async for chunk in upstream.content.iter_any():
                    yield chunk
        except TimeoutError:
            status = 504
            yield Chunks.error(self._deadline().message, "timeout_error")
        except aiohttp.ClientError as error:
            status = 502
            yield Chunks.error(
                f"the upstream stream broke off ({type(error).__name__})", "upstream_error"
            )
        except BaseException:
            status = CLIENT_GONE
            raise
        finally:
            upstream.release()  # a stream cut short closes its connection: the upstream stops
            release(status)


def _usage_of(content: bytes) -> dict[str, Any]:
    """The `usage` object of a completion body, read without decoding the rest of it (a long
    answer's text is most of the body, and the server only counts its tokens). `{}` if none."""
    key = content.rfind(b'"usage"')  # inside a JSON string a quote is escaped: no false match
    if key < 0:
        return {}
    rest = content[key + len(b'"usage"') :].lstrip().removeprefix(b":").lstrip()
    try:
        usage, _ = json.JSONDecoder().raw_decode(rest.decode())
    except (ValueError, UnicodeDecodeError):
        return {}
    return usage if isinstance(usage, dict) else {}


class _Stream(StreamingResponse):
    """A server-sent-event response that stops as soon as the client hangs up (not only at the
    next write, which may be minutes away while candidates are drawn), and that frees its slot
    even if it never starts streaming."""

    def __init__(self, events: AsyncGenerator[bytes], release) -> None:
        keep = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        super().__init__(events, media_type="text/event-stream", headers=keep)
        self._release = release

    async def __call__(self, scope, receive, send) -> None:
        async def hung_up() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        streaming = asyncio.ensure_future(super().__call__(scope, receive, send))
        watcher = asyncio.ensure_future(hung_up())
        try:
            await asyncio.wait({streaming, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            streaming.cancel()
            await asyncio.gather(streaming, watcher, return_exceptions=True)
            await self.body_iterator.aclose()  # runs its cleanup: the pipeline's calls cancelled
            self._release(CLIENT_GONE)
        if not streaming.cancelled() and streaming.exception() is not None:
            raise streaming.exception()


CHAT = "/v1/chat/completions"


class _App(Starlette):
    """Starlette, with chat completion POSTs handed straight to `Server.chat`.

    Every pass-through request takes this path, so it skips what that route does not need:
    Starlette's error and exception middleware (`Server.chat` answers its own errors), route
    matching and the request wrapper: 0.41 -> 0.35 ms of CPU a request at 64 in flight, and 0.94x
    -> 0.97x the direct throughput with the server on a core of its own (bench/serve.py --pin).
    Other methods on the route and every other route go through Starlette as usual."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == CHAT and scope["method"] == "POST":
            response = await self.state.server.chat(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: ServeSettings) -> Starlette:
    """The ASGI application for `settings` (run it with uvicorn)."""
    server = Server(settings)
    app = _App(
        routes=[
            Route(CHAT, server.chat, methods=["POST"]),
            Route("/v1/models", server.models, methods=["GET"]),
            Route("/health", server.health, methods=["GET"]),
            Route("/metrics", server.metrics_route, methods=["GET"]),
        ],
        lifespan=server.lifespan,
    )
    app.state.server = server
    return app
