"""A scripted backend for tests and demos, registered as backend `fake`.

    backend = FakeBackend(["<answer>4</answer>", "<answer>5</answer>"], latency=0.1)
    backend = FakeBackend({"planner": '{"hard": true, "topics": ["algebra"]}', "solver": [...]})

Replies are a string, a list (used in turn, cycling), a callable `(request, index) -> str`, or a dict
of any of those keyed by request role (`solver`, `planner`, `judge`; key `*` for the rest). Without
replies it reads `K2_FAKE_REPLIES` (a JSON string, list or dict) so CLI runs can be scripted too.
Stop strings cut the reply like a real server would (the stop string itself is dropped); max_tokens
cuts it at that many whitespace-separated tokens with finish reason `length`. `fail_times=K` makes
the first K calls fail as a server would after its retries (`RetriesExhausted`: worth trying again).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections.abc import Callable
from typing import Any

from ..errors import BackendError, RetriesExhausted
from ..types import Completion, GenerationRequest, Usage

Script = str | list[str] | Callable[[GenerationRequest, int], str]
DEFAULT_REPLY = "<think>2 + 2 = 4</think> <answer>\\boxed{4}</answer>"


class FakeBackend:
    name = "fake"

    def __init__(
        self,
        replies: Script | dict[str, Script] | None = None,
        *,
        latency: float = 0.0,
        model: str | None = None,
        fail_times: int = 0,
        **_options: Any,
    ) -> None:
        if replies is None:
            raw = os.environ.get("K2_FAKE_REPLIES")
            replies = json.loads(raw) if raw else DEFAULT_REPLY
        self.replies = replies
        self.latency = float(os.environ.get("K2_FAKE_LATENCY", latency))
        self.model = model or "fake"
        self.fail_times = fail_times
        self.calls: list[GenerationRequest] = []
        self._counters: dict[str, itertools.count] = {}

    def _script_for(self, role: str) -> Script:
        if isinstance(self.replies, dict):
            if role in self.replies:
                return self.replies[role]
            if "*" in self.replies:
                return self.replies["*"]
            raise BackendError(f"fake backend has no reply for role {role!r}", "add it to replies")
        return self.replies

    def _next(self, request: GenerationRequest) -> str:
        script = self._script_for(request.role)
        index = next(self._counters.setdefault(request.role, itertools.count()))
        if callable(script):
            return script(request, index)
        if isinstance(script, str):
            return script
        return script[index % len(script)]

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        self.calls.append(request)
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RetriesExhausted("fake backend scripted failure", "this is a test")
        start = time.perf_counter()
        if self.latency:
            await asyncio.sleep(self.latency)
        prompt_tokens = sum(len(m.content.split()) for m in request.messages)
        completions = []
        for _ in range(request.params.n):
            text, finish = self._next(request), "stop"
            for stop in request.params.stop:
                if stop in text:
                    text = text[: text.index(stop)]
            words = text.split()
            if len(words) > request.params.max_tokens:
                text, finish = " ".join(words[: request.params.max_tokens]), "length"
            completions.append(
                Completion(
                    text=text,
                    finish_reason=finish,
                    usage=Usage(prompt_tokens, min(len(words), request.params.max_tokens)),
                    latency=time.perf_counter() - start,
                    model=self.model,
                    backend=self.name,
                )
            )
        return completions

    @property
    def call_count(self) -> int:
        return len(self.calls)

    async def aclose(self) -> None:
        return None
