"""Find the program in a model's response.

The program is the last complete fenced code block after the last `</think>` (the reasoning before
it often holds drafts). Blocks tagged with another language (```bash, ```text) are skipped; untagged
blocks count. Earlier blocks are not joined in: when a model splits a program over several blocks it
almost always repeats the whole program in its final block, while joining drafts breaks programs
that redefine things.
"""

from __future__ import annotations

import re

FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)```", re.DOTALL)
PYTHON_TAGS = {"", "python", "py", "python3", "py3"}


def extract_program(response: str) -> str | None:
    """The program in `response`, or None when it has no complete Python code block."""
    answer = response.rsplit("</think>", 1)[-1]
    blocks = [code for tag, code in FENCE.findall(answer) if tag.lower() in PYTHON_TAGS]
    blocks = [code for code in blocks if code.strip()]
    return blocks[-1] if blocks else None
