"""A scripted backend for tests and demos, registered as backend `fake`.

    backend = FakeBackend(["<answer>4</answer>", "<answer>5</answer>"], latency=0.1)
    backend = FakeBackend({"planner": '{"hard": true, "topics": ["algebra"]}', "solver": [...]})

Replies are a string, a list (used in turn, cycling), a callable `(request, index) -> str`, or a dict
of any of those keyed by request role (`solver`, `planner`, `judge`; key `*` for the rest). Without
replies it reads `K2_FAKE_REPLIES` (a JSON string, list or dict) so CLI runs can be scripted too.
Stop strings cut the reply like a real server would (the stop string itself is dropped); max_tokens
cuts it at that many whitespace-separated tokens with finish reason `length`. `fail_times=K` makes
the first K calls fail as a server would after its retries (`RetriesExhausted`: worth trying again).

Log-probabilities, when a request asks for them (`params.logprobs`), come one per word: each word
has log-probability `logprob` (a number, or a callable `(reply text) -> number` so some replies can
be less sure than others) and `params.logprobs` alternatives with that same value, so its DeepConf
token confidence is exactly `-logprob`. A request's `watch` is fed the words one by one, as a
streaming server would; when it returns False the reply ends there (finish reason `cancelled`).
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
from ..types import Completion, GenerationRequest, TokenLogprob, Usage

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
        logprob: float | Callable[[str], float] = -0.5,
        **_options: Any,
    ) -> None:
        if replies is None:
            raw = os.environ.get("K2_FAKE_REPLIES")
            replies = json.loads(raw) if raw else DEFAULT_REPLY
        self.replies = replies
        self.latency = float(os.environ.get("K2_FAKE_LATENCY", latency))
        self.model = model or "fake"
        self.fail_times = fail_times
        self.logprob = logprob
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
                words, finish = words[: request.params.max_tokens], "length"
                text = " ".join(words)
            tokens = self._tokens(text, words, request.params.logprobs or 0)
            if request.watch is not None:
                kept = next((i + 1 for i, t in enumerate(tokens) if not request.watch(t)), None)
                if kept is not None:
                    words, tokens, finish = words[:kept], tokens[:kept], "cancelled"
                    text = " ".join(words)
            completions.append(
                Completion(
                    text=text,
                    finish_reason=finish,
                    usage=Usage(prompt_tokens, len(words)),
                    latency=time.perf_counter() - start,
                    model=self.model,
                    backend=self.name,
                    logprobs=tokens if request.params.logprobs is not None else None,
                )
            )
        return completions

    def _tokens(self, text: str, words: list[str], k: int) -> list[TokenLogprob]:
        """One token per word, each with the scripted log-probability and `k` equal alternatives."""
        value = self.logprob(text) if callable(self.logprob) else self.logprob
        top = {f"alt{j}": value for j in range(k)}
        return [TokenLogprob(word, value, dict(top)) for word in words]

    @property
    def call_count(self) -> int:
        return len(self.calls)

    async def aclose(self) -> None:
        return None
