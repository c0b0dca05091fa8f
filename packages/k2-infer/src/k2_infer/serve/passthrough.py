"""Pass-through mode: a plain model name goes to the upstream server as it came, bytes and all.

The request body is forwarded unchanged (so `tools`, `tool_choice`, `response_format` and anything
else reach the upstream), with the server's own upstream key in place of the client's. The answer
comes back unchanged too: streamed answers byte by byte as they arrive. Only failures are
rewritten: an unreachable upstream is a 502, a slow one a 504, an upstream 5xx a 502 with the
upstream's one-line message; the upstream's 4xx answers (an unknown model, a bad tool schema) are
its own and pass through.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from k2_core import Completion, Usage

from ..backends.metrics import finish_reason
from ..backends.openai import normalise_base_url
from .errors import ApiError


def _one_line(body: bytes, reason: str | None) -> str:
    try:
        error = json.loads(body).get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    text = str(message or reason or "no message")
    return " ".join(text.split())[:200]


async def sse_lines(response: aiohttp.ClientResponse) -> AsyncIterator[str]:
    """The lines of a server-sent-event stream as they arrive (however long a line is)."""
    pending = b""
    async for piece in response.content.iter_any():
        *lines, pending = (pending + piece).split(b"\n")
        for line in lines:
            yield line.decode().rstrip("\r")
    if pending:
        yield pending.decode()


class Upstream:
    """An aiohttp session for the upstream's `/v1`, shared by every request, with up to
    `connections` (the server's `max_running`) kept open between requests.

    aiohttp rather than httpx here: the server forwards every pass-through request through this
    one pool, and httpx's pool examines each of its connections on every request (a `select` call
    apiece), which cost ~6 ms of CPU a request at 64 in flight; aiohttp's costs the same at any
    load, and parses HTTP in C. Create it inside the server's event loop.

    Only connecting has a timeout of its own: the server's per-request deadline bounds the rest
    (one clock, so a slow upstream always gets the deadline's 504), and `models()` its own 10 s.
    """

    def __init__(self, base_url: str, api_key: str | None, connections: int) -> None:
        self.base_url = normalise_base_url(base_url)
        # identity: the bytes relayed to the client are the bytes the upstream sent, uncompressed
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.session = aiohttp.ClientSession(
            headers=headers,
            timeout=aiohttp.ClientTimeout(sock_connect=10.0),
            connector=aiohttp.TCPConnector(limit=connections),
            auto_decompress=False,
        )

    async def aclose(self) -> None:
        await self.session.close()

    async def open(
        self, method: str, path: str, body: bytes | None = None, timeout: float | None = None
    ) -> aiohttp.ClientResponse:
        """Send a request and return the response with its body unread (`read()` or `content`;
        `release()` it after).

        Raises `ApiError`: 502 when the upstream is unreachable or answers 5xx, 504 on a timeout.
        """
        try:
            limit = {} if timeout is None else {"timeout": aiohttp.ClientTimeout(total=timeout)}
            response = await self.session.request(method, self.base_url + path, data=body, **limit)
        except TimeoutError:
            raise ApiError(504, "the upstream server did not answer in time") from None
        except aiohttp.ClientError as error:
            raise ApiError(
                502, f"cannot reach the upstream server ({type(error).__name__})"
            ) from None
        if response.status >= 500:
            content = await self._drain(response)
            raise ApiError(
                502,
                f"the upstream server answered {response.status}: "
                f"{_one_line(content, response.reason)}",
            )
        return response

    @staticmethod
    async def _drain(response: aiohttp.ClientResponse) -> bytes:
        try:
            return await response.read()
        except (aiohttp.ClientError, TimeoutError):
            return b""
        finally:
            response.release()

    async def stream_completion(
        self, body: dict[str, Any], on_text: Callable[[str], None]
    ) -> Completion:
        """One completion asked for as a stream: each piece of text goes to `on_text` as it
        arrives (reasoning and answer alike), and the whole comes back as a `Completion`."""
        body = {**body, "stream": True, "stream_options": {"include_usage": True}}
        start = time.perf_counter()
        response = await self.open("POST", "/chat/completions", json.dumps(body).encode())
        text, reasoning, finish, usage = [], [], None, {}
        try:
            if response.status != 200:
                content = await response.read()
                raise ApiError(
                    502,
                    f"the upstream answered {response.status}: "
                    f"{_one_line(content, response.reason)}",
                )
            async for line in sse_lines(response):
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[len("data: ") :])
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or []:
                    delta = choice.get("delta") or {}
                    finish = choice.get("finish_reason") or finish
                    for field, parts in (("reasoning_content", reasoning), ("content", text)):
                        if delta.get(field):
                            parts.append(delta[field])
                            on_text(delta[field])
        except aiohttp.ClientError as error:
            raise ApiError(502, f"the upstream stream broke off ({type(error).__name__})") from None
        finally:
            response.release()
        return Completion(
            text="".join(text),
            reasoning="".join(reasoning) or None,
            finish_reason=finish_reason(finish),
            usage=Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            latency=time.perf_counter() - start,
            model=body.get("model"),
            backend="openai",
        )

    async def models(self) -> list[dict[str, Any]]:
        """The upstream's model list (empty when it cannot be read)."""
        try:
            response = await self.open("GET", "/models", timeout=10.0)
            data = json.loads(await self._drain(response))
            return [item for item in data.get("data", []) if isinstance(item, dict)]
        except (ApiError, ValueError, AttributeError):
            return []
