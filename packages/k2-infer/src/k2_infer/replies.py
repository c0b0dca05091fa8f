"""Reading model replies: the part after the thinking, the final answer, and a JSON object found leniently.

Small models and servers without structured output wrap JSON in prose or code fences; planners and
judges ask for JSON and read it with `find_json_object`, which never raises. (k2-verify has fuller
scanners for scoring; the pipeline needs these few without depending on it.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from k2_core import Problem, UnknownNameError
from k2_core.registry import get_registry

_ANSWER = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.DOTALL)
_BOXED = "\\boxed{"


def strip_thinking(text: str) -> str:
    """The reply without its reasoning: what follows the last `</think>` (or all of it if none)."""
    return text.rsplit("</think>", 1)[-1].strip()


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed{...}` in `text`, braces balanced; None if there is none."""
    start = text.rfind(_BOXED)
    if start < 0:
        return None
    depth, begin = 1, start + len(_BOXED)
    for i in range(begin, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[begin:i].strip()
    return None


def extract_answer(text: str) -> str | None:
    """The final answer of a solver reply, for display and grouping.

    The last `<answer>` block (its closing tag may be cut by the stop string), unwrapped from a
    `\\boxed{}` inside it; else the last `\\boxed{}` after the thinking; None when there is neither.
    """
    after = strip_thinking(text)
    blocks = _ANSWER.findall(after)
    if blocks:
        answer = blocks[-1].strip()
        return last_boxed(answer) or answer or None
    return last_boxed(after)


def answer_reader(problem: Problem) -> Callable[[str], str | None]:
    """How to read a solver reply's final answer for `problem`.

    The problem's verifier's own `extract(response)` when it offers one (k2-verify's math verifier
    also reads "the answer is 42" and trailing values), else `extract_answer` above.
    """
    try:
        verifier = get_registry().verifier_for(problem.domain, problem.data_source).factory()
    except UnknownNameError:
        return extract_answer
    return getattr(verifier, "extract", extract_answer)


def find_json_object(text: str) -> dict | None:
    """The first JSON object in `text` (inside prose or ``` fences are fine); None if there is none."""
    decoder = json.JSONDecoder()
    body = strip_thinking(text)
    for match in re.finditer(r"\{", body):
        try:
            value, _ = decoder.raw_decode(body, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def json_schema_format(name: str, schema: dict) -> dict:
    """An OpenAI-style `response_format` asking for JSON that matches `schema`."""
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
