"""What a server serves and how hard it works: the settings `k2-infer serve` builds from its flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

KEYS_ENV = "K2_SERVE_API_KEYS"


def keys_from_env() -> list[str]:
    """The API keys in `K2_SERVE_API_KEYS` (comma-separated)."""
    return [key.strip() for key in os.environ.get(KEYS_ENV, "").split(",") if key.strip()]


@dataclass
class ServeSettings:
    """`backend`/`model`/`base_url` name the upstream (`openai` for a base URL); none of them
    means the embedded model, on the fastest local backend installed.

    `api_keys` are the keys clients must present (`Authorization: Bearer KEY`); without any, only
    loopback clients are served. `upstream_api_key` is what the server sends to the upstream.
    """

    recipe: str | None = None
    backend: str | None = None
    model: str | None = None
    base_url: str | None = None
    upstream_api_key: str | None = None
    api_keys: list[str] = field(default_factory=list)
    max_running: int = 64
    max_waiting: int = 256
    deadline: float = 600.0
    max_body_bytes: int = 4 * 1024 * 1024

    @property
    def passthrough(self) -> bool:
        """Plain model names go straight to the upstream server, when there is one."""
        return self.base_url is not None
