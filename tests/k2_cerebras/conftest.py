"""Fixtures for the k2-cerebras tests: a fake Cerebras server and backends pointed at it."""

from __future__ import annotations

import asyncio

import pytest

from k2_cerebras.testing import FakeCerebrasServer
from k2_core.registry import get_registry


@pytest.fixture(autouse=True)
def no_cerebras_env(monkeypatch):
    """Tests never see the developer's real key or URL."""
    monkeypatch.delenv("CEREBRAS_API_KEY", raising=False)
    monkeypatch.delenv("CEREBRAS_BASE_URL", raising=False)
    monkeypatch.delenv("CEREBRAS_CUSTOM_HEADERS", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def server():
    """A running `FakeCerebrasServer`; tests set `replies`, `faults`, ... on it."""
    with FakeCerebrasServer() as fake:
        yield fake


@pytest.fixture
def generate(server):
    """`generate(request, **options)`: run one request on a fresh backend pointed at `server`,
    built through the registry as every host builds it (so observation hooks fire)."""

    def run(request, **options):
        async def main():
            options.setdefault("model", "fake-model")
            options.setdefault("api_key", server.api_key)
            backend = get_registry().create("backend", "cerebras", base_url=server.url, **options)
            try:
                return await backend.generate(request)
            finally:
                await backend.aclose()

        return asyncio.run(main())

    return run
