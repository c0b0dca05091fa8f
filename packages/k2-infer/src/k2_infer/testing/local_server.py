"""A threaded HTTP server on 127.0.0.1, the base of k2's scripted test servers.

A subclass sets `handler` to a `BaseHTTPRequestHandler` class; each request's handler reaches the
server object (its script, its recorded calls) as `self.server_state`. Use it as a context manager.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops connections when many clients connect at once, and
    # each dropped one retries a second later: enough room for a burst of concurrent requests.
    request_queue_size = 128
    daemon_threads = True


class LocalServer:
    handler: ClassVar[type[BaseHTTPRequestHandler]]
    _httpd: _Server | None = None

    def start(self) -> Self:
        handler = type("Handler", (self.handler,), {"server_state": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        # a short poll interval makes `stop()` quick
        serve = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        serve.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start the server first"
        return self._httpd.server_address[1]
