"""Key and base URL resolution, and what an SDK error becomes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from k2_cerebras.backend import CerebrasBackend
from k2_cerebras.client import DEFAULT_BASE_URL, normalise_base_url, resolve_settings
from k2_core.errors import InputError


def test_missing_key_says_where_to_set_it():
    with pytest.raises(InputError) as info:
        CerebrasBackend("m")
    message = str(info.value)
    assert "\n" not in message
    assert "CEREBRAS_API_KEY" in message and "--api-key" in message


def test_key_from_environment_or_option(monkeypatch):
    monkeypatch.setenv("CEREBRAS_API_KEY", "csk-from-env")
    assert resolve_settings().api_key == "csk-from-env"
    assert resolve_settings(api_key="csk-option").api_key == "csk-option"


def test_key_never_in_repr(monkeypatch):
    settings = resolve_settings(api_key="csk-secret")
    backend = CerebrasBackend("m", api_key="csk-secret")
    assert "csk-secret" not in repr(settings) and "csk-secret" not in repr(backend)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://api.cerebras.ai", "https://api.cerebras.ai"),
        ("https://api.cerebras.ai/v1", "https://api.cerebras.ai"),
        ("https://api.cerebras.ai/v1/", "https://api.cerebras.ai"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://proxy.local/cerebras/v1", "http://proxy.local/cerebras"),
    ],
)
def test_base_url_is_normalised(given, expected):
    assert normalise_base_url(given) == expected


def test_base_url_from_option_then_environment_then_default(monkeypatch):
    assert resolve_settings(api_key="k").base_url == DEFAULT_BASE_URL
    monkeypatch.setenv("CEREBRAS_BASE_URL", "http://env.local/v1")
    assert resolve_settings(api_key="k").base_url == "http://env.local"
    assert resolve_settings(api_key="k", base_url="http://opt.local").base_url == "http://opt.local"


def test_base_url_must_be_http():
    with pytest.raises(InputError, match="not an http"):
        normalise_base_url("api.cerebras.ai")


def test_client_uses_the_normalised_url_and_options():
    backend = CerebrasBackend(
        "m", api_key="k", base_url="http://x.local/v1", timeout=5, max_retries=1
    )
    assert str(backend.client.base_url).rstrip("/") == "http://x.local"
    assert backend.client.max_retries == 1
    assert backend.settings.timeout == 5.0


def test_no_network_at_import_or_construction():
    """Import every module and build a backend for the real URL with sockets that refuse to connect."""
    code = """
import socket
calls = []

def refuse(*args, **kwargs):
    calls.append(args)
    raise OSError("network call")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.getaddrinfo = socket.create_connection = refuse
import k2_cerebras.plugin, k2_cerebras.cli, k2_cerebras.bench
from k2_core.registry import get_registry
get_registry().create("backend", "cerebras", model="m", api_key="csk-x")
print("network calls:", len(calls))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "network calls: 0"
