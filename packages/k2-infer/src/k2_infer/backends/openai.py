"""The `openai` backend: any OpenAI-compatible chat completions server, over httpx.

    backend = OpenAIBackend(base_url="http://127.0.0.1:8000/v1", model="my-model")
    [completion] = await backend.generate(GenerationRequest([Message("user", "2 + 2?")]))

The key comes from `api_key` or `OPENAI_API_KEY` and is only ever sent in the Authorization header.
Without `model`, the first model the server lists is used (a vLLM server serves one). 429, 5xx and
dropped connections are retried with backoff, honouring `Retry-After`; at most `max_concurrency`
requests are in flight at once. `timeout` is a deadline for each whole exchange, not per read: a
server that drips a byte every few seconds still hits it, and it is retried like a drop. A reply's
`usage` counts given as strings are read as numbers, and `content` given as a list of parts (the
OpenAI multi-part form) is joined into one text. Structured output is sent as `response_format` (a JSON schema; a
choice list as an enum, unwrapped from the reply; a regex cannot be asked for).

`params.logprobs` asks for `logprobs` (with that many `top_logprobs`); they come back per token in
`Completion.logprobs` (None when the server sends none). A request with a `watch` is streamed, one
request per completion: each token is handed to `watch` as it arrives (each text piece, with
log-probability 0, when none were asked for), and when `watch` returns False
the connection is closed, so the server stops generating (finish reason `cancelled`; the tokens
received are what is billed, since the server's usage never arrives). A watched stream is not
retried: the tokens already handed to `watch` cannot be taken back.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from k2_core.errors import BackendError, InputError, RetriesExhausted
from k2_core.types import Completion, GenerationRequest, TokenLogprob, Usage

from .metrics import finish_reason
from .retry import RetryableError, RetryPolicy, parse_retry_after, with_retries

DEFAULT_BASE_URL = "https://api.openai.com/v1"
START_HINT = (
    "start one (e.g. `python -m vllm.entrypoints.openai.api_server --model MODEL --port 8000`) "
    "or pass --base-url"
)


class Unreachable(RetryableError):
    """The server could not be reached at all (nothing listening, DNS, TLS handshake): retried
    quietly, and once retries run out it is a plain `BackendError` (start the server), not worth
    retrying again."""

    quiet = True


def normalise_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; a bare `http://host:port` gets `/v1` appended."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise InputError(
            f"base URL {base_url!r} is not an http(s) URL", "use e.g. http://127.0.0.1:8000/v1"
        )
    url = base_url.rstrip("/")
    return url + "/v1" if parts.path in {"", "/"} else url


def _split_tokens(total: int, texts: list[str]) -> list[int]:
    """Share a total token count among choices in proportion to their length (servers give one sum)."""
    if len(texts) == 1:
        return [total]
    weights = [len(text) or 1 for text in texts]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


class OpenAIBackend:
    """A client for one OpenAI-compatible server, used from one event loop (its connections belong
    to the loop that opened them)."""

    name = "openai"

    def __init__(
        self,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        max_concurrency: int = 16,
        timeout: float = 600.0,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.model = model
        self.base_url = normalise_base_url(
            base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        )
        key = api_key or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.timeout = timeout
        self._limit = asyncio.Semaphore(max_concurrency)
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            limits=httpx.Limits(max_connections=max_concurrency),
        )

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- requests ------------------------------------------------------------------------------

    async def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One HTTP exchange; raises `RetryableError` for what may pass, `BackendError` otherwise."""
        url = f"{self.base_url}{path}"
        try:
            response = await asyncio.wait_for(
                self._client.request(method, path, json=body), self.timeout
            )
        except TimeoutError:
            raise RetryableError(
                f"{url} sent no whole reply within the {self.timeout:g} s deadline"
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise Unreachable(f"cannot connect to {url} ({type(error).__name__})") from error
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout) as error:
            raise RetryableError(f"connection to {url} failed ({type(error).__name__})") from error
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise RetryableError(f"{url} answered {status}: {_message(response)}", retry_after)
        if status == 401:
            raise BackendError(
                f"{url} rejected the API key (401: {_message(response)})",
                "set OPENAI_API_KEY or pass --api-key",
            )
        if status == 404 and path != "/models":
            await self._raise_not_found(url, response)
        if status >= 400:
            raise BackendError(f"{url} answered {status}: {_message(response)}")
        try:
            return response.json()
        except ValueError:  # a proxy's error page, a cut body: asked again, then reported
            raise RetryableError(
                f"{url} sent a malformed response (not JSON): {response.text[:200]!r}"
            ) from None

    async def _raise_not_found(self, url: str, response: httpx.Response) -> None:
        """A 404 is either an unknown model (then list the served ones) or a wrong base URL."""
        try:  # directly, not through `_call`: this request already holds a concurrency slot
            listed = await self._send("GET", "/models")
            models = [item["id"] for item in listed.get("data", []) if "id" in item]
        except (BackendError, RetryableError, AttributeError, TypeError):
            models = []
        if models and self.model not in models:
            raise BackendError(
                f"model {self.model!r} is not served by {self.base_url}",
                f"available: {', '.join(models)}; pass one with --model",
            )
        raise BackendError(
            f"{url} answered 404: {_message(response)}",
            "the base URL should end in /v1 (e.g. http://127.0.0.1:8000/v1)",
        )

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self._limit:
            try:
                return await with_retries(
                    lambda: self._send(method, path, body), self.retry_policy, f"{self.name} {path}"
                )
            except RetryableError as error:
                message = f"{error} (gave up after {self.retry_policy.max_retries + 1} tries)"
                if isinstance(error, Unreachable):
                    raise BackendError(message, START_HINT) from None
                raise RetriesExhausted(message, "try again later") from None

    async def list_models(self) -> list[str]:
        """The model names the server lists at `/models`."""
        data = await self._call("GET", "/models")
        return [item["id"] for item in data.get("data", []) if "id" in item]

    async def _model(self, request: GenerationRequest) -> str:
        if request.model:
            return request.model
        if self.model is None:
            models = await self.list_models()
            if not models:
                raise BackendError(f"{self.base_url} lists no models", "pass one with --model")
            self.model = models[0]
        return self.model

    def _body(self, request: GenerationRequest, model: str, n: int) -> dict[str, Any]:
        params = request.params
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "n": n,
        }
        if params.stop:
            body["stop"] = params.stop
        if params.seed is not None:
            body["seed"] = params.seed
        if request.response_format is not None:
            body["response_format"] = request.response_format
        elif request.structured is not None:
            body["response_format"] = request.structured.response_format()
        if params.logprobs is not None:
            body["logprobs"] = True
            if params.logprobs > 0:
                body["top_logprobs"] = params.logprobs
        return body

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        """`request.params.n` completions; asks again for the rest if a server returns fewer choices."""
        model = await self._model(request)
        start = time.perf_counter()
        completions: list[Completion] = []
        if request.watch is not None:
            body = self._body(request, model, 1)
            streams = [self._watched(body, request, start) for _ in range(request.params.n)]
            completions = list(await asyncio.gather(*streams))
        while len(completions) < request.params.n:
            body = self._body(request, model, request.params.n - len(completions))
            data = await self._call("POST", "/chat/completions", body)
            batch = self._completions(data, model, start)
            if not batch:
                raise BackendError(f"{self.base_url} returned no choices for model {model!r}")
            completions.extend(batch)
        if request.structured is not None:  # a choice arrives wrapped in a JSON object
            for completion in completions:
                completion.text = request.structured.read_choice(completion.text)
        return completions[: request.params.n]

    def _completions(self, data: Any, model: str, start: float) -> list[Completion]:
        try:
            choices = data["choices"]
            messages = [choice["message"] for choice in choices]
        except (KeyError, TypeError) as error:
            raise BackendError(
                f"{self.base_url} sent a chat completion without {error}: {str(data)[:200]}",
                "check that the server speaks the OpenAI chat completions API",
            ) from None
        texts = [_text(message.get("content")) for message in messages]
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        prompt_tokens = _count(usage.get("prompt_tokens"))
        shares = _split_tokens(_count(usage.get("completion_tokens")), texts)
        latency = time.perf_counter() - start
        return [
            Completion(
                text=text,
                reasoning=message.get("reasoning_content") or message.get("reasoning"),
                finish_reason=finish_reason(choice.get("finish_reason")),
                usage=Usage(prompt_tokens, share),
                latency=latency,
                model=data.get("model") or model,
                backend=self.name,
                logprobs=read_logprobs(choice.get("logprobs")),
            )
            for choice, message, text, share in zip(choices, messages, texts, shares, strict=True)
        ]

    async def _watched(
        self, body: dict[str, Any], request: GenerationRequest, start: float
    ) -> Completion:
        """One completion streamed token by token past `request.watch`, which may stop it."""
        body = body | {"stream": True, "stream_options": {"include_usage": True}}
        url = f"{self.base_url}/chat/completions"
        pieces: list[str] = []
        tokens: list[TokenLogprob] = []
        finish, usage, model = "stop", {}, body["model"]
        async with self._limit:
            try:
                async with self._client.stream("POST", "/chat/completions", json=body) as response:
                    if response.status_code != 200:
                        await response.aread()
                        raise BackendError(
                            f"{url} answered {response.status_code}: {_message(response)}"
                        )
                    async for line in response.aiter_lines():
                        if not line.startswith("data: ") or line == "data: [DONE]":
                            continue
                        chunk = json.loads(line[len("data: ") :])
                        model = chunk.get("model") or model
                        usage = chunk.get("usage") or usage
                        for choice in chunk.get("choices") or []:
                            piece = _text((choice.get("delta") or {}).get("content"))
                            pieces.append(piece)
                            if choice.get("finish_reason"):
                                finish = finish_reason(choice["finish_reason"])
                            new = read_logprobs(choice.get("logprobs"))
                            for token in new or ([TokenLogprob(piece, 0.0)] if piece else []):
                                tokens.append(token)
                                if not request.watch(token):
                                    finish = "cancelled"
                                    break
                        if finish == "cancelled":
                            break  # leaving the block closes the connection: generation stops
            except (httpx.HTTPError, ValueError) as error:
                raise BackendError(
                    f"streaming from {url} failed ({type(error).__name__}: {error})"
                ) from None
        generated = _count(usage.get("completion_tokens")) if finish != "cancelled" else 0
        return Completion(
            text="".join(pieces),
            finish_reason=finish,
            usage=Usage(_count(usage.get("prompt_tokens")), generated or len(tokens)),
            latency=time.perf_counter() - start,
            model=model,
            backend=self.name,
            logprobs=tokens if request.params.logprobs is not None else None,
        )


def read_logprobs(data: Any) -> list[TokenLogprob] | None:
    """OpenAI-style `logprobs` (`{"content": [{token, logprob, top_logprobs}]}`) as k2's tokens."""
    content = data.get("content") if isinstance(data, dict) else None
    if not isinstance(content, list):
        return None
    return [
        TokenLogprob(
            str(entry.get("token", "")),
            float(entry.get("logprob", 0.0)),
            {str(top["token"]): float(top["logprob"]) for top in entry.get("top_logprobs") or []},
        )
        for entry in content
        if isinstance(entry, dict)
    ]


def _text(content: Any) -> str:
    """A message's content as text: a string, or the text parts of a multi-part list."""
    if isinstance(content, list):
        return "".join(
            str(part.get("text") or "") if isinstance(part, dict) else str(part) for part in content
        )
    return content if isinstance(content, str) else ""


def _count(value: Any) -> int:
    """A token count as the server gave it (a number or a numeric string); 0 when unreadable."""
    try:
        return max(int(float(value)), 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def _message(response: httpx.Response) -> str:
    """The error message inside an OpenAI-style error body, else the start of the body."""
    try:
        error = response.json().get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    except (ValueError, AttributeError):
        pass
    return response.text[:200] or response.reason_phrase
