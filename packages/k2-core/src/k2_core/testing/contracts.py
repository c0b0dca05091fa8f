"""Contract tests that third-party plugins subclass to prove they behave.

    from k2_core.testing.contracts import VerifierContract

    class TestPalindrome(VerifierContract):
        verifier_name = "palindrome"
        cases = [("<answer>abba</answer>", Problem(id="1", prompt="", domain="palindrome"), True), ...]

Each contract is a plain class (its name does not start with `Test`, so pytest only collects your
subclass). Class attributes say what to build; every `test_*` method checks one promise.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from ..protocols import Backend, Selector, Verifier
from ..registry import get_registry
from ..types import Candidate, Completion, GenerationRequest, Message, Problem, SamplingParams

HOSTILE_RESPONSES = [
    "",
    " \n\t ",
    "x" * 100_000,
    "{" * 5000 + "}" * 5000,
    "\\boxed{" * 2000,
    "<answer>" * 1000,
    "\x00\x01\ufffd\U0001f600 ∞ √",
    "```python\nimport os; os.system('echo pwned')\n```",
]


class VerifierContract:
    """Subclass and set `verifier_name`, `cases` (response, problem, expected correct), `options`."""

    verifier_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    cases: ClassVar[list[tuple[str, Problem, bool]]] = []

    def make_verifier(self) -> Verifier:
        return get_registry().create("verifier", self.verifier_name, **self.options)

    def test_is_registered(self):
        assert self.verifier_name in get_registry().names("verifier")

    def test_implements_protocol(self):
        verifier = self.make_verifier()
        assert isinstance(verifier, Verifier)
        assert isinstance(verifier.needs_ground_truth, bool)

    def test_cases_cover_both_labels(self):
        labels = {expected for _, _, expected in self.cases}
        assert labels == {True, False}, "give at least one correct and one incorrect case"

    def test_cases(self):
        verifier = self.make_verifier()
        for response, problem, expected in self.cases:
            verdict = verifier.verify(response, problem)
            assert 0.0 <= verdict.score <= 1.0, verdict
            assert verdict.correct is expected, (response, verdict)
            assert verdict.reason, "a verdict says why"

    def test_deterministic(self):
        verifier = self.make_verifier()
        for response, problem, _ in self.cases:
            first = verifier.verify(response, problem).to_dict()
            assert verifier.verify(response, problem).to_dict() == first

    def test_hostile_input_gives_a_verdict(self):
        verifier = self.make_verifier()
        problem = self.cases[0][1]
        for response in HOSTILE_RESPONSES:
            verdict = verifier.verify(response, problem)
            assert 0.0 <= verdict.score <= 1.0
            if not response.strip():
                assert not verdict.correct, "an empty response is never correct"

    def test_verdict_is_json_serialisable(self):
        response, problem, _ = self.cases[0]
        json.dumps(self.make_verifier().verify(response, problem).to_dict())


class BackendContract:
    """Subclass and set `backend_name` and `options` (point it at a local server or model)."""

    backend_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    prompt: ClassVar[str] = "Say hello."
    max_tokens: ClassVar[int] = 16

    def make_backend(self) -> Backend:
        return get_registry().create("backend", self.backend_name, **self.options)

    def request(self, n: int = 1) -> GenerationRequest:
        params = SamplingParams(max_tokens=self.max_tokens, temperature=1.0, n=n, seed=0)
        return GenerationRequest([Message("user", self.prompt)], params)

    def run(self, make_coro):
        async def main():
            backend = self.make_backend()
            try:
                return await make_coro(backend)
            finally:
                await backend.aclose()

        return asyncio.run(main())

    def test_implements_protocol(self):
        assert isinstance(self.make_backend(), Backend)

    def test_returns_n_completions_with_accounting(self):
        completions = self.run(lambda backend: backend.generate(self.request(n=2)))
        assert len(completions) == 2
        for completion in completions:
            assert isinstance(completion, Completion)
            assert completion.finish_reason in {"stop", "length"}
            assert 0 < completion.usage.completion_tokens <= self.max_tokens
            assert completion.usage.prompt_tokens > 0
            assert completion.latency > 0
            assert completion.backend

    def test_concurrent_requests(self):
        async def three(backend):
            return await asyncio.gather(*(backend.generate(self.request()) for _ in range(3)))

        assert [len(batch) for batch in self.run(three)] == [1, 1, 1]


class SelectorContract:
    """Subclass and set `selector_name`, `options`, and `judge_backend()` if the selector needs one.

    The selector is handed `verifier()` as the problem's verifier: None by default (a problem no
    verifier serves); override it for a selector that needs one.
    """

    selector_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}

    def judge_backend(self) -> Backend | None:
        return None

    def verifier(self) -> Verifier | None:
        return None

    def candidates(self) -> list[Candidate]:
        texts = ["<answer>4</answer>", "<answer>5</answer>", "<answer>4</answer>"]
        return [Candidate(i, Completion(t), answer=t[8:-9]) for i, t in enumerate(texts)]

    def test_implements_protocol(self):
        assert isinstance(
            get_registry().create("selector", self.selector_name, **self.options), Selector
        )

    def test_selects_a_candidate(self):
        selector = get_registry().create("selector", self.selector_name, **self.options)
        problem = Problem(id="p", prompt="What is 2 + 2?", ground_truth=None)
        candidates = self.candidates()
        selection = asyncio.run(
            selector.select(problem, candidates, self.judge_backend(), self.verifier())
        )
        assert 0 <= selection.index < len(candidates)
        assert selection.selector == self.selector_name
