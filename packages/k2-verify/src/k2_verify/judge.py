"""The `judge` verifier: an LLM decides whether a free-form answer matches the reference.

For science questions with short free-form answers (Guru `stem_web`) and HLE. The response's final
answer (last `\\boxed{}` after the reasoning, else the `<answer>` content) goes to a judge model with
the question and the reference answer. The judge is any registered backend:

    judge = get_registry().create("verifier", "judge", backend="openai", model="gpt-4o-mini",
                                  base_url="http://127.0.0.1:8000/v1")

`template` replaces the judge prompt (fields `{question}`, `{reference}`, `{answer}`); other options
not named below are passed to the backend factory. Without options the backend and model come
from `K2_JUDGE_BACKEND` (default `openai`) and `K2_JUDGE_MODEL`. The request asks for JSON through
`response_format` (a JSON schema); backends that ignore it are read leniently: a JSON object, else a
"Final Decision: Yes/No" line (the Guru judge's format), else a leading yes/no. Anything that goes wrong
(no backend, a server error, a timeout, an unreadable reply) is a verdict with score 0 and a reason
(`judge_unavailable`, `judge_error`, `timeout`, `judge_unparseable`), never an exception.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import threading
from typing import Any

from k2_core import GenerationRequest, K2Error, Message, Problem, SamplingParams, Verdict
from k2_core.registry import get_registry
from k2_core.replies import after_thinking, answer_tag, last_boxed, parse_json

from .base import verdict

PROMPT = """You are grading a student's final answer against the reference answer.

Question:
{question}

Reference answer:
{reference}

Student's final answer:
{answer}

Decide whether the student's answer is equivalent to the reference: the same value or meaning, \
allowing different notation, units written differently and rounding to the reference's precision. \
Do not solve the question yourself.
Reply with a JSON object {{"equivalent": true or false, "reason": "<one sentence>"}}."""

RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "judgement",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"equivalent": {"type": "boolean"}, "reason": {"type": "string"}},
            "required": ["equivalent", "reason"],
            "additionalProperties": False,
        },
    },
}

MAX_ANSWER_CHARS = 4000
_FLAT_OBJECT = re.compile(r"\{[^{}]*\}")  # the judgement is one flat JSON object
_DECISION = re.compile(r"final\s+decision[\s:*]{0,12}(yes|no)\b", re.IGNORECASE)
_LEADING_WORD = re.compile(r"^\W*(yes|no|true|false|correct|incorrect|equivalent)\b", re.IGNORECASE)
_TRUE_WORDS = {"yes", "true", "correct", "equivalent"}


def parse_judgement(text: str) -> bool | None:
    """The judge's decision read leniently from its reply, or None when it says neither."""
    text = after_thinking(text)
    for candidate in _FLAT_OBJECT.findall(text):
        try:
            data = parse_json(candidate)
        except ValueError:
            continue
        for key in ("equivalent", "correct", "match", "decision"):
            if isinstance(data, dict) and key in data:
                value = data[key]
                return value if isinstance(value, bool) else str(value).lower() in _TRUE_WORDS
    decisions = _DECISION.findall(text)
    if decisions:
        return decisions[-1].lower() == "yes"
    leading = _LEADING_WORD.match(text)
    return leading.group(1).lower() in _TRUE_WORDS if leading else None


class JudgeVerifier:
    """Asks a judge model whether the final answer matches the reference (see the module docstring)."""

    name = "judge"
    needs_ground_truth = True

    def __init__(
        self,
        backend: str | None = None,
        model: str | None = None,
        template: str = PROMPT,
        max_tokens: int = 512,
        timeout: float = 120.0,
        **backend_options: Any,
    ) -> None:
        self.backend_name = backend or os.environ.get("K2_JUDGE_BACKEND", "openai")
        self.model = model or os.environ.get("K2_JUDGE_MODEL")
        self.template = template
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.backend_options = backend_options
        self._backend = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def verify(self, response: str, problem: Problem) -> Verdict:
        final = after_thinking(response)
        answer = last_boxed(final) or answer_tag(final)
        if not answer:
            return verdict(0.0, None, "no_answer")
        if problem.ground_truth is None:
            return verdict(0.0, answer, "bad_ground_truth")
        request = GenerationRequest(
            messages=[
                Message(
                    "user",
                    self.template.format(
                        question=problem.prompt,
                        reference=problem.ground_truth,
                        answer=answer[:MAX_ANSWER_CHARS],
                    ),
                )
            ],
            params=SamplingParams(max_tokens=self.max_tokens, temperature=0.0),
            model=self.model,
            response_format=RESPONSE_FORMAT,
            role="judge",
        )
        try:
            backend = self._get_backend()
        except K2Error as error:
            return verdict(0.0, answer, "judge_unavailable", error=str(error))
        future = asyncio.run_coroutine_threadsafe(backend.generate(request), self._get_loop())
        try:
            completions = future.result(self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return verdict(0.0, answer, "timeout", timeout=self.timeout)
        except Exception as error:  # the judge failing must not fail the caller
            return verdict(
                0.0, answer, "judge_error", error=f"{type(error).__name__}: {error}"[:300]
            )
        reply = completions[0].text if completions else ""
        decision = parse_judgement(reply)
        if decision is None:
            return verdict(0.0, answer, "judge_unparseable", reply=reply[:300])
        return verdict(1.0 if decision else 0.0, answer, "equivalent" if decision else "different")

    def _get_backend(self):
        with self._lock:
            if self._backend is None:
                options = dict(self.backend_options)
                if self.model:
                    options["model"] = self.model
                self._backend = get_registry().create("backend", self.backend_name, **options)
            return self._backend

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        """An event loop on a daemon thread, shared by this judge's calls (async clients stay bound to it).

        It works the same whether `verify` is called from plain code or from inside a running loop.
        """
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(
                    target=self._loop.run_forever, daemon=True, name="k2-judge"
                ).start()
            return self._loop
