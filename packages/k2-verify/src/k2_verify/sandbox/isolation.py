"""Which isolation mechanism this machine allows, found by trying each one once.

    namespaces        root: new network, PID, mount, IPC and UTS namespaces; the program runs as
                      `nobody` with no capabilities, on a read-only view of the host.
    user-namespaces   not root: the same namespaces inside a new user namespace (where the kernel
                      allows unprivileged ones); the program keeps the caller's uid outside, and
                      drops every capability inside. (Root may ask for it too; its program then
                      runs as uid 0 without capabilities, so `namespaces` is root's default.)
    none              nothing but limits, a session and a scratch folder: no network isolation, and
                      the program can write where the caller's user can. Never chosen
                      automatically; pass `isolation="none"` (`--no-isolation`, or set
                      `K2_SANDBOX_ISOLATION=none`) to accept it.

The probe runs a one-line program through each candidate, strongest first, once per process.
"""

from __future__ import annotations

import os
import threading

from k2_core.errors import VerificationError

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
    from .limits import Limits
    from .supervisor import SandboxError, run_with

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
