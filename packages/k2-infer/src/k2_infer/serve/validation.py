"""Reading a chat completions request body into a `ChatRequest`, or a 400 naming the bad field.

Only what the server itself acts on is checked here: the model, the messages, `stream` and its
options, the sampling fields the pipeline uses, `n`, and the K2 options that arrive in
`extra_body` as `{"k2": {...}}`. Everything else in a pass-through request goes to the upstream
untouched, so the upstream's own rules (`tools`, `response_format`, ...) apply to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, invalid

MAX_CANDIDATES = 64
K2_OPTIONS = ("n", "selector", "planner", "domain", "ground_truth")


@dataclass(frozen=True)
class K2Options:
    """Pipeline settings for one request (`None`: the recipe's)."""

    n: int | None = None
    selector: str | None = None
    planner: str | None = None
    domain: str | None = None
    ground_truth: Any = None


@dataclass
class ChatRequest:
    """The parts of a chat completions request the server acts on; `body` is the whole JSON."""

    model: str
    messages: list[dict[str, Any]]
    body: dict[str, Any]
    stream: bool = False
    include_usage: bool = False
    n: int = 1
    sampling: dict[str, Any] = field(default_factory=dict)
    k2: K2Options | None = None

    def prompt(self) -> str:
        """The problem for the pipeline: the text of the last user message."""
        last = next(m for m in reversed(self.messages) if m["role"] == "user")
        content = last["content"]
        if isinstance(content, str):
            return content
        return "\n".join(part.get("text", "") for part in content if part.get("type") == "text")


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ApiError(
            400, f"the request body is not valid JSON ({error})", code="invalid_json"
        ) from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object", code="invalid_json")
    return body


def _check(body: dict[str, Any], name: str, kinds: tuple[type, ...], what: str) -> Any:
    value = body.get(name)
    if value is None:
        return None
    # JSON booleans are Python ints: never accept one where a number is asked for
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise invalid(name, f"must be {what}, not {json.dumps(value)[:40]}")
    return value


def _number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = _check(body, name, (int, float), "a number")
    if value is not None and not low <= value <= high:
        raise invalid(name, f"must be between {low:g} and {high:g}, not {value}")
    return value


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid("messages", "must be a non-empty list of messages")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise invalid(f"messages[{i}]", "must be an object with a string `role`")
        content = message.get("content")
        if content is not None and not isinstance(content, str | list):
            raise invalid(f"messages[{i}].content", "must be a string or a list of parts")
    return messages


def _k2_options(body: dict[str, Any]) -> K2Options | None:
    options = body.get("k2")
    if options is None:
        return None
    if not isinstance(options, dict):
        raise invalid("k2", "must be an object of pipeline options")
    unknown = sorted(set(options) - set(K2_OPTIONS))
    if unknown:
        raise invalid(f"k2.{unknown[0]}", f"unknown option; known: {', '.join(K2_OPTIONS)}")
    n = _check(options, "n", (int,), "an integer")
    if n is not None and not 1 <= n <= MAX_CANDIDATES:
        raise invalid("k2.n", f"must be between 1 and {MAX_CANDIDATES}, not {n}")
    for name in ("selector", "planner", "domain"):
        if _check(options, name, (str,), "a string") == "":
            raise invalid(f"k2.{name}", "must not be empty")
    return K2Options(
        n=n,
        selector=options.get("selector"),
        planner=options.get("planner"),
        domain=options.get("domain"),
        ground_truth=options.get("ground_truth"),
    )


def parse_chat(raw: bytes) -> ChatRequest:
    """The request in `raw`, checked; raises `ApiError` (400) naming the first bad field."""
    body = parse_json(raw)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise invalid("model", "must be a non-empty string naming a model (see GET /v1/models)")
    messages = _messages(body)
    stream = _check(body, "stream", (bool,), "true or false") or False
    stream_options = _check(body, "stream_options", (dict,), "an object") or {}
    n = _check(body, "n", (int,), "an integer")
    if n is not None and n < 1:
        raise invalid("n", f"must be at least 1, not {n}")
    stop = body.get("stop")
    if stop is not None and not (
        isinstance(stop, str) or isinstance(stop, list) and all(isinstance(s, str) for s in stop)
    ):
        raise invalid("stop", "must be a string or a list of strings")
    max_tokens = _check(body, "max_completion_tokens", (int,), "an integer") or _check(
        body, "max_tokens", (int,), "an integer"
    )
    if max_tokens is not None and max_tokens < 1:
        raise invalid("max_tokens", f"must be at least 1, not {max_tokens}")
    sampling = {
        "max_tokens": max_tokens,
        "temperature": _number(body, "temperature", 0, 2),
        "top_p": _number(body, "top_p", 0, 1),
        "stop": [stop] if isinstance(stop, str) else stop,
        "seed": _check(body, "seed", (int,), "an integer"),
    }
    return ChatRequest(
        model=model,
        messages=messages,
        body=body,
        stream=stream,
        include_usage=bool(stream_options.get("include_usage")),
        n=n or 1,
        sampling={key: value for key, value in sampling.items() if value is not None},
        k2=_k2_options(body),
    )


def require_pipeline_fields(request: ChatRequest) -> None:
    """What pipeline mode needs beyond a valid request: one answer, and a user message to solve."""
    if request.n != 1:
        raise invalid(
            "n",
            "a k2/ model returns one selected answer; ask for candidates with extra_body "
            '{"k2": {"n": N}}',
        )
    if not any(m["role"] == "user" for m in request.messages):
        raise invalid("messages", "must contain a user message: the problem to solve")
    if not request.prompt().strip():
        raise invalid("messages", "the last user message is empty")


def reject_k2_options(request: ChatRequest) -> None:
    if request.k2 is not None:
        raise invalid("k2", f"pipeline options apply to k2/ models, not {request.model!r}")
