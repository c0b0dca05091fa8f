"""A fault-injecting HTTP server on 127.0.0.1: the network and servers at their worst, for tests.

    with FaultServer([Fault.drip(interval=0.5), Fault.reply(chat("4"))]) as server:
        backend = OpenAIBackend(base_url=server.url + "/v1", model="m", timeout=1.0)
        ...
        assert server.requests == 2

Each request to any path (`POST /v1/chat/completions`, `GET /v1/models`, ...) gets the next fault of
the script; the last one repeats. What a fault can do:

- `Fault.reply(body)`: a 200 with `body` (a dict as JSON, or raw bytes: garbage, server-sent events);
- `Fault.status(code, retry_after=...)`: an OpenAI-style error, with a `Retry-After` header if given;
- `Fault.drip(interval)`: headers, then one byte every `interval` seconds, never a whole body;
- `Fault.stall()`: accept the request and never answer;
- `Fault.drop()`: close the connection without a reply.

`chat(text)` builds a chat completion (its `usage` and `content` may be given in odd forms: counts
as strings, content as a list of parts); `events(chunks)` builds a stream, with or without a finish
reason and `[DONE]`. A stalled or dripping handler ends when the server stops.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .local_server import LocalServer


@dataclass
class Fault:
    """What the server does with one request (see the module docstring)."""

    kind: str
    status_code: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    interval: float = 0.0

    @classmethod
    def reply(cls, body: dict[str, Any] | bytes, content_type: str = "") -> Fault:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        kind = content_type or ("application/json" if isinstance(body, dict) else "text/plain")
        return cls("reply", body=raw, headers={"Content-Type": kind})

    @classmethod
    def status(cls, code: int, retry_after: str | None = None, message: str = "fault") -> Fault:
        headers = {"Content-Type": "application/json"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        body = json.dumps({"error": {"message": message, "type": "fault", "code": code}})
        return cls("reply", status_code=code, body=body.encode(), headers=headers)

    @classmethod
    def drip(cls, interval: float = 1.0) -> Fault:
        return cls("drip", interval=interval)

    @classmethod
    def stall(cls) -> Fault:
        return cls("stall")

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")


def chat(
    text: str = "ok",
    *,
    usage: dict[str, Any] | None = None,
    content: Any = None,
    finish_reason: str | None = "stop",
) -> dict[str, Any]:
    """A chat completion body; `content` replaces the message content as given (e.g. a list)."""
    message = {"role": "assistant", "content": text if content is None else content}
    return {
        "id": "fault-1",
        "object": "chat.completion",
        "model": "fault-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": usage or {"prompt_tokens": 1, "completion_tokens": len(text.split())},
    }


def events(texts: list[str], *, finish: bool = True, done: bool = True) -> bytes:
    """A chat-completions stream of `texts` as deltas; `finish=False` leaves out the finish reason
    (a stream cut short), `done=False` the closing `[DONE]`."""
    chunks = [
        {
            "id": "fault-1",
            "model": "fault-model",
            "choices": [{"index": 0, "delta": {"content": t}}],
        }
        for t in texts
    ]
    if finish:
        chunks.append(
            {
                "id": "fault-1",
                "model": "fault-model",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
        )
    lines = [f"data: {json.dumps(chunk)}\n\n" for chunk in chunks]
    if done:
        lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: FaultServer

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        state = self.server_state
        fault = state.next_fault()
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault.kind == "stall":
            state.stopping.wait()
            return
        if fault.kind == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while not state.stopping.wait(fault.interval):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return
            return
        self.send_response(fault.status_code)
        for name, value in fault.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(fault.body)))
        self.end_headers()
        self.wfile.write(fault.body)


class FaultServer(LocalServer):
    """Answers each request with the next `Fault` of `script` (the last repeats)."""

    handler = _Handler

    def __init__(self, script: Fault | list[Fault]) -> None:
        self.script = script if isinstance(script, list) else [script]
        self.requests = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def next_fault(self) -> Fault:
        with self._lock:
            fault = self.script[min(self.requests, len(self.script) - 1)]
            self.requests += 1
            return fault

    def stop(self) -> None:
        self.stopping.set()  # ends stalled and dripping handlers
        super().stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
