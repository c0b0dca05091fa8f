"""Fixtures for the sandbox tests: the mechanisms that run here, and checks that the host is untouched."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from k2_verify.sandbox.isolation import candidates, probe


@pytest.fixture(autouse=True)
def isolation_or_explicit_opt_out(monkeypatch):
    """On a machine where no isolation mechanism works (a locked-down CI runner), the scoring tests
    still run, opted out explicitly; the hostile suite then skips each mechanism with its reason."""
    if os.environ.get("K2_SANDBOX_ISOLATION") is None and all(probe(m) for m in candidates()):
        monkeypatch.setenv("K2_SANDBOX_ISOLATION", "none")


@pytest.fixture(params=["namespaces", "user-namespaces"])
def mechanism(request) -> str:
    """Each isolation mechanism in turn; skipped, saying which privilege it needs, where unavailable."""
    mechanism = request.param
    if mechanism == "namespaces" and os.geteuid() != 0:
        pytest.skip(
            "the 'namespaces' mechanism needs root (the user-namespaces tests cover non-root)"
        )
    reason = probe(mechanism)
    if reason is not None:
        pytest.skip(f"{mechanism!r} is not allowed by this kernel: {reason}")
    return mechanism


@pytest.fixture
def marker() -> str:
    """A unique `sleep` duration: a process running `sleep <marker>` is one a test program started."""
    return f"{uuid.uuid4().int % 10**6}.{uuid.uuid4().int % 997 + 1}"


@pytest.fixture
def processes_running():
    """`processes_running(mark)`: pids of live processes whose command line is `sleep <mark>`."""
    return _processes_running


def _processes_running(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cmdline[:2] == [b"sleep", mark.encode()] and state != "Z":
            found.append(int(entry.name))
    return found
