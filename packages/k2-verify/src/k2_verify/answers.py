"""Finding the final answer inside a model's response: the part after `</think>`, `<answer>` tags and
`\\boxed{}`.

These are plain string scans, linear in the length of the text, so hostile responses (100k characters,
thousands of unclosed tags or braces) cost milliseconds. Every verifier that reads `<answer>` or
`\\boxed{}` uses them.
"""

from __future__ import annotations

import json
import re

ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
THINK_CLOSE = "</think>"
_BOX_OPENERS = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACES = re.compile(r"[{}]")


def after_thinking(text: str) -> str:
    """The response without its reasoning: everything after the last `</think>`, else all of it."""
    index = text.rfind(THINK_CLOSE)
    return text if index < 0 else text[index + len(THINK_CLOSE) :]


def answer_tag(text: str) -> str | None:
    """The content of the last `<answer>` tag, across lines, stripped; None when there is none.

    An unclosed last tag runs to the end of the text, because servers drop the stop string
    `</answer>` that K2 Think samples with.
    """
    start = text.rfind(ANSWER_OPEN)
    if start < 0:
        return None
    start += len(ANSWER_OPEN)
    end = text.find(ANSWER_CLOSE, start)
    return text[start : end if end >= 0 else len(text)].strip()


def boxed_all(text: str) -> list[str]:
    """The contents of every complete `\\boxed{...}` / `\\fbox{...}`, in the order they close.

    One pass with a stack of open braces, so nested braces (`\\boxed{\\frac{1}{2}}`) work and
    unbalanced input stays linear. A box nested inside another box is listed before it.
    """
    openers = {match.end() - 1: match.end() for match in _BOX_OPENERS.finditer(text)}
    stack: list[int] = []
    contents = []
    for brace in _BRACES.finditer(text):
        index = brace.start()
        if brace.group() == "{":
            stack.append(index)
        elif stack:
            opened = stack.pop()
            if opened in openers:
                contents.append(text[openers[opened] : index].strip())
    return contents


def last_boxed(text: str) -> str | None:
    """The content of the last complete `\\boxed{}` (the outermost one when boxes nest), or None."""
    contents = boxed_all(text)
    return contents[-1] if contents else None


MAX_JSON_CHARS = 200_000
MAX_JSON_DEPTH = 64
_NESTING = re.compile(r"[\[\]{}]")


def parse_json(text: str) -> object:
    """Parse JSON from model text safely: bounded in size and nesting, never `eval`.

    Raises ValueError (with a short reason) for anything too big, too deep or not JSON.
    """
    if len(text) > MAX_JSON_CHARS:
        raise ValueError("too_long")
    depth = 0
    for bracket in _NESTING.finditer(text):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise ValueError("too_deep")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not_json") from error


def balanced(text: str, start: int) -> str | None:
    """The bracketed span opening at `text[start]` (`[` or `{`) up to its matching close, or None.

    Brackets inside JSON strings are skipped, so `{"a": "]"}` is one span.
    """
    opener = text[start]
    closer = {"[": "]", "{": "}"}[opener]
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None
