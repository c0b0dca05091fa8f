"""Which isolation mechanism this machine allows, found by trying each one once; and `run`.

    namespaces        root: new user, network, PID, mount, IPC, UTS and cgroup namespaces; the
                      program is uid 0 of its namespace without capabilities, mapped to a host
                      uid of its own (UID_BASE + launcher pid, one per live run), in a per-run
                      memory/pids cgroup where cgroup v1 is writable.
    user-namespaces   not root: the same namespaces; the program keeps the caller's uid outside
                      (the only one an unprivileged user may map). Root asking for it gets the
                      private uid as with `namespaces`: root is never mapped into a sandbox.
    none              nothing but limits, a session and a scratch folder: no network isolation, and
                      the program can write where the caller's user can (`nobody`, when root).
                      Never chosen automatically; pass `isolation="none"` (`--no-isolation`, or
                      set `K2_SANDBOX_ISOLATION=none`) to accept it.

Both isolating mechanisms show the program a minimal root (see `bootstrap.py`) and load a seccomp
filter when `pyseccomp` and libseccomp are installed; without them, nested namespaces are still
forbidden by the namespace limits, and one log line says that seccomp is off.

The probe runs a one-line program through each candidate, strongest first, once per process.
"""

from __future__ import annotations

import logging
import os
import threading

from k2_core.errors import VerificationError

from .limits import Limits
from .supervisor import RunResult, SandboxError, cgroups, run_with

log = logging.getLogger("k2.verify.sandbox")
MECHANISMS = ("namespaces", "user-namespaces", "none")
_lock = threading.Lock()
_probed: dict[str, str | None] = {}  # mechanism -> None when it works, else why it failed


class NoIsolationError(VerificationError):
    """No isolation mechanism works here, and the caller did not opt out of isolation."""


def candidates() -> list[str]:
    """The mechanisms worth trying for this user, strongest first."""
    return ["namespaces", "user-namespaces"] if os.geteuid() == 0 else ["user-namespaces"]


def probe(mechanism: str) -> str | None:
    """None when `mechanism` runs a program here, else the reason it does not (cached)."""
    with _lock:
        if mechanism not in _probed:
            try:
                result = run_with(mechanism, "print('ok')", "", Limits(wall_time=10.0))
                ok = result.status == "ok" and result.stdout == "ok\n"
                _probed[mechanism] = None if ok else f"{result.status}: {result.stderr[-300:]}"
            except (OSError, SandboxError) as error:
                _probed[mechanism] = str(error)
        return _probed[mechanism]


def choose_mechanism(isolation: str | None = None) -> str:
    """The mechanism to use: `isolation` when given (checked), else `$K2_SANDBOX_ISOLATION`, else
    the strongest that works here."""
    isolation = isolation or os.environ.get("K2_SANDBOX_ISOLATION") or None
    if isolation is not None:
        if isolation not in MECHANISMS:
            raise VerificationError(
                f"unknown isolation {isolation!r}", f"choose one of: {', '.join(MECHANISMS)}"
            )
        return isolation
    failures = []
    for mechanism in candidates():
        reason = probe(mechanism)
        if reason is None:
            return mechanism
        failures.append(f"{mechanism}: {reason}")
    raise NoIsolationError(
        "refusing to run untrusted code: no isolation mechanism works here ("
        + "; ".join(failures)
        + ")",
        "run as root or allow unprivileged user namespaces; or opt out explicitly with "
        "isolation='none' (`--no-isolation`, K2_SANDBOX_ISOLATION=none), which leaves the "
        "network reachable",
    )


def seccomp_available() -> bool:
    """True when the seccomp filter loads here (`pyseccomp` and libseccomp are installed)."""
    try:
        import pyseccomp  # noqa: F401
    except Exception:  # not installed, or libseccomp missing (pyseccomp fails on import)
        return False
    return True


_described: set[str] = set()


def describe_once(mechanism: str) -> None:
    """Log, once per mechanism, one line saying which protections run."""
    if mechanism in _described:
        return
    _described.add(mechanism)
    seccomp = seccomp_available()
    log.log(
        logging.INFO if seccomp else logging.WARNING,
        "sandbox: isolation %s, seccomp %s, per-run cgroup %s",
        mechanism,
        "on" if seccomp else "OFF (pip install pyseccomp; needs libseccomp)",
        "on" if cgroups() else "off (memory capped per process)",
    )


def run(
    source: str, stdin: str = "", limits: Limits | None = None, isolation: str | None = None
) -> RunResult:
    """Run Python `source` with `stdin` under `limits`, isolated by the strongest mechanism here.

    `isolation` picks a mechanism by name (`namespaces`, `user-namespaces`); `"none"` runs without
    network or filesystem isolation and must be asked for explicitly. Raises `SandboxError` only when
    the sandbox itself cannot start.
    """
    mechanism = choose_mechanism(isolation)
    if mechanism != "none":
        describe_once(mechanism)
    return run_with(mechanism, source, stdin, limits or Limits())
