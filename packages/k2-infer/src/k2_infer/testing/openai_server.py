"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests and benchmarks (stdlib only).

    with ScriptedOpenAIServer("<answer>4</answer>") as server:
        backend = OpenAIBackend(base_url=server.base_url)
        ...
        assert server.call_count == 1

It answers `POST /v1/chat/completions` (plain JSON, or server-sent events with `"stream": true`) and
`GET /v1/models`. Each chat request gets one reply from the script:

- a string: every request gets it;
- a list: used in turn, one item per request, and the last item repeats;
- a callable `(request_json) -> str | Reply`: decides from the request (its role, prompt, model);
- a `Reply` anywhere a string is allowed: a status code (429 with `Retry-After`, 500, ...), a delay
  before answering, a malformed body, several texts for `n` choices, reasoning text.

Like a real server it cuts each text at the first stop string (finish reason `stop`) and at
`max_tokens` whitespace-separated words (finish reason `length`), and counts words as tokens.
Requests are served on threads, so concurrent clients overlap. Every chat request body is kept in
`calls` (and its headers in `call_headers`) for assertions. `in_flight` counts the requests being
answered now; a client that hangs up during a delay ends its request early (counted in `abandoned`),
as a real server stops generating for a closed connection.

A request with `"logprobs": true` gets OpenAI-style log-probabilities, one token per word: each word
has log-probability `logprob` (the reply's, else the server's; a number or a callable `(text) ->
number`) and `top_logprobs` alternatives with the same value. A streamed reply can pause
`token_delay` seconds before each word; a client that hangs up mid-stream ends it, and `streamed`
records how many words each streamed choice really sent (so tests can see generation stop).
"""

from __future__ import annotations

import itertools
import json
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .local_server import LocalServer


@dataclass
class Reply:
    """What the server sends for one request.

    `text` is the assistant message, or a list of them for `n` choices (a single text is repeated).
    A `status` other than 200 sends an OpenAI-style error with `error` as its message; `body` sends
    those raw bytes instead of anything else (malformed JSON, truncated streams). `tool_calls` go in
    the message (finish reason `tool_calls`), streamed as one delta.
    """

    text: str | list[str] = ""
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    error: str = "scripted error"
    body: bytes | None = None
    reasoning: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    logprob: float | None = None
    token_delay: float = 0.0


Script = str | Reply | list[str | Reply] | Callable[[dict[str, Any]], str | Reply]


def _words(text: str) -> int:
    return len(text.split())


def _logprobs(text: str, value: float, top: int) -> dict[str, Any]:
    """An OpenAI-style `logprobs` object for `text`: one entry per word, all with log-prob `value`."""
    alternatives = [{"token": f"alt{j}", "logprob": value, "bytes": None} for j in range(top)]
    entries = [
        {"token": word, "logprob": value, "bytes": None, "top_logprobs": alternatives}
        for word in text.split()
    ]
    return {"content": entries}


def _cut(text: str, stop: list[str], max_tokens: int | None) -> tuple[str, str]:
    """The text as a server would return it, and its finish reason."""
    for s in stop:
        if s in text:
            text = text[: text.index(s)]
    words = text.split()
    if max_tokens is not None and len(words) > max_tokens:
        return " ".join(words[:max_tokens]), "length"
    return text, "stop"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in separate writes: without this, Nagle's algorithm and the client's
    # delayed ACK hold each reply back ~40 ms
    disable_nagle_algorithm = True
    server_state: ScriptedOpenAIServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return None

    # -- plumbing ------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers)

    def _send_error(self, status: int, message: str, code: str, headers=None) -> None:
        error = {"message": message, "type": "invalid_request_error", "code": code}
        self._send_json(status, {"error": error}, headers)

    def _client_stayed(self, seconds: float) -> bool:
        """Wait `seconds`; False as soon as the client closes its connection."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.02))
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return False
        return True

    def _authorized(self) -> bool:
        key = self.server_state.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._send_error(401, "Incorrect API key provided.", "invalid_api_key")
        return False

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._authorized():
            return
        if self.path.rstrip("/") != "/v1/models":
            self._send_error(404, f"no route {self.path}", "not_found")
            return
        state = self.server_state
        names = state.models or [state.model]
        data = [{"id": name, "object": "model", "owned_by": "k2"} for name in names]
        self._send_json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send_error(404, f"no route {self.path}", "not_found")
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            self._send_error(400, "request body is not JSON", "invalid_json")
            return
        state = self.server_state
        index = state._record(body, dict(self.headers.items()))
        if not self._authorized():
            return
        model = body.get("model") or state.model
        if state.models is not None and model not in state.models:
            message = f"The model `{model}` does not exist or you do not have access to it."
            self._send_error(404, message, "model_not_found")
            return
        reply = state.reply_for(body, index)
        with state._lock:
            state.in_flight += 1
        try:
            if not self._client_stayed(state.delay + reply.delay):
                with state._lock:
                    state.abandoned += 1
                self.close_connection = True
                return
            self._answer(body, model, reply)
        finally:
            with state._lock:
                state.in_flight -= 1

    def _answer(self, body: dict[str, Any], model: str, reply: Reply) -> None:
        if reply.body is not None:
            self._send(reply.status, reply.body, reply.headers)
        elif reply.status != 200:
            self._send_error(reply.status, reply.error, str(reply.status), reply.headers)
        elif body.get("stream"):
            self._stream(body, model, reply)
        else:
            self._send_json(200, self._completion(body, model, reply), reply.headers)

    # -- bodies --------------------------------------------------------------------------------

    def _choices(self, body: dict[str, Any], reply: Reply) -> list[tuple[str, str]]:
        n = int(body.get("n") or 1)
        texts = reply.text if isinstance(reply.text, list) else [reply.text] * n
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else stop
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
        return [_cut(text, stop, max_tokens) for text in texts[:n]]

    def _completion(self, body: dict[str, Any], model: str, reply: Reply) -> dict[str, Any]:
        choices = []
        completion_tokens = 0
        for i, (text, finish) in enumerate(self._choices(body, reply)):
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if reply.reasoning is not None:
                message["reasoning_content"] = reply.reasoning
            if reply.tool_calls is not None:
                message["tool_calls"] = reply.tool_calls
                finish = "tool_calls"
            choice = {"index": i, "message": message, "finish_reason": finish}
            if body.get("logprobs"):
                value = self.server_state.logprob_for(text, reply)
                choice["logprobs"] = _logprobs(text, value, int(body.get("top_logprobs") or 0))
            choices.append(choice)
            completion_tokens += _words(text)
        prompt_tokens = sum(_words(str(m.get("content", ""))) for m in body.get("messages", []))
        return {
            "id": f"chatcmpl-{next(self.server_state._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _stream(self, body: dict[str, Any], model: str, reply: Reply) -> None:
        """Send the completion as server-sent events: one chunk per word, then finish, then [DONE]."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        full = self._completion(body, model, reply)
        base = {k: full[k] for k in ("id", "created", "model")} | {
            "object": "chat.completion.chunk"
        }

        def event(choices: list[dict[str, Any]], **extra: Any) -> None:
            chunk = base | {"choices": choices} | extra
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        for choice in full["choices"]:
            i = choice["index"]
            event([{"index": i, "delta": {"role": "assistant", "content": ""}}])
            words = choice["message"]["content"].split(" ")
            entries = iter((choice.get("logprobs") or {}).get("content") or [])
            sent = 0
            for k, word in enumerate(words):
                piece = word if k == 0 else " " + word
                delta = {"index": i, "delta": {"content": piece}, "finish_reason": None}
                entry = next(entries, None) if word else None
                if entry is not None:
                    delta["logprobs"] = {"content": [entry]}
                if reply.token_delay:
                    time.sleep(reply.token_delay)
                try:
                    event([delta])
                except (BrokenPipeError, ConnectionResetError):  # the client hung up: stop
                    self.server_state._streamed(sent)
                    self.close_connection = True
                    return
                sent += 1
            self.server_state._streamed(sent)
            if "tool_calls" in choice["message"]:
                calls = [{"index": k} | call for k, call in enumerate(reply.tool_calls)]
                event([{"index": i, "delta": {"tool_calls": calls}, "finish_reason": None}])
            event([{"index": i, "delta": {}, "finish_reason": choice["finish_reason"]}])
        if (body.get("stream_options") or {}).get("include_usage"):
            event([], usage=full["usage"])
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


class ScriptedOpenAIServer(LocalServer):
    """A threaded OpenAI-compatible server answering from a script; a context manager.

    `models` limits which model names are accepted (others get a 404 like OpenAI's); by default any
    name is accepted and `/v1/models` lists `model`. With `api_key` set, requests without
    `Authorization: Bearer <api_key>` get a 401.
    """

    handler = _Handler

    def __init__(
        self,
        script: Script = "<think>2 + 2 = 4</think> <answer>\\boxed{4}</answer>",
        *,
        model: str = "scripted",
        models: list[str] | None = None,
        api_key: str | None = None,
        delay: float = 0.0,
        logprob: float | Callable[[str], float] = -0.5,
    ) -> None:
        self.script = script
        self.model = model
        self.models = models
        self.api_key = api_key
        self.delay = delay
        self.logprob = logprob
        self.streamed: list[int] = []
        self.calls: list[dict[str, Any]] = []
        self.in_flight = 0
        self.abandoned = 0
        self.call_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, what an OpenAI client takes as its base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def call_count(self) -> int:
        """How many chat completion requests arrived (including those answered with errors)."""
        return len(self.calls)

    # -- scripting -----------------------------------------------------------------------------

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> int:
        with self._lock:
            self.calls.append(body)
            self.call_headers.append(headers)
            return len(self.calls) - 1

    def _streamed(self, words: int) -> None:
        with self._lock:
            self.streamed.append(words)

    def logprob_for(self, text: str, reply: Reply) -> float:
        """The log-probability every word of `text` gets (the reply's, else the server's)."""
        if reply.logprob is not None:
            return reply.logprob
        return self.logprob(text) if callable(self.logprob) else self.logprob

    def reply_for(self, body: dict[str, Any], index: int) -> Reply:
        """The reply to the `index`-th chat request, whose JSON is `body`."""
        script = self.script
        if isinstance(script, list):
            script = script[min(index, len(script) - 1)]
        if callable(script):
            script = script(body)
        return script if isinstance(script, Reply) else Reply(text=script)
