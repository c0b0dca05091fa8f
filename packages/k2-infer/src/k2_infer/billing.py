"""Token accounting for one solve: a backend wrapper that bills every completion to its request's role.

The pipeline hands planners, samplers and selectors a `MeteredBackend`, so the bill per role
(`planner`, `solver`, `judge`: backend calls, prompt tokens, generated tokens, early stops and the
tokens they saved, all in one `Usage` per role) comes out without those components doing any
bookkeeping. (Backends themselves announce each completion through the `k2_on_completion` hook.)

Early stops are billed too: a completion a sampler stopped mid-generation (finish reason
`cancelled`) counts in `Usage.stopped`, and `Usage.saved_tokens` estimates what it did not generate:
the mean length of that role's whole completions billed before it, less what it did generate (0 when
no whole completion came first, so the estimate never runs ahead of the evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k2_core import Completion, GenerationRequest, Usage
from k2_core.protocols import Backend


@dataclass
class Bill:
    """Tokens and backend calls per role (`usage`), and the lengths of each role's whole
    completions so far (`whole`, what a stopped one is measured against)."""

    usage: dict[str, Usage] = field(default_factory=dict)
    whole: dict[str, list[int]] = field(default_factory=dict)

    def add(self, role: str, completions: list[Completion]) -> None:
        """One backend call: its prompt is billed once, however many completions share it."""
        prompt = max((c.usage.prompt_tokens for c in completions), default=0)
        generated = sum(c.usage.completion_tokens for c in completions)
        lengths = self.whole.setdefault(role, [])
        expected = sum(lengths) / len(lengths) if lengths else 0.0
        stopped = [c for c in completions if c.finish_reason == "cancelled"]
        saved = sum(max(0, round(expected) - c.usage.completion_tokens) for c in stopped)
        lengths.extend(
            c.usage.completion_tokens for c in completions if c.finish_reason != "cancelled"
        )
        bill = Usage(prompt, generated, len(stopped), saved, calls=1)
        self.usage[role] = self.usage.get(role, Usage()) + bill


class MeteredBackend:
    """Forwards to `backend` and adds what comes back to `bill`."""

    def __init__(self, backend: Backend, bill: Bill) -> None:
        self.backend = backend
        self.bill = bill
        self.name = backend.name

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        completions = await self.backend.generate(request)
        self.bill.add(request.role, completions)
        return completions

    async def aclose(self) -> None:
        """Closing is left to whoever opened the wrapped backend."""
