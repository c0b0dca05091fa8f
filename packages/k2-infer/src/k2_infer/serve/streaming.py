"""Chat completion bodies and server-sent-event chunks, as OpenAI clients read them.

Pipeline mode streams its progress as `reasoning_content` deltas (the vLLM and DeepSeek convention
for reasoning), then the selected answer as `content`, then a finish chunk, then a `usage` chunk
when the client asked for one (`stream_options.include_usage`), then `data: [DONE]`.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from k2_core import Result, Usage
from k2_core.replies import answer_tag, split_reasoning


def reply_parts(text: str) -> tuple[str, str]:
    """(reasoning, content) of the selected reply: the content is what its `<answer>` tag holds
    (the recipe stops at `</answer>`), or everything after the thinking when it has no tag."""
    reasoning, rest = split_reasoning(text)
    answer = answer_tag(rest)
    return reasoning, rest if answer is None else answer


def total_usage(result: Result) -> Usage:
    """Every call the pipeline made, all roles together."""
    return sum(result.usage.values(), Usage())


def usage_body(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


def role_bill(usage: Usage) -> dict[str, int]:
    """One role's bill: its tokens, the calls it made, and what early stops cut and saved."""
    return {**usage.to_dict(), "total_tokens": usage.total_tokens}


def k2_block(result: Result) -> dict[str, Any]:
    """The pipeline's own account: the bill per role, each candidate's answer (and why a sampler
    stopped it, if it did), why one was chosen."""
    return {
        "usage": {role: role_bill(usage) for role, usage in result.usage.items()},
        "plan": result.plan.to_dict() if result.plan else None,
        "candidates": [
            {
                "index": c.index,
                "answer": c.answer,
                "error": c.error,
                "stopped": c.stopped,
                "finish_reason": c.completion.finish_reason,
                "completion_tokens": c.completion.usage.completion_tokens,
            }
            for c in result.candidates
        ],
        "selection": result.selection.to_dict() if result.selection else None,
        "answer": result.answer,
        "timings": result.timings,
        "events": result.events,
    }


def finish_reason(result: Result) -> str:
    chosen = next(c for c in result.candidates if c.index == result.selection.index)
    return "length" if chosen.completion.finish_reason == "length" else "stop"


@dataclass
class Chunks:
    """The SSE events of one streamed completion (one id and creation time for all of them)."""

    model: str
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex[:24]}")
    created: int = field(default_factory=lambda: int(time.time()))

    def _event(self, choices: list[dict[str, Any]], **extra: Any) -> bytes:
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
            **extra,
        }
        return f"data: {json.dumps(chunk)}\n\n".encode()

    def delta(self, finish_reason: str | None = None, **delta: str) -> bytes:
        return self._event([{"index": 0, "delta": delta, "finish_reason": finish_reason}])

    def usage(self, usage: Usage, **extra: Any) -> bytes:
        return self._event([], usage=usage_body(usage), **extra)

    @staticmethod
    def error(message: str, kind: str) -> bytes:
        return f"data: {json.dumps({'error': {'message': message, 'type': kind}})}\n\n".encode()

    done = b"data: [DONE]\n\n"


def completion_body(model: str, result: Result) -> dict[str, Any]:
    """The non-streamed answer: the selected reply (reasoning split off), the summed usage, `k2`."""
    reasoning, content = reply_parts(result.text)
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning:
        message["reasoning_content"] = reasoning
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(result)}],
        "usage": usage_body(total_usage(result)),
        "k2": k2_block(result),
    }
