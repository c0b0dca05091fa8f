"""Reading Cerebras replies, plain or streamed, defensively, into a `Completion`.

Some servers leave fields out of stream chunks, and the SDK then hands back plain dicts instead of its
models, so every field is read through `value_of()`, which accepts both and treats missing as empty.
Reasoning arrives either in its own field (`message.reasoning` / `delta.reasoning`) or inline as
`<think>...</think>` in the text (read by `k2_core.replies.split_reasoning`, the same rule every
package uses); either way it ends up in `Completion.reasoning`, and the text is left as the model wrote
it so the think/answer format still works.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from k2_core.replies import split_reasoning
from k2_core.types import Completion, Usage

TIME_INFO_METRICS = ("queue_time", "prompt_time", "completion_time", "total_time")


def value_of(obj: Any, name: str, default: Any = None) -> Any:
    """`obj.name` or `obj[name]`; `default` when missing or null."""
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return default if value is None else value


def number(value: Any) -> float | None:
    """A count or time as the server gave it (a number or a numeric string); None if unreadable."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) and result >= 0 else None


def as_dict(obj: Any) -> dict[str, Any]:
    """An SDK model or a dict as a plain dict (`{}` for None)."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    return obj.model_dump()


@dataclass
class Reading:
    """What one reply said. A stream is folded in chunk by chunk with `add_chunk`."""

    text_parts: list[str] = field(default_factory=list)
    reasoning_parts: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    model: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    time_info: dict[str, Any] = field(default_factory=dict)
    time_to_first_token: float | None = None

    def _add_choice(self, choice: Any, body: Any) -> None:
        if content := value_of(body, "content"):
            self.text_parts.append(content)
        if reasoning := value_of(body, "reasoning"):
            self.reasoning_parts.append(reasoning)
        self.finish_reason = value_of(choice, "finish_reason", self.finish_reason)

    def _add_envelope(self, reply: Any) -> None:
        self.model = value_of(reply, "model", self.model)
        self.usage = as_dict(value_of(reply, "usage")) or self.usage
        self.time_info = as_dict(value_of(reply, "time_info")) or self.time_info

    def add_chunk(self, chunk: Any, elapsed: float) -> None:
        """Fold in one stream chunk received `elapsed` seconds after the request was sent."""
        self._add_envelope(chunk)
        choices = value_of(chunk, "choices", [])
        if not choices:
            return
        pieces = len(self.text_parts) + len(self.reasoning_parts)
        self._add_choice(choices[0], value_of(choices[0], "delta", {}))
        if (
            self.time_to_first_token is None
            and len(self.text_parts) + len(self.reasoning_parts) > pieces
        ):
            self.time_to_first_token = elapsed

    @classmethod
    def from_reply(cls, reply: Any) -> Reading:
        """Read a plain (non-streamed) chat completion."""
        reading = cls()
        reading._add_envelope(reply)
        choices = value_of(reply, "choices", [])
        if choices:
            reading._add_choice(choices[0], value_of(choices[0], "message", {}))
        return reading

    def completion(self, *, latency: float, model: str, backend: str) -> Completion:
        """The `Completion`, with `time_info` and token counts as metrics."""
        text = "".join(self.text_parts)
        reasoning = "".join(self.reasoning_parts) or split_reasoning(text)[0]
        metrics: dict[str, Any] = {}
        completion_tokens = number(self.usage.get("completion_tokens"))
        if completion_tokens is None:  # no usage reported: count words instead
            completion_tokens = len(text.split()) + len("".join(self.reasoning_parts).split())
            metrics["usage_estimated"] = True
        details = self.usage.get("completion_tokens_details") or {}
        if isinstance(details, dict) and number(details.get("reasoning_tokens")):
            metrics["reasoning_tokens"] = int(number(details["reasoning_tokens"]))
        for name in TIME_INFO_METRICS:
            if number(self.time_info.get(name)) is not None:
                metrics[name] = number(self.time_info[name])
        if metrics.get("completion_time"):
            metrics["server_tokens_per_second"] = completion_tokens / metrics["completion_time"]
        if self.time_to_first_token is not None:
            metrics["time_to_first_token"] = self.time_to_first_token
        if self.finish_reason not in (None, "stop", "length"):
            metrics["finish_reason"] = self.finish_reason  # content_filter, tool_calls, ...
        return Completion(
            text=text,
            reasoning=reasoning or None,
            finish_reason="length" if self.finish_reason == "length" else "stop",
            usage=Usage(int(number(self.usage.get("prompt_tokens")) or 0), int(completion_tokens)),
            latency=latency,
            model=self.model or model,
            backend=backend,
            metrics=metrics,
        )
