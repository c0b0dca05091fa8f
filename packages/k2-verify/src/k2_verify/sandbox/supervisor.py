"""Run one untrusted Python program in the sandbox and report what happened.

    from k2_verify.sandbox import run
    result = run("print(input()[::-1])", stdin="abc\\n")
    result.status, result.stdout      # ("ok", "cba\\n")

`run` is safe to call from many threads and processes at once: every run has its own process tree,
namespaces, scratch space and pipes, and the supervisor (this function, in the caller's process)
only reads capped pipes against a deadline, so nothing the program does can hang or flood it.
The isolation itself happens in `bootstrap.py`, the first process of the run.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import select
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from k2_core.errors import VerificationError

from . import server
from .limits import Limits

GRACE = 2.0  # seconds past the wall limit before the supervisor stops a run itself
STATUSES = ("ok", "runtime_error", "timeout", "memory_limit", "output_limit", "killed")


class SandboxError(VerificationError):
    """The sandbox could not be set up (not: the program failed; that is a `RunResult`)."""


@dataclass
class RunResult:
    """What one sandboxed run did.

    `status` is one of `ok`, `runtime_error`, `timeout`, `memory_limit`, `output_limit`, `killed`.
    `returncode` is like `subprocess`'s (negative: killed by that signal; None: never finished).
    `stdout` / `stderr` are decoded as UTF-8 and cut at the limits. Times are seconds; `peak_memory_mb`
    is the largest resident size of any process of the run. `mechanism` names the isolation used.
    """

    status: str
    returncode: int | None
    stdout: str
    stderr: str
    wall_time: float
    cpu_time: float
    peak_memory_mb: float
    mechanism: str

    def to_dict(self) -> dict:
        return asdict(self)


def scratch_environment() -> dict[str, str]:
    """The program's whole environment: nothing is inherited, so no API key can leak in."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
    }


@functools.cache
def runtime() -> tuple[list[str], dict[str, str]]:
    """What of the host the program sees, read-only: `(folders, symlinks)`.

    The folders are /usr and the interpreter's own prefixes (a pyenv or a virtual environment may
    sit anywhere, e.g. under /root); the links are the top-level ones such as /lib -> usr/lib.
    Nothing else exists inside: no /etc, /home, /root, /work, /var, /sys, no data or checkout.
    """
    folders = {"/usr"}
    links = {}
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            links[path] = os.readlink(path)
        elif os.path.isdir(path):
            folders.add(path)
    for prefix in (sys.base_prefix, sys.prefix):
        folders.add(os.path.realpath(prefix))
    inside = {f for f in folders if any(_inside(f, other) for other in folders)}
    return sorted(folders - inside), links


@functools.cache
def cgroups() -> dict[str, str]:
    """`{"memory": folder}`: the cgroup v1 memory hierarchy where this process (root) may make
    a cgroup per run; empty where it may not (not root, cgroup v2 only, read-only)."""
    folder = "/sys/fs/cgroup/memory"
    if os.geteuid() == 0 and os.path.exists(f"{folder}/memory.limit_in_bytes"):
        if os.access(folder, os.W_OK):
            return {"memory": folder}
    return {}


def _inside(path: str, folder: str) -> bool:
    """True when `path` is strictly inside `folder`."""
    return path.startswith(folder.rstrip("/") + "/")


def run_with(mechanism: str, source: str, stdin: str, limits: Limits) -> RunResult:
    """Run Python `source` with `stdin` under `limits`, isolated by `mechanism` (already chosen:
    see `isolation.run`). Raises `SandboxError` only when the sandbox itself cannot start."""
    inputs = Path(tempfile.mkdtemp(prefix="k2-sandbox-"))
    try:
        config = _prepare(inputs, mechanism, source, stdin, limits)
        started = time.monotonic()
        out, err, stopped, report = _supervise(config, inputs / "stdin.txt", limits, started)
        wall = time.monotonic() - started
    finally:
        _remove(inputs)
    if "error" in report:
        raise SandboxError(
            f"the {mechanism!r} sandbox could not start: {report['error']}",
            "pick another isolation mechanism (`k2-verify run --isolation ...`)",
        )
    returncode = None
    if "wait_status" in report:
        returncode = os.waitstatus_to_exitcode(report["wait_status"])
    text_err = err.decode("utf-8", "replace")
    return RunResult(
        status=_status(stopped, report, returncode, text_err, limits),
        returncode=returncode,
        stdout=out.decode("utf-8", "replace"),
        stderr=text_err,
        wall_time=round(wall, 4),
        cpu_time=round(report.get("cpu_time", 0.0), 4),
        peak_memory_mb=round(report.get("peak_kb", 0) / 1024, 1),
        mechanism=mechanism,
    )


