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
from collections.abc import Callable
from typing import Any

import httpx

from k2_core import Completion, Usage

from ..backends.metrics import finish_reason
from ..backends.openai import normalise_base_url
from .errors import ApiError


def _one_line(response: httpx.Response) -> str:
    try:
        error = json.loads(response.content).get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    text = str(message or response.reason_phrase or "no message")
    return " ".join(text.split())[:200]


class Upstream:
    """An httpx client for the upstream's `/v1`; one per server, shared by every request, with
    `connections` kept open (the server's `max_running`)."""

    def __init__(
        self, base_url: str, api_key: str | None, timeout: float, connections: int
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        # identity: the bytes relayed to the client are the bytes the upstream sent, uncompressed
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            # one connection per request the server lets run (more only lengthens the pool scans)
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def open(self, method: str, path: str, body: bytes | None = None) -> httpx.Response:
        """Send a request and return the response with its body unread (`aread` or `aiter_raw`).

        Raises `ApiError`: 502 when the upstream is unreachable or answers 5xx, 504 on a timeout.
        """
        request = self.client.build_request(method, path, content=body)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TimeoutException:
            raise ApiError(504, "the upstream server did not answer in time") from None
        except httpx.HTTPError as error:
            raise ApiError(
                502, f"cannot reach the upstream server ({type(error).__name__})"
            ) from None
        if response.status_code >= 500:
            await response.aread()
            await response.aclose()
            raise ApiError(
                502, f"the upstream server answered {response.status_code}: {_one_line(response)}"
            )
        return response

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
            if response.status_code != 200:
                await response.aread()
                raise ApiError(
                    502, f"the upstream answered {response.status_code}: {_one_line(response)}"
                )
            async for line in response.aiter_lines():
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
        finally:
            await response.aclose()
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
            response = await self.open("GET", "/models")
            data = json.loads(await response.aread())
            await response.aclose()
            return [item for item in data.get("data", []) if isinstance(item, dict)]
        except (ApiError, ValueError, AttributeError):
            return []
