"""Which pipeline step sent a chat request, for scripted servers that answer each step differently.

Each step is recognised by the opening words of its own prompt template, so a reworded prompt
cannot silently break the scripts that recognise it.
"""

from __future__ import annotations

from typing import Any

from ..planners import PLAN_PROMPT, TOPICS_PROMPT
from ..selectors import JUDGE_PROMPT


def _opening(template: str) -> str:
    """The fixed text a prompt template starts with (before its first placeholder or line end)."""
    return template.split("{")[0].split("\n")[0][:40]


_OPENINGS = {
    "topics": _opening(TOPICS_PROMPT),
    "plan": _opening(PLAN_PROMPT),
    "judge": _opening(JUDGE_PROMPT),
}


def pipeline_step(body: dict[str, Any]) -> str:
    """`topics`, `plan`, `judge` or `solver`, from the last message of an OpenAI request body."""
    prompt = body["messages"][-1]["content"]
    return next(
        (step for step, opening in _OPENINGS.items() if prompt.startswith(opening)), "solver"
    )


def judged_pair(body: dict[str, Any]) -> tuple[str, str]:
    """The two responses (A, B) that a judge request compares."""
    prompt = body["messages"][-1]["content"]
    a, b = prompt.split("\nResponse A:\n", 1)[1].split("\nResponse B:\n", 1)
    return a.strip(), b.strip()
