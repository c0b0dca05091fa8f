"""pytest fixtures for k2 plugin authors (loaded through the `pytest11` entry point)."""

from __future__ import annotations

import pytest

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
def fake_backend() -> FakeBackend:
    """A `FakeBackend` with the default reply; set `.replies` to script it."""
    return FakeBackend()


@pytest.fixture
def k2_home(tmp_path, monkeypatch):
    """A temporary k2 home folder (`K2_HOME`)."""
    home = tmp_path / "k2-home"
    monkeypatch.setenv("K2_HOME", str(home))
    return home
