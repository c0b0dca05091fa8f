"""k2-core's built-in plugin: the scripted `fake` backend and the `k2-think` recipe."""

from __future__ import annotations

from . import hookimpl
from .recipes import BUILTIN_DIR
from .testing.fake_backend import FakeBackend


@hookimpl
def k2_register_backends(register):
    register("fake", FakeBackend, description="scripted replies, for tests and demos")


@hookimpl
def k2_register_recipes(register):
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        register(path.stem, path)
