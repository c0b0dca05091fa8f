"""Planners: what the solver should think about before it starts (K2 Think's "plan before you think").

`k2` makes two calls. The first decides whether the problem is hard and lists up to five topics; the
second turns those topics into a short plan that must not reveal the answer: a sentence stating one
("The answer is 8") is cut off with what follows it. The plan goes into the
solver prompt as helpful insights. An easy problem gets no plan (`None`). The first reply is
constrained to `TOPICS_SCHEMA` (structured output, which every built-in backend enforces), so it is
readable on any model. For a backend that cannot constrain, the reply is read leniently: JSON
anywhere in it, else topics listed as bullets or numbered lines. A reply that cannot be read raises
`PlanningError`; the pipeline then solves without a plan and records why.

`none` never plans.
"""

from __future__ import annotations

import re
from typing import Any

from k2_core import (
    GenerationRequest,
    K2Error,
    Message,
    Plan,
    Problem,
    SamplingParams,
    Structured,
    Usage,
)
from k2_core.protocols import Backend
from k2_core.replies import after_thinking as strip_thinking
from k2_core.replies import final_answer as extract_answer
from k2_core.replies import find_json_object

MAX_TOPICS = 5
# A topic is a phrase of words (not "..."), at most 40 characters: a small model neither copies
# placeholders nor rambles past its token budget.
TOPIC_PATTERN = r"^[A-Za-z][A-Za-z0-9 ,'()+*/=^-]{1,39}$"

TOPICS_PROMPT = """Read the problem below. Decide whether it is hard (needs careful multi-step \
reasoning) and name at most five topics, techniques or facts worth recalling before solving it. Do not \
solve it. Reply with JSON only: {{"hard": true or false, "topics": [short phrases]}}

Problem:
{problem}"""

PLAN_PROMPT = """Write a short plan for solving the problem below, drawing on these topics: {topics}. \
Give helpful insights and the order of steps. Do not solve the problem and do not state or hint at the \
final answer.

Problem:
{problem}"""

TOPICS_SCHEMA = {
    "type": "object",
    "properties": {
        "hard": {"type": "boolean"},
        "topics": {
            "type": "array",
            "items": {"type": "string", "pattern": TOPIC_PATTERN},
            "minItems": 1,
            "maxItems": MAX_TOPICS,
        },
    },
    "required": ["hard", "topics"],
    "additionalProperties": False,
}


# "the answer is ...", "the final answer to this problem is ...", "Answer: ..." in a plan
_ANSWER_CUE = re.compile(
    r"\bthe\s+(?:final\s+)?answer\b[^.!?\n]*?\bis\b|(?:^|(?<=[.!?\n]))\s*(?:final\s+)?answer\s*:",
    re.IGNORECASE,
)
_LISTED = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$", re.MULTILINE)
_EASY = re.compile(r"\b(?:easy|not hard)\b", re.IGNORECASE)


class PlanningError(K2Error):
    """The planner's reply could not be used; the problem is solved without a plan."""


def without_stated_answer(plan: str) -> str:
    """`plan` cut before the sentence that states an answer ("The answer is 8"): the plan must not
    reveal one, and the insights before it are kept."""
    cue = _ANSWER_CUE.search(plan)
    if cue is None:
        return plan
    sentence_start = max(plan.rfind(mark, 0, cue.start()) for mark in ".!?\n") + 1
    return plan[:sentence_start].strip()


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "hard", "1"}
    return bool(value)


def _as_topics(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [str(t).strip() for t in value if str(t).strip()][:MAX_TOPICS]


class K2Planner:
    """Topics first, then a plan from them; both calls to the planner backend (role `planner`)."""

    name = "k2"

    def __init__(self, max_tokens: int = 1024, temperature: float = 0.6) -> None:
        self.params = SamplingParams(max_tokens=max_tokens, temperature=temperature)

    async def _ask(self, backend: Backend, prompt: str, **request: Any) -> tuple[str, Usage]:
        completion = (
            await backend.generate(
                GenerationRequest([Message("user", prompt)], self.params, role="planner", **request)
            )
        )[0]
        return strip_thinking(completion.text), completion.usage

    async def plan(self, problem: Problem, backend: Backend) -> Plan | None:
        reply, usage = await self._ask(
            backend,
            TOPICS_PROMPT.format(problem=problem.prompt),
            structured=Structured(json_schema=TOPICS_SCHEMA, name="topics"),
        )
        decision = find_json_object(reply)
        if decision is not None:
            hard, topics = _as_bool(decision.get("hard", True)), _as_topics(decision.get("topics"))
        elif _LISTED.search(reply):
            hard = not _EASY.search(_LISTED.sub("", reply))  # "easy" said outside the list
            topics = _LISTED.findall(reply)[:MAX_TOPICS]
        else:
            raise PlanningError(f"planner reply has no JSON object or list: {reply[:80]!r}")
        if not hard:
            return None
        if not topics:
            raise PlanningError(f"planner listed no topics: {reply[:80]!r}")

        text, plan_usage = await self._ask(
            backend, PLAN_PROMPT.format(problem=problem.prompt, topics="; ".join(topics))
        )
        text = without_stated_answer(text)
        if not text:
            raise PlanningError("planner wrote an empty plan, or one that only states an answer")
        if extract_answer(text) is not None:
            raise PlanningError("planner's plan states an answer, which the plan must not reveal")
        return Plan(text=text, topics=topics, hard=True, usage=usage + plan_usage)


class NoPlanner:
    """Never plans: the solver sees the problem alone."""

    name = "none"

    async def plan(self, problem: Problem, backend: Backend) -> Plan | None:
        return None
