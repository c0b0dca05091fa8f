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
from .isolation import choose_mechanism
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


def hidden_folders(as_nobody: bool) -> dict[str, list[str]]:
    """Folders the program must not see, each with the paths inside it that it still needs.

    Hidden: the caller's home (where API keys and credentials live) and, when the program runs as
    `nobody`, any folder `nobody` could not enter anyway. The program sees each as an empty
    folder, except for the interpreter and import paths inside it (e.g. a pyenv Python under
    `/root`), which are bind-mounted back so that it can still import the standard library and
    installed packages.
    """
    needed = {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, *sys.path) if p}
    needed = {p for p in needed if os.path.isdir(p)}
    folders = set()
    home = os.path.expanduser("~")
    if home != "/" and os.path.isdir(home):
        folders.add(os.path.abspath(home))
    if as_nobody:
        for path in needed:
            closed = [a for a in reversed(Path(path).parents) if not os.stat(a).st_mode & 0o001]
            folders.update(str(a) for a in closed[:1])
    folders = {f for f in folders if not any(_inside(f, other) for other in folders)}
    return {
        folder: sorted(
            p for p in needed if _inside(p, folder) and not any(_inside(p, q) for q in needed)
        )
        for folder in sorted(folders)
    }


def _inside(path: str, folder: str) -> bool:
    """True when `path` is strictly inside `folder`."""
    return path.startswith(folder.rstrip("/") + "/")


def run(
    source: str, stdin: str = "", limits: Limits | None = None, isolation: str | None = None
) -> RunResult:
    """Run Python `source` with `stdin` under `limits`, isolated by the strongest mechanism here.

    `isolation` picks a mechanism by name (`namespaces`, `user-namespaces`); `"none"` runs without
    network or filesystem isolation and must be asked for explicitly. Raises `SandboxError` only when
    the sandbox itself cannot start.
    """
    limits = limits or Limits()
    mechanism = choose_mechanism(isolation)
    return run_with(mechanism, source, stdin, limits)


def run_with(mechanism: str, source: str, stdin: str, limits: Limits) -> RunResult:
    """`run` with the mechanism already chosen (the probe in `isolation.py` calls this)."""
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
    uid = gid = None
    if os.geteuid() == 0 and mechanism != "user-namespaces":
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        if mechanism == "none":  # the inputs folder is then the program's working directory
            os.chown(inputs, uid, gid)
    return {
        "mechanism": mechanism,
        "uid": uid,
        "gid": gid,
        "hidden": hidden_folders(uid is not None) if mechanism != "none" else {},
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
                buffer += chunk[:room]
                if len(chunk) > room:
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
