"""Building the Cerebras SDK client, and turning its errors into one-line `K2Error`s.

The key comes from the `api_key` option or `CEREBRAS_API_KEY`; the base URL from `base_url` or
`CEREBRAS_BASE_URL`, written without `/v1` as the SDK expects (a trailing `/v1` is dropped rather
than producing 404s). The SDK pings the server when a client is built (`warm_tcp_connection`); that
stays off unless asked for, so building a backend never touches the network.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from k2_core.errors import BackendError, InputError

DEFAULT_BASE_URL = "https://api.cerebras.ai"
DEFAULT_TIMEOUT = 600.0  # seconds per read: long reasoning streams pause between chunks
DEFAULT_MAX_RETRIES = 4


@dataclass
class Settings:
    """Where and how to reach Cerebras. `repr` never shows the key."""

    api_key: str
    base_url: str
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES

    def __repr__(self) -> str:
        return f"Settings(base_url={self.base_url!r}, timeout={self.timeout}, api_key=***)"


def normalise_base_url(url: str) -> str:
    """`https://api.cerebras.ai/v1/` -> `https://api.cerebras.ai` (the SDK adds `/v1` itself)."""
    url = url.strip().rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    if not url.startswith(("http://", "https://")):
        raise InputError(
            f"Cerebras base URL {url!r} is not an http(s) URL",
            "pass e.g. --base-url https://api.cerebras.ai",
        )
    return url


def resolve_settings(
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> Settings:
    """Settings from options, falling back to `CEREBRAS_API_KEY` / `CEREBRAS_BASE_URL`."""
    key = api_key or os.environ.get("CEREBRAS_API_KEY")
    if not key:
        raise InputError(
            "no Cerebras API key",
            "set CEREBRAS_API_KEY (get a key at https://cloud.cerebras.ai) or pass --api-key",
        )
    url = normalise_base_url(base_url or os.environ.get("CEREBRAS_BASE_URL") or DEFAULT_BASE_URL)
    return Settings(
        api_key=key,
        base_url=url,
        timeout=DEFAULT_TIMEOUT if timeout is None else float(timeout),
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else int(max_retries),
    )


def make_client(settings: Settings, *, warm_tcp_connection: bool = False):
    """The SDK's async client. Its own retries honour `retry-after` / `retry-after-ms` on 429/5xx."""
    from cerebras.cloud.sdk import AsyncCerebras

    return AsyncCerebras(
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        warm_tcp_connection=warm_tcp_connection,
    )


def redact(text: str, settings: Settings) -> str:
    """`text` with the API key replaced, for anything that may be shown or logged."""
    return text.replace(settings.api_key, "***") if settings.api_key else text


def error_detail(exc: Exception) -> tuple[str, str | None]:
    """The server's message and the parameter it names (if any) from an SDK status error."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or str(exc)
        return str(message), body.get("param")
    return str(getattr(exc, "message", exc)), None


def translate_error(
    exc: Exception,
    settings: Settings,
    model: str,
    models: list[str] | None = None,
    params: Sequence[str] = (),
) -> BackendError:
    """A one-line `BackendError` for an SDK exception.

    `models` (for a 404) lists what the server has; `params` are the names sent, so a 400 that names
    none explicitly can still point at the one its message mentions.
    """
    from cerebras.cloud import sdk

    message, param = error_detail(exc)
    param = param or next((p for p in params if p in message), None)
    message = redact(message, settings)
    where = settings.base_url
    if isinstance(exc, sdk.AuthenticationError):
        return BackendError(
            f"Cerebras at {where} rejected the API key (401)",
            "check CEREBRAS_API_KEY or --api-key (keys: https://cloud.cerebras.ai)",
        )
    if isinstance(exc, sdk.PermissionDeniedError):
        return BackendError(
            f"Cerebras at {where} refused access (403): {message}",
            f"check that your key's account may use model {model!r}",
        )
    if isinstance(exc, sdk.NotFoundError) and not model:
        return BackendError(
            f"{where} has no Cerebras API (404 on /v1/models)",
            "check --base-url / CEREBRAS_BASE_URL (without /v1)",
        )
    if isinstance(exc, sdk.NotFoundError):
        hint = (
            f"models there: {', '.join(models)}"
            if models
            else "run `k2-cerebras models` to see the models"
        )
        return BackendError(f"Cerebras at {where} has no model {model!r} (404)", hint)
    if isinstance(exc, sdk.BadRequestError | sdk.UnprocessableEntityError):
        what = f"parameter {param!r}" if param else "the request"
        return BackendError(
            f"Cerebras refused {what} for model {model!r} ({exc.status_code}): {message}",
            "change or drop it (Cerebras models differ in what they accept)",
        )
    if isinstance(exc, sdk.RateLimitError):
        return BackendError(
            f"Cerebras rate limit still hit after {settings.max_retries} retries (429): {message}",
            "lower the concurrency, or wait for the limit to reset",
        )
    if isinstance(exc, sdk.InternalServerError):
        return BackendError(
            f"Cerebras answered {exc.status_code} after {settings.max_retries} retries: {message}",
            "try again later; see https://status.cerebras.ai",
        )
    if isinstance(exc, sdk.APIStatusError):  # other statuses, and errors sent mid-stream
        return BackendError(
            f"Cerebras reported an error ({exc.status_code}): {message}",
            "try again; if it persists, check the request's parameters",
        )
    if isinstance(exc, sdk.APITimeoutError):
        return BackendError(
            f"Cerebras at {where} did not answer within {settings.timeout:g} s",
            "raise the `timeout` option, or lower max_tokens",
        )
    if isinstance(exc, sdk.APIConnectionError):
        return BackendError(
            f"cannot reach Cerebras at {where}",
            "check --base-url / CEREBRAS_BASE_URL and the network",
        )
    return BackendError(f"Cerebras request failed: {redact(str(exc), settings)}", None)