def _prepare(inputs: Path, mechanism: str, source: str, stdin: str, limits: Limits) -> dict:
    """Write the program and its input into `inputs`; return the run's config for the launcher."""
    (inputs / "main.py").write_text(source, encoding="utf-8", errors="replace")
    (inputs / "stdin.txt").write_text(stdin, encoding="utf-8", errors="replace")
    if mechanism == "none" and os.geteuid() == 0:  # the program runs on the host, as `nobody`
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        os.chown(inputs, uid, gid)
    else:
        uid = gid = None
    folders, links = runtime()
    return {
        "mechanism": mechanism,
        "uid": uid,
        "gid": gid,
        "runtime": folders,
        "links": links,
        "cgroups": cgroups(),
        "inputs": str(inputs),
        "limits": {**limits.to_dict(), "cpu_seconds": limits.cpu_seconds},
    }


def _supervise(config: dict, stdin_path: Path, limits: Limits, started: float):
    """Launch the run, read its capped output, stop it if needed; `(out, err, stopped, report)`."""
    pipes = [os.pipe() for _ in ("stdout", "stderr", "report")]
    (stdout, stdout_w), (stderr, stderr_w), (report, report_w) = pipes
    ours = [fd for pair in pipes for fd in pair]  # descriptors to close at the end
    try:
        stdin = os.open(stdin_path, os.O_RDONLY)
        ours.append(stdin)
        launcher = _launch(config, [stdin, stdout_w, stderr_w, report_w])
        if launcher is not None:
            ours.append(launcher)
        for fd in (stdin, stdout_w, stderr_w, report_w):  # the launcher has its own copies now
            os.close(fd)
            ours.remove(fd)
        out, err, stopped = _collect(stdout, stderr, limits, started + limits.wall_time + GRACE)
        if stopped and launcher is not None:
            _stop(launcher)
        return out, err, stopped, _read_report(report)
    finally:
        for fd in ours:
            os.close(fd)


def _launch(config: dict, fds: list[int]) -> int | None:
    """Ask the launch server to start a run; returns a pidfd of its launcher (None: already done)."""
    for attempt in range(2):
        try:
            with server.connect(scratch_environment()) as connection:
                socket.send_fds(connection, [json.dumps(config).encode()], fds)
                _, pidfds, _, _ = socket.recv_fds(connection, 64, 1)
                return pidfds[0] if pidfds else None
        except (ConnectionError, FileNotFoundError):  # the server is gone: start a new one
            server.reset()
            if attempt:
                raise SandboxError(
                    "the sandbox's launch server does not answer", "check that Python can start"
                ) from None
    return None


def _collect(stdout: int, stderr: int, limits: Limits, deadline: float):
    """Read stdout and stderr up to their caps until both close or the deadline passes.

    Returns `(stdout, stderr, stopped)` where `stopped` is None, `"output_limit"` or `"timeout"`.
    stdout past its cap stops the run (the answer is in it); stderr past its cap is dropped and the
    run goes on (a chatty correct program is still correct).
    """
    buffers = {stdout: bytearray(), stderr: bytearray()}
    caps = {stdout: limits.stdout_bytes, stderr: limits.stderr_bytes}
    stopped = None
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map() and not stopped:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                stopped = "timeout"
                break
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                buffer = buffers[key.fd]
                room = caps[key.fd] - len(buffer)
                buffer += chunk[: max(room, 0)]
                if len(chunk) > room and key.fd == stdout:
                    stopped = "output_limit"
    return bytes(buffers[stdout]), bytes(buffers[stderr]), stopped


def _stop(launcher: int) -> None:
    """Ask the launcher to end the run (SIGALRM, as its own wall clock would); then force it."""
    try:
        signal.pidfd_send_signal(launcher, signal.SIGALRM)
        if not select.select([launcher], [], [], GRACE)[0]:
            signal.pidfd_send_signal(launcher, signal.SIGKILL)  # its init then dies (PDEATHSIG)
    except ProcessLookupError:
        pass


def _read_report(fd: int) -> dict:
    """Merge the JSON lines the launcher and the init wrote on the report pipe."""
    data = b""
    while chunk := os.read(fd, 1 << 16):
        data += chunk
    report: dict = {}
    for line in data.splitlines():
        report.update(json.loads(line))
    return report


def _status(stopped, report: dict, returncode: int | None, stderr: str, limits: Limits) -> str:
    if stopped == "output_limit":
        return "output_limit"
    if stopped or report.get("timed_out"):
        return "timeout"
    if report.get("oom_kills"):
        return "memory_limit"
    if returncode is None:
        return "killed"
    if returncode == -signal.SIGXCPU:
        return "timeout"
    if returncode == -signal.SIGKILL and report.get("cpu_time", 0) >= limits.cpu_seconds:
        return "timeout"
    if returncode != 0 and "MemoryError" in stderr[-2000:]:
        return "memory_limit"
    if returncode < 0:
        return "killed"
    return "ok" if returncode == 0 else "runtime_error"


def _remove(path: Path) -> None:
    """Delete a run's folder even where the program took away permissions inside it."""

    def make_writable_and_retry(function, name, _error):
        os.chmod(os.path.dirname(name), 0o700)
        if os.path.isdir(name):
            os.chmod(name, 0o700)
        function(name)

    shutil.rmtree(path, onerror=make_writable_and_retry)
