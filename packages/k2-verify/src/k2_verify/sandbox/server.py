"""The launch server: one warm `bootstrap.py --serve` process per supervising process.

Every run is forked from it, so a run pays no Python start-up. It is started on first use, again
after a fork of the supervising process (each process gets its own), and again if it ever died;
it exits by itself when the supervising process is gone. Its socket lives in a private folder
(mode 0700), so no other user can ask it to run anything; a sandboxed program cannot see it (the
run's root holds no host folder of that kind) and the server refuses callers from another
namespace anyway.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

BOOTSTRAP = str(Path(__file__).with_name("bootstrap.py"))
MAX_SOCKET_PATH = 107  # what sockaddr_un holds, less the final NUL


@dataclass
class _Server:
    owner: int  # the pid that started it
    process: subprocess.Popen
    folder: str
    lifeline: int  # write end; the server exits when every copy of it is closed

    @property
    def address(self) -> str:
        return os.path.join(self.folder, "launch.sock")


_lock = threading.Lock()
_server: _Server | None = None


def connect(environment: dict[str, str]) -> socket.socket:
    """A connection to this process's launch server (started with `environment` if needed)."""
    global _server
    with _lock:
        if _server is None or _server.owner != os.getpid() or _server.process.poll() is not None:
            if _server is not None and _server.owner == os.getpid():
                _stop(_server)
            _server = _start(environment)
        address = _server.address
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(address)
    except OSError:
        connection.close()
        raise
    return connection


def reset() -> None:
    """Stop this process's launch server (if any); the next `connect` starts a fresh one."""
    global _server
    with _lock:
        if _server is not None and _server.owner == os.getpid():
            _stop(_server)
        _server = None


def _start(environment: dict[str, str]) -> _Server:
    folder = tempfile.mkdtemp(prefix="k2-sandbox-server-")
    if len(os.path.join(folder, "launch.sock")) > MAX_SOCKET_PATH:  # a deep $TMPDIR
        os.rmdir(folder)
        folder = tempfile.mkdtemp(prefix="k2-sandbox-server-", dir="/tmp")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(os.path.join(folder, "launch.sock"))
    listener.listen(128)
    lifeline_read, lifeline_write = os.pipe()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                BOOTSTRAP,
                "--serve",
                str(listener.fileno()),
                str(lifeline_read),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            cwd=folder,
            start_new_session=True,
            pass_fds=(listener.fileno(), lifeline_read),  # they keep their numbers
        )
    finally:
        listener.close()
        os.close(lifeline_read)
    return _Server(os.getpid(), process, folder, lifeline_write)


def _stop(server: _Server) -> None:
    os.close(server.lifeline)
    server.process.kill()
    server.process.wait()
    shutil.rmtree(server.folder, ignore_errors=True)
