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
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from k2_core.errors import VerificationError

from .isolation import choose_mechanism
from .limits import Limits

BOOTSTRAP = str(Path(__file__).with_name("bootstrap.py"))
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


def hidden_interpreter_paths() -> dict[str, list[str]]:
    """Folders that `nobody` cannot enter but that hold the interpreter or its import path.

    Maps each such folder (e.g. `/root` for a pyenv Python) to the paths inside it that the
    sandbox must reveal, so that the program, run as `nobody`, can still import the standard
    library and installed packages.
    """
    hidden: dict[str, list[str]] = {}
    for path in {sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path}:
        if not path or not os.path.isdir(path):
            continue
        for ancestor in reversed(Path(path).parents):
            if not os.stat(ancestor).st_mode & 0o001:
                hidden.setdefault(str(ancestor), []).append(path)
                break
    return {folder: sorted(set(paths)) for folder, paths in hidden.items()}


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
    report_read, report_write = os.pipe()
    try:
        (inputs / "main.py").write_text(source, encoding="utf-8", errors="replace")
        (inputs / "stdin.txt").write_text(stdin, encoding="utf-8", errors="replace")
        uid = gid = None
        if os.geteuid() == 0 and mechanism != "user-namespaces":
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            if mechanism == "none":  # the inputs folder is then the program's working directory
                os.chown(inputs, uid, gid)
        config = {
            "mechanism": mechanism,
            "uid": uid,
            "gid": gid,
            "hidden": hidden_interpreter_paths() if uid is not None else {},
            "report_fd": report_write,
            "limits": {**limits.to_dict(), "cpu_seconds": limits.cpu_seconds},
        }
        started = time.monotonic()
        with open(inputs / "stdin.txt", "rb") as stdin_file:
            process = subprocess.Popen(
                [sys.executable, "-I", BOOTSTRAP, json.dumps(config)],
                stdin=stdin_file,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=inputs,
                env=scratch_environment(),
                pass_fds=(report_write,),
                start_new_session=True,
            )
        os.close(report_write)
        report_write = -1
        with process:
            stdout, stderr, stopped = _collect(process, limits, started + limits.wall_time + GRACE)
            if stopped:
                _stop(process)
            process.wait()
        wall = time.monotonic() - started
        report = _read_report(report_read)
    finally:
        os.close(report_read)
        if report_write != -1:
            os.close(report_write)
        _remove(inputs)
    if "error" in report:
        raise SandboxError(
            f"the {mechanism!r} sandbox could not start: {report['error']}",
            "pick another isolation mechanism (`k2-verify run --isolation ...`)",
        )
    returncode = None
    if "wait_status" in report:
        returncode = os.waitstatus_to_exitcode(report["wait_status"])
    text_err = stderr.decode("utf-8", "replace")
    return RunResult(
        status=_status(stopped, report, returncode, text_err, limits),
        returncode=returncode,
        stdout=stdout.decode("utf-8", "replace"),
        stderr=text_err,
        wall_time=round(wall, 4),
        cpu_time=round(report.get("cpu_time", 0.0), 4),
        peak_memory_mb=round(report.get("peak_kb", 0) / 1024, 1),
        mechanism=mechanism,
    )


def _collect(process: subprocess.Popen, limits: Limits, deadline: float):
    """Read stdout and stderr up to their caps until both close or the deadline passes.

    Returns `(stdout, stderr, stopped)` where `stopped` is None, `"output_limit"` or `"timeout"`.
    """
    buffers = {process.stdout.fileno(): bytearray(), process.stderr.fileno(): bytearray()}
    caps = {
        process.stdout.fileno(): limits.stdout_bytes,
        process.stderr.fileno(): limits.stderr_bytes,
    }
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
    return bytes(buffers[process.stdout.fileno()]), bytes(buffers[process.stderr.fileno()]), stopped


def _stop(process: subprocess.Popen) -> None:
    """Ask the launcher to kill the run (SIGALRM, as its own wall clock would); then force it."""
    try:
        process.send_signal(signal.SIGALRM)
        process.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its init then dies too (PDEATHSIG)


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
