"""pytest fixtures for k2 plugin authors (loaded through the `pytest11` entry point)."""

from __future__ import annotations

import pytest

from .. import hookimpl
from ..plugins import register_plugin, unregister_plugin
from .fake_backend import FakeBackend


@pytest.fixture
def k2_plugin():
    """A function `register(plugin, name=None)` that registers a plugin for this test only."""
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> str:
        registered = register_plugin(plugin, name=name)
        names.append(registered)
        return registered

    yield register
    for name in reversed(names):
        unregister_plugin(name)


@pytest.fixture
def k2_events(k2_plugin):
    """A list that records each observation hook as it fires, for this test only:
    `("completion", text)` per `k2_on_completion` and `("verdict", response, correct)` per
    `k2_on_verdict`."""
    events: list[tuple] = []

    class Observer:
        @hookimpl
        def k2_on_completion(self, request, completion):
            events.append(("completion", completion.text))

        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            events.append(("verdict", response, verdict.correct))

    k2_plugin(Observer(), name="k2-events")
    return events


@pytest.fixture
def fake_backend() -> FakeBackend:
    """A `FakeBackend` with the default reply; set `.replies` to script it."""
    return FakeBackend()


@pytest.fixture
def k2_home(tmp_path, monkeypatch):
    """A temporary k2 home folder (`K2_HOME`)."""
    home = tmp_path / "k2-home"
    monkeypatch.setenv("K2_HOME", str(home))
    return home
