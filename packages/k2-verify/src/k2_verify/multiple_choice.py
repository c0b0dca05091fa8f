"""The `multiple_choice` verifier: GPQA-style questions answered with a letter.

The ground truth is a letter (`"C"`, `"(C)"`) or a 0-based option index. In the response (after the
reasoning) the verifier collects every letter it commits to: `\\boxed{C}` (also `\\boxed{\\text{(C)}}`),
the `<answer>` content, "Answer: (C)", "**Answer:** C", "the (correct) answer is C", or a response that
is just the letter. One distinct letter is the answer; two different letters score 0 (a hedge is not an
answer). Letters are capitals from `letters` (default A-J), so "the answer is a prime" commits to
nothing, and "Answer: I think..." is prose, not option I.
"""

from __future__ import annotations

import re

from k2_core import Problem, Verdict
from k2_core.replies import after_thinking, answer_tag, boxed_all

from .base import RuleVerifier, verdict

DEFAULT_LETTERS = "ABCDEFGHIJ"
# One bounded separator class after the keyword: adjacent optional runs of spaces would backtrack
# exponentially on long runs of whitespace.
_STATED = re.compile(
    r"(?i:\b(?:final\s+answer|answer|correct\s+(?:option|choice)))(?i:\s+is)?[\s:*\-]{0,12}"
    r"\(?([A-Z])\)?(?!\w)"
)
_PROSE_AFTER = re.compile(r"\s+[a-z]")  # "Answer: I think", "the answer is A prime"
_ALONE = re.compile(r"^\s*\**\(?([A-Z])\)?\**[.:)]?\s*(?:$|[.:)]\s)")
_TEXT_COMMAND = re.compile(r"\\(?:text|textbf|mathrm)\s*\{([^{}]*)\}")


def committed_letters(response: str, letters: str = DEFAULT_LETTERS) -> list[str]:
    """Every option letter the response commits to, in order of appearance, with repeats."""
    final = after_thinking(response)
    found = []
    for content in [*boxed_all(final), answer_tag(final) or ""]:
        match = _ALONE.match(_TEXT_COMMAND.sub(r"\1", content))
        if match:
            found.append(match.group(1))
    for match in _STATED.finditer(final):
        letter = match.group(1)
        if not (letter in "AI" and _PROSE_AFTER.match(final, match.end())):
            found.append(letter)
    alone = _ALONE.match(final)
    if alone and final.strip() and len(final.strip()) <= 6:
        found.append(alone.group(1))
    return [letter for letter in found if letter in letters]


def truth_letter(ground_truth: object, letters: str = DEFAULT_LETTERS) -> str | None:
    """The correct letter from a ground truth given as a letter or a 0-based index."""
    if isinstance(ground_truth, int) and not isinstance(ground_truth, bool):
        return letters[ground_truth] if 0 <= ground_truth < len(letters) else None
    match = re.match(r"^\s*\(?([A-Za-z])\)?\s*$", str(ground_truth))
    return match.group(1).upper() if match else None


class MultipleChoiceVerifier(RuleVerifier):
    """Scores the one option letter a response commits to; `letters` are the valid options."""

    name = "multiple_choice"

    def __init__(self, letters: str = DEFAULT_LETTERS) -> None:
        self.letters = letters

    def check(self, response: str, problem: Problem) -> Verdict:
        truth = truth_letter(problem.ground_truth, self.letters)
        if truth is None:
            return verdict(0.0, None, "bad_ground_truth")
        chosen = sorted(set(committed_letters(response, self.letters)))
        if not chosen:
            return verdict(0.0, None, "no_answer")
        if len(chosen) > 1:
            return verdict(0.0, ",".join(chosen), "several_answers")
        same = chosen[0] == truth
        return verdict(1.0 if same else 0.0, chosen[0], "equivalent" if same else "different")
