"""Find the final answer in a model's response.

Where to look: the text after the last `</think>` (a response that opens `<think>` and never closes it
has no answer); inside it, the last `<answer>` block if any (closed or cut off by the `</answer>` stop
string). What to take, first found wins:

1. the last `\\boxed{...}` / `\\fbox{...}` (nested braces),
2. the text after "final answer is" / "the answer is" / "Answer:",
3. a short response (or `<answer>` block) of fewer than three words taken whole, with or without `$`,
4. the trailing `$...$` or number of the last line,
5. a short sentence taken whole (`no real solution`).

`Extraction.others` keeps the other distinct boxed answers of the same region, so a hedged response
(`\\boxed{1}` ... `\\boxed{2}`) can be told apart from one that repeats its answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k2_core.replies import after_thinking, answer_tag, boxed_all

MAX_SHORT = 200  # a response (or answer block) this short, on one line, is itself the answer

_FINAL = re.compile(
    r"(?:final answer|the answer|answer)\s*(?:is|:|=)\s*:?\s*([^\n]{1,300})",
    re.IGNORECASE,
)
_TRAILING_MATH = re.compile(r"(\$\$?|\\\(|\\\[)([^$]{1,300}?)(\$\$?|\\\)|\\\])[\s.!]*$")
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}")
_TRAILING_NUMBER = re.compile(r"(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\s*[.!]?\s*$")


@dataclass
class Extraction:
    """The answer found (None if none) and how: `boxed`, `answer_tag`, `phrase`, `whole`, `trailing`."""

    answer: str | None
    how: str = ""
    others: list[str] = field(default_factory=list)


def _strip_math(text: str) -> str:
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            return text[len(left) : -len(right)].strip()
    return text


def _phrase(text: str) -> str | None:
    matches = list(_FINAL.finditer(text))
    if not matches:
        return None
    answer = matches[-1].group(1).strip()
    math = re.match(r"^(\$\$?|\\\(|\\\[)(.+?)(\$\$?|\\\)|\\\])", answer)
    if math:
        return math.group(2).strip()
    answer = re.split(r"\.\s|\s(?:because|since|as|which)\s", answer)[0]
    return answer.rstrip(". ") or None


def extract_answer(response: str) -> Extraction:
    """The final answer in `response`, and the other boxed answers beside it."""
    if "<think>" in response and "</think>" not in response:
        return Extraction(None, "unfinished_thinking")
    region = after_thinking(response)
    tag = answer_tag(region)
    if tag is not None:
        region = tag
    boxes = boxed_all(region)
    if boxes:
        answer = boxes[-1].strip()
        others = [b.strip() for b in boxes[:-1] if b.strip() != answer]
        return Extraction(answer, "boxed", others)
    phrase = _phrase(region)
    if phrase:
        return Extraction(phrase, "phrase")
    stripped = region.strip()
    short = stripped and len(stripped) <= MAX_SHORT and "\n" not in stripped
    if short and len(_WORD.findall(stripped)) < 3:  # `42`, `x^2 - 1`, `no solution`
        return Extraction(_strip_math(stripped), "answer_tag" if tag is not None else "whole")
    last_line = stripped.rsplit("\n", 1)[-1] if stripped else ""
    for pattern, group in ((_TRAILING_MATH, 2), (_TRAILING_NUMBER, 1)):
        match = pattern.search(last_line[-400:])
        if match:
            return Extraction(match.group(group).strip(), "trailing")
    if short:  # a short sentence without a trailing value: `no real solution exists`
        return Extraction(_strip_math(stripped), "whole")
    return Extraction(None, "no_answer")
