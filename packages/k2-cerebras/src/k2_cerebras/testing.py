"""A fake Cerebras Inference server on 127.0.0.1, for tests, demos and the offline bench.

It speaks the parts of the Cerebras API that k2 uses: `GET /v1/models`, `POST /v1/chat/completions`
(plain JSON or server-sent events), bearer-key checks, `x-ratelimit-*` headers and `time_info`.

    with FakeCerebrasServer(replies=["<think>2 + 2 = 4</think> <answer>4</answer>"]) as server:
        backend = CerebrasBackend(model="fake-model", base_url=server.url, api_key=server.api_key)

Replies are strings, `Reply` objects, a list of them (used in turn, cycling), or a callable
`(body) -> str | Reply` that sees the JSON request body. `faults` is a queue of `Fault`s served before
any reply (a 429 with `retry-after-ms`, a 500, ...). Each request is recorded in `requests`.
Completion tokens are whitespace-separated words; a stream sends one word per chunk.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from k2_infer.testing.local_server import LocalServer


@dataclass
class Reply:
    """One scripted answer.

    `reasoning` goes in the separate `reasoning` field; `delay` is seconds before the response starts;
    `chunk_delay` seconds between stream chunks; `malformed_chunk` sends a chunk that is not JSON
    mid-stream; `stream_error` sends an `{"error": ...}` event with that message mid-stream;
    `sparse` sends chunks that leave out fields (no `delta`, no `choices`, content chunks with no
    envelope: the SDK then hands back a plain dict for the delta).
    """

    content: str
    reasoning: str | None = None
    finish_reason: str = "stop"
    delay: float = 0.0
    chunk_delay: float = 0.0
    malformed_chunk: bool = False
    stream_error: str | None = None
    sparse: bool = False


@dataclass
class Fault:
    """An error response: HTTP `status`, `message`, optional `param` and response `headers`."""

    status: int
    message: str = "scripted failure"
    param: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


ReplyScript = str | Reply | list[str | Reply] | Callable[[dict[str, Any]], str | Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: FakeCerebrasServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    # -- plumbing -------------------------------------------------------------------------------

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self.server_state.ratelimit_headers, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, fault: Fault) -> None:
        error = {
            "message": fault.message,
            "type": "invalid_request_error",
            "code": str(fault.status),
        }
        if fault.param:
            error["param"] = fault.param
        self._send_json(fault.status, error, fault.headers)

    def _record(self, body: dict[str, Any] | None) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.server_state._lock:
            self.server_state.requests.append(
                RecordedRequest(self.command, self.path, headers, body)
            )

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.server_state.api_key}":
            return True
        self._send_error(Fault(401, "Wrong API Key"))
        return False

    # -- routes ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._record(None)
        if not self._authorised():
            return
        if self.path == "/v1/models":
            data = [
                {"id": m, "object": "model", "owned_by": "fake"} for m in self.server_state.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_error(Fault(404, f"no route {self.path}"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._record(body)
        if not self._authorised():
            return
        if self.path != "/v1/chat/completions":
            self._send_error(Fault(404, f"no route {self.path}"))
            return
        fault = self.server_state._next_fault()
        if fault is not None:
            self._send_error(fault)
            return
        rejected = sorted(self.server_state.rejected_params & set(body))
        if rejected:
            message = f"Unsupported parameter: {rejected[0]}"
            self._send_error(Fault(400, message, param=rejected[0]))
            return
        if body.get("model") not in self.server_state.models:
            message = f"Model {body.get('model')} does not exist or you do not have access to it."
            self._send_error(Fault(404, message))
            return
        reply = self.server_state._next_reply(body)
        time.sleep(reply.delay)
        if body.get("stream"):
            self._stream(body, reply)
        else:
            self._plain(body, reply)

    def _usage(self, body: dict[str, Any], reply: Reply) -> tuple[dict, dict]:
        prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        reasoning = len((reply.reasoning or "").split())
        completion = len(reply.content.split()) + reasoning
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        }
        completion_time = max(completion * reply.chunk_delay, 0.001)
        time_info = {
            "queue_time": 0.0005,
            "prompt_time": 0.002,
            "completion_time": completion_time,
            "total_time": completion_time + 0.0025,
            "created": time.time(),
        }
        return usage, time_info

    def _envelope(self, body: dict[str, Any], obj: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake",
            "object": obj,
            "created": int(time.time()),
            "model": body.get("model"),
            "system_fingerprint": "fp_fake",
        }

    def _plain(self, body: dict[str, Any], reply: Reply) -> None:
        usage, time_info = self._usage(body, reply)
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.reasoning is not None:
            message["reasoning"] = reply.reasoning
        choice = {"index": 0, "message": message, "finish_reason": reply.finish_reason}
        payload = {
            **self._envelope(body, "chat.completion"),
            "choices": [choice],
            "usage": usage,
            "time_info": time_info,
        }
        self._send_json(200, payload)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in self.server_state.ratelimit_headers.items():
            self.send_header(name, value)
        self.end_headers()
        envelope = self._envelope(body, "chat.completion.chunk")

        def delta(**fields: Any) -> dict[str, Any]:
            if reply.sparse and "content" in fields:
                return {"choices": [{"delta": fields}]}
            return {**envelope, "choices": [{"index": 0, "delta": fields}]}

        events: list[dict[str, Any] | str] = [delta(role="assistant")]
        if reply.sparse:
            events.append({**envelope, "choices": [{"index": 0}]})  # no delta at all
            events.append({**envelope})  # no choices at all
        events += [delta(reasoning=w) for w in _words(reply.reasoning or "")]
        words = _words(reply.content)
        events += [delta(content=w) for w in words[: len(words) // 2]]
        if reply.malformed_chunk:
            events.append("{this is not json")
        if reply.stream_error:
            events.append({"error": {"message": reply.stream_error, "type": "server_error"}})
        events += [delta(content=w) for w in words[len(words) // 2 :]]
        usage, time_info = self._usage(body, reply)
        final = {**envelope, "choices": [{"index": 0, "delta": {}}], "usage": usage}
        final["choices"][0]["finish_reason"] = reply.finish_reason
        final["time_info"] = time_info
        events.append(final)
        try:
            for event in events:
                text = event if isinstance(event, str) else json.dumps(event)
                self._write_chunk(f"data: {text}\n\n".encode())
                time.sleep(reply.chunk_delay)
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, error)
            self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


class FakeCerebrasServer(LocalServer):
    """A threaded HTTP server that answers like Cerebras Inference. Use as a context manager."""

    handler = _Handler

    def __init__(
        self,
        replies: ReplyScript = "<think>2 + 2 = 4</think> <answer>\\boxed{4}</answer>",
        *,
        models: tuple[str, ...] = ("fake-model", "fake-reasoner"),
        api_key: str = "csk-test-key",
        faults: list[Fault] | None = None,
        rejected_params: tuple[str, ...] = (),
        ratelimit_headers: dict[str, str] | None = None,
    ) -> None:
        self.replies = replies
        self.models = list(models)
        self.api_key = api_key
        self.faults = list(faults or [])
        self.rejected_params = set(rejected_params)
        self.ratelimit_headers = dict(ratelimit_headers or {})
        self.requests: list[RecordedRequest] = []
        self._counter = itertools.count()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, without `/v1`, as the SDK expects."""
        return f"http://127.0.0.1:{self.port}"

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        script = self.replies
        if callable(script):
            reply = script(body)
        elif isinstance(script, list):
            reply = script[next(self._counter) % len(script)]
        else:
            reply = script
        return Reply(reply) if isinstance(reply, str) else reply


def _words(text: str) -> list[str]:
    """Split into stream pieces that join back to `text` exactly (each word keeps its trailing space)."""
    pieces, current = [], ""
    for char in text:
        current += char
        if char.isspace() and current.strip():
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces
