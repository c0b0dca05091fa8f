"""The `tabular` verifier: answers to questions over tables (HiTab, MultiHiertt, FinQA).

The answer is the last `\\boxed{}` after the reasoning (else the `<answer>` content). Several answers
are joined by `|` in both the ground truth and the response and compare as a multiset (order does not
matter, counts do). Two items are equal when both are numbers within 1e-3 (absolute below 1, relative
above; `$`, thousands separators and accounting parentheses ignored; `12.5%` equals `0.125`), else when
their text matches ignoring case, LaTeX `\\text{}`, articles and punctuation at the ends.
"""

from __future__ import annotations

import re

from k2_core import Problem, Verdict
from k2_core.replies import after_thinking, answer_tag, last_boxed

from .base import RuleVerifier, verdict

TOLERANCE = 1e-3
MAX_ITEMS = 100
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$")
_TEXT_COMMAND = re.compile(r"\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")


def _number(item: str) -> tuple[float, bool] | None:
    """`(value, had_percent_sign)` when the item is a number, else None."""
    text = (
        item.replace("\\%", "%")
        .replace("\\$", "")
        .replace("$", "")
        .replace(",", "")
        .replace(" ", "")
    )
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    percent = text.endswith("%")
    text = text.rstrip("%")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return (-value if negative else value), percent


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def _text(item: str) -> str:
    item = _TEXT_COMMAND.sub(r"\1", item).lower()
    item = _ARTICLES.sub(" ", item)
    return " ".join(item.split()).strip(" .,:;!\"'`$")


def same_item(predicted: str, truth: str) -> bool:
    """Whether one answer item equals one ground-truth item (numbers with tolerance, else text)."""
    p, t = _number(predicted), _number(truth)
    if p and t:
        (pv, p_percent), (tv, t_percent) = p, t
        if _close(pv, tv):
            return True
        return (p_percent and _close(pv / 100, tv)) or (t_percent and _close(pv, tv / 100))
    return _text(predicted) == _text(truth)


def same_answers(predicted: list[str], truth: list[str]) -> bool:
    """Whether two lists of answer items are equal as multisets."""
    if len(predicted) != len(truth):
        return False
    unused = list(predicted)
    for item in truth:
        match = next((i for i, p in enumerate(unused) if same_item(p, item)), None)
        if match is None:
            return False
        unused.pop(match)
    return True


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split("|")]


class TabularVerifier(RuleVerifier):
    """Scores the last boxed answer to a table question (numbers with tolerance, `|` multisets)."""

    name = "tabular"

    def check(self, response: str, problem: Problem) -> Verdict:
        final = after_thinking(response)
        answer = last_boxed(final) or answer_tag(final)
        if not answer:
            return verdict(0.0, None, "no_answer")
        truth = problem.ground_truth
        truth = [str(t) for t in truth] if isinstance(truth, list) else _items(str(truth))
        predicted = _items(answer)
        if len(predicted) > MAX_ITEMS:
            return verdict(0.0, answer, "too_many_answers")
        same = same_answers(predicted, truth)
        return verdict(1.0 if same else 0.0, answer, "equivalent" if same else "different")
