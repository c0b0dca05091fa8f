"""K2-Think-Inference step for step: the planner, sampler and selector of the `k2-think-reference` recipe.

The published inference script (MBZUAI-IFM/K2-Think-Inference, `main.py`, commit
a576a0744646520fdee39cca35b9e5255c236d9e) differs from the `k2-think` recipe in ways that change
answers, calls and tokens. These parts reproduce it; its prompt texts are quoted below as data.

1. **Per-sample planning.** Each of the N samples makes its own two planner calls before solving:
   the topics call (JSON `{is_hard_problem, plan, search_list}`; only `search_list` is used, and an
   easy problem gets no plan) and, for a hard problem, the plan call, whose `<plan>…</plan>` part
   becomes the `<ideas>` of the solver prompt. A reply that is not JSON fails that sample, as there.
2. **Sampling.** Solver system prompt `PROMPTS["k2-think"]`, temperature 1.0, no top-p or stop.
   The script sends no `max_tokens` (the server's limit applies); k2 always sends one, so the recipe
   sets it near the engine's maximum. Samples run concurrently with its timeouts: a 2 h hard
   timeout, and a soft timeout of 20 minutes (1200 s), not the 9 minutes its comments and defaults
   say: `run()` passes `timeout=1200` positionally into `run_at_least_one`'s `soft_timeout`. The
   wait is the `best-of-n` sampler's (what finished by the soft timeout is used; if nothing had, the
   first to finish), polled there every 10 s.
3. **Selection.** A linear scan, one order only: the best so far is "Response 0", the next sample
   "Response 1"; each response is the text after the first `</think>` (up to any second one), or a
   "No answer was found" note with the last 2,000 characters. The judge's reply is JSON
   `{index, explanation}` and `index == 1` replaces the best; N - 1 calls, in sequence.

Where k2 cannot follow the script it says so here: the planner and judge run on the pipeline's judge
backend (the script's planner LLM is one endpoint for both); the plan call's
`chat_template_kwargs={"enable_thinking": False}` is not sent; failed samples are left out of the
scan (the script judges them as "No answer."); per-sample plans are not kept in `Result.plan`.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from k2_core import (
    Candidate,
    GenerationRequest,
    Message,
    Plan,
    Problem,
    SamplingParams,
    Selection,
    Structured,
)
from k2_core.protocols import Backend, Verifier

from .planners import PlanningError
from .samplers import BestOfNSampler, OnCandidate
from .selectors import SelectionError

SOURCE = "MBZUAI-IFM/K2-Think-Inference main.py @ a576a0744646520fdee39cca35b9e5255c236d9e"

TOPICS_PROMPT = (
    "First determine if the user is asking a hard math, stem, or coding problem, or any question "
    "where you would need more information from the internet. If so, construct a plan and then a "
    "JSON list of less than five things you would want to search for to help solve this hard "
    'problem: {question} An example of a good thing to search is "Prime vs. composite power sum '
    'convergence conditions" or "Using inclusion/exclusion to prove combinatorics problems"'
)
PLAN_PROMPT = (
    "You are given a question and some useful topics:\n"
    "<question>{question}</question>\n"
    "<topics>{topics}</topics>\n"
    "You need to generate a plan of solving the question based on the topics above WITHOUT "
    "disclosing the final or potential answer. DO NOT mention or give any hints of the final or "
    "potential answer in your plan. Wrap your plan inside <plan></plan>."
)
SOLVER_PROMPT = (  # no newline between </question> and "Below": as the script joins them
    "<question>{question}</question>Below are some helpful insights or ideas:\n"
    "<ideas>{ideas}</ideas>\n"
    "The ideas above may provide some insights in solving the challenge. Now please answer the "
    "original question."
)
JUDGE_SYSTEM = (
    "You are a strict evaluator. Given a question and two responses, return a JSON object with "
    "'better_index' as 0 or 1 for the response that best answers the question."
)
JUDGE_USER = "Question: {question}\nResponse 0: {best}\nResponse 1: {challenger}"
NO_ANSWER = "No answer was found, but here was the tail end of the problem solving: {tail}"

# The script's pydantic schemas (`SearchList`, `BoNIndex`) as JSON schema. Its judge prompt asks for
# `better_index` while the schema and the code read `index`: the schema wins, as there.
TOPICS_SCHEMA = {
    "type": "object",
    "properties": {
        "is_hard_problem": {"type": "boolean"},
        "plan": {"type": "string"},
        "search_list": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["is_hard_problem", "plan", "search_list"],
}
JUDGE_SCHEMA = {
    "type": "object",
    "properties": {"index": {"type": "integer"}, "explanation": {"type": "string"}},
    "required": ["index", "explanation"],
}


def plan_part(reply: str) -> str:
    """The plan in a plan reply: the piece before the last `</plan>`, after its `<plan>`."""
    if "</plan>" not in reply:
        return reply
    piece = reply.rsplit("</plan>", 1)[0].rsplit("</plan>", 1)[-1]
    return piece.rsplit("<plan>", 1)[-1]


def judged_view(text: str) -> str:
    """What the judge sees of a sample: the text after the first `</think>` (up to a second one)."""
    if "</think>" in text:
        return text.split("</think>")[1]
    return NO_ANSWER.format(tail=text[-2000:])


class ReferencePlanner:
    """The script's two planner calls (topics, then plan) for one question."""

    name = "k2-think-reference"

    def __init__(self, max_tokens: int = 32768, temperature: float = 1.0) -> None:
        self.params = SamplingParams(max_tokens=max_tokens, temperature=temperature)

    async def _ask(self, backend: Backend, prompt: str, **request: Any):
        messages = [Message("user", prompt)]
        request = GenerationRequest(messages, self.params, role="planner", **request)
        return (await backend.generate(request))[0]

    async def plan(self, problem: Problem, backend: Backend) -> Plan | None:
        """None for an easy problem; else the plan text that goes into the solver's `<ideas>`."""
        topics_reply = await self._ask(
            backend,
            TOPICS_PROMPT.format(question=problem.prompt),
            structured=Structured(json_schema=TOPICS_SCHEMA, name="SearchList"),
        )
        try:
            body = json.loads(topics_reply.text)
            hard, topics = bool(body["is_hard_problem"]), list(body["search_list"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise PlanningError(f"topics reply is not the SearchList JSON ({exc})") from None
        if not hard:
            return None
        plan_reply = await self._ask(
            backend, PLAN_PROMPT.format(question=problem.prompt, topics=str(topics))
        )
        return Plan(
            text=plan_part(plan_reply.text),
            topics=topics,
            hard=True,
            usage=topics_reply.usage + plan_reply.usage,
        )


@dataclasses.dataclass
class _PlanThenSolve:
    """A backend that plans one sample's own way before each solver request (the script's loop)."""

    backend: Backend
    planner: ReferencePlanner

    async def generate(self, request: GenerationRequest):
        question = request.messages[-1].content
        plan = await self.planner.plan(Problem(id="", prompt=question), self.backend)
        if plan is not None:
            prompt = SOLVER_PROMPT.format(question=question, ideas=plan.text)
            request = dataclasses.replace(
                request, messages=[*request.messages[:-1], Message("user", prompt)]
            )
        return await self.backend.generate(request)


class ReferenceSampler:
    """N samples, each planned on its own and solved, with the script's timeouts (20 min, 2 h)."""

    name = "k2-think-reference"

    def __init__(
        self,
        n: int = 3,
        soft_timeout: float | None = 1200.0,
        hard_timeout: float | None = 7200.0,
        planner_max_tokens: int = 32768,
    ) -> None:
        self.sampler = BestOfNSampler(n, soft_timeout, hard_timeout, split=True)
        self.planner = ReferencePlanner(max_tokens=planner_max_tokens)

    async def sample(
        self,
        request: GenerationRequest,
        backend: Backend,
        *,
        verifier: Verifier | None = None,
        on_candidate: OnCandidate | None = None,
    ) -> list[Candidate]:
        return await self.sampler.sample(
            request,
            _PlanThenSolve(backend, self.planner),
            verifier=verifier,
            on_candidate=on_candidate,
        )


class ReferenceSelector:
    """The script's judge: linear scan, one order, text after `</think>`, JSON `{index}`."""

    name = "k2-think-reference"

    def __init__(self, max_tokens: int = 32768, temperature: float = 1.0) -> None:
        self.params = SamplingParams(max_tokens=max_tokens, temperature=temperature)

    async def _winner(self, backend: Backend, question: str, best: str, challenger: str) -> int:
        messages = [
            Message("system", JUDGE_SYSTEM),
            Message("user", JUDGE_USER.format(question=question, best=best, challenger=challenger)),
        ]
        structured = Structured(json_schema=JUDGE_SCHEMA, name="BoNIndex")
        request = GenerationRequest(messages, self.params, structured=structured, role="judge")
        reply = (await backend.generate(request))[0].text
        try:
            return int(json.loads(reply)["index"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SelectionError(f"judge reply is not the BoNIndex JSON ({exc})") from None

    async def select(
        self,
        problem: Problem,
        candidates: list[Candidate],
        backend: Backend | None,
        verifier: Verifier | None,
    ) -> Selection:
        if backend is None:
            raise SelectionError(f"selector {self.name!r} needs a judge backend")
        views = [judged_view(c.completion.text) for c in candidates]
        best, wins = 0, [0.0] * len(candidates)
        for index in range(1, len(candidates)):
            if await self._winner(backend, problem.prompt, views[best], views[index]) == 1:
                best = index
            wins[best] += 1
        reason = f"linear scan, one order ({len(candidates) - 1} judge calls), as in {SOURCE}"
        return Selection(candidates[best].index, self.name, reason, wins)
