"""Find the program in a model's response.

The program is the last complete fenced code block after the last `</think>` (the reasoning before
it often holds drafts). Blocks tagged with another language (```bash, ```text) are skipped; untagged
blocks count. Earlier blocks are not joined in: when a model splits a program over several blocks it
almost always repeats the whole program in its final block, while joining drafts breaks programs
that redefine things.

A fence opens with ``` and the rest of its line (the tag is its first word) and closes at the next
```. The scan only moves forward, so it is linear in the response, runs of backticks included.
"""

from __future__ import annotations

import re

from k2_core.replies import after_thinking

FENCE = "```"
TAG = re.compile(r"[ \t]*([\w+-]*)")
PYTHON_TAGS = {"", "python", "py", "python3", "py3"}


def code_blocks(text: str) -> list[tuple[str, str]]:
    """`(tag, code)` of every complete fenced block in `text`, in order."""
    blocks = []
    start = text.find(FENCE)
    while start != -1:
        line_end = text.find("\n", start + 3)
        if line_end == -1:
            break
        close = text.find(FENCE, line_end + 1)
        if close == -1:
            break
        tag = TAG.match(text, start + 3, line_end).group(1)
        blocks.append((tag, text[line_end + 1 : close]))
        start = text.find(FENCE, close + 3)
    return blocks


def extract_program(response: str) -> str | None:
    """The program in `response`, or None when it has no complete Python code block."""
    blocks = [
        code
        for (tag, code) in code_blocks(after_thinking(response))
        if tag.lower() in PYTHON_TAGS and code.strip()
    ]
    return blocks[-1] if blocks else None
