"""Errors the server answers with, in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.

Every message is one line written here, from what the server knows: never a traceback, never a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    502: "upstream_error",
    504: "timeout_error",
}


@dataclass
class ApiError(Exception):
    """An answer other than 200: its status, a one-line message, the offending field if any."""

    status: int
    message: str
    param: str | None = None
    code: str | None = None
    headers: dict[str, str] | None = None

    def body(self) -> dict[str, Any]:
        kind = _TYPES.get(self.status, "server_error")
        return {
            "error": {
                "message": self.message,
                "type": kind,
                "param": self.param,
                "code": self.code or kind,
            }
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def invalid(param: str, reason: str) -> ApiError:
    """A 400 naming the field and what is wrong with it."""
    return ApiError(400, f"{param}: {reason}", param=param, code="invalid_value")
