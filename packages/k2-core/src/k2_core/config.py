"""User defaults for every k2 CLI: environment variables first, then the user config file.

    # ~/.cache/k2/config.toml  (or $K2_CONFIG; `k2 config` prints the path and what is set)
    backend = "openai"
    model = "Qwen/Qwen3-0.6B"
    base_url = "http://127.0.0.1:8000/v1"

    K2_BACKEND=cerebras K2_MODEL=qwen-3-32b k2-infer solve "What is 7 * 6?"

A flag on the command line beats both; `K2_<NAME>` beats the file. API keys stay in each backend's
own environment variable (`OPENAI_API_KEY`, `CEREBRAS_API_KEY`), never in this file.
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from .errors import InputError
from .paths import config_file

SETTINGS = ("backend", "model", "base_url")


def user_config() -> dict[str, Any]:
    """The user config file's settings ({} when there is none); an unknown key is refused."""
    path = config_file()
    if not path.is_file():
        return {}
    try:
        values = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML ({exc})", "fix or remove the file") from None
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise InputError(
            f"{path} has unknown setting {unknown[0]!r}", f"settings are: {', '.join(SETTINGS)}"
        )
    return values


def user_default(name: str) -> str | None:
    """`$K2_<NAME>`, else the config file's `name`, else None (`name` is one of `SETTINGS`)."""
    value = os.environ.get(f"K2_{name.upper()}") or user_config().get(name)
    return str(value) if value else None


def user_defaults() -> dict[str, str]:
    """Every setting that the environment or the config file gives, by name."""
    return {name: value for name in SETTINGS if (value := user_default(name))}
