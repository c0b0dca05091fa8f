"""A k2 plugin: a verifier (is the answer a palindrome?) and a benchmark of palindrome requests.

The answer is the text inside the last <answer>...</answer>, else the last non-empty line.
Letters and digits count; case, spaces and punctuation do not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from k2_core import Problem, Verdict, hookimpl

ANSWER = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.DOTALL)
MAX_CHARS = 10_000
PROMPTS = [
    "Write a palindrome of at least five letters. Put it inside <answer></answer>.",
    "Give a palindromic sentence about a canal. Put it inside <answer></answer>.",
    "Name a palindromic word for a kind of boat. Put it inside <answer></answer>.",
]


class PalindromeVerifier:
    name = "palindrome"
    needs_ground_truth = False

    def __init__(self, min_length: int = 3):
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


class PalindromeBenchmark:
    """Requests for palindromes: the built-in three, or one JSON line `{"prompt": ...}` per problem."""

    name = "palindromes"
    domain = "palindrome"
    description = "requests for palindromes, scored by the palindrome verifier"

    def load(self, data: str | None = None, limit: int | None = None) -> list[Problem]:
        if data:
            lines = Path(data).read_text().splitlines()
            prompts = [json.loads(line)["prompt"] for line in lines if line.strip()]
        else:
            prompts = PROMPTS
        return [
            Problem(id=f"palindrome-{i}", prompt=prompt, domain="palindrome")
            for i, prompt in enumerate(prompts[:limit])
        ]


@hookimpl
def k2_register_verifiers(register):
    register(
        "palindrome",
        PalindromeVerifier,
        domains=["palindrome"],
        data_sources=["wordplay__palindrome"],
        description="the answer reads the same backwards",
    )


@hookimpl
def k2_register_benchmarks(register):
    register("palindromes", PalindromeBenchmark, description=PalindromeBenchmark.description)
