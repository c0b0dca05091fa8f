"""A k2 verifier plugin: is the answer a palindrome?

The answer is the text inside the last <answer>...</answer>, else the last non-empty line.
Letters and digits count; case, spaces and punctuation do not.
"""

from __future__ import annotations

import re

from k2_core import Problem, Verdict, hookimpl

ANSWER = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.DOTALL)
MAX_CHARS = 10_000


class PalindromeVerifier:
    name = "palindrome"
    needs_ground_truth = False

    def __init__(self, min_length: int = 3, **_options):
        self.min_length = min_length

    def verify(self, response: str, problem: Problem) -> Verdict:
        answers = ANSWER.findall(response)
        lines = [line for line in response.splitlines() if line.strip()]
        answer = (answers[-1] if answers else lines[-1] if lines else "").strip()
        if not answer:
            return Verdict(0.0, False, None, "no_answer")
        if len(answer) > MAX_CHARS:
            return Verdict(0.0, False, answer[:50], "too_long")
        letters = [c.lower() for c in answer if c.isalnum()]
        ok = len(letters) >= self.min_length and letters == letters[::-1]
        return Verdict(float(ok), ok, answer, "palindrome" if ok else "not_palindrome")


@hookimpl
def k2_register_verifiers(register):
    register(
        "palindrome",
        PalindromeVerifier,
        domains=["palindrome"],
        data_sources=["wordplay__palindrome"],
        description="the answer reads the same backwards",
    )
