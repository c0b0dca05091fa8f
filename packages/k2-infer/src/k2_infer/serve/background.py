"""The server on a background thread, on a free port of 127.0.0.1 (tests, benchmarks, notebooks).

with BackgroundServer(ServeSettings(base_url=upstream.base_url)) as server:
    client = openai.OpenAI(base_url=server.base_url, api_key="unused")
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Self

import uvicorn

from .app import create_app
from .settings import ServeSettings


class BackgroundServer:
    def __init__(self, settings: ServeSettings) -> None:
        self.app = create_app(settings)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: uvicorn writes headers and body apart, and with Nagle's
        # algorithm on, the client's delayed ACK holds each reply back ~40 ms
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, backlog=1024)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def server(self):
        """The `Server` behind the app (its admission, metrics and pipelines)."""
        return self.app.state.server

    def start(self, timeout: float = 10.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
