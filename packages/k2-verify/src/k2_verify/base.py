"""What the rule-based verifiers share: `verify` never raises, and verdicts are built one way."""

from __future__ import annotations

from k2_core import Problem, Verdict

MAX_EXTRACTED_CHARS = 500


class RuleVerifier:
    """Base class: subclasses implement `check`; `verify` turns any exception into a verdict.

    A verdict's `extracted` answer is cut to `MAX_EXTRACTED_CHARS` so logs of hostile responses stay
    small.
    """

    name = "rule"
    needs_ground_truth = True

    def verify(self, response: str, problem: Problem) -> Verdict:
        try:
            return self.check(response, problem)
        except Exception as error:  # a verifier scores, it never crashes the caller
            detail = f"{type(error).__name__}: {error}"[:300]
            return Verdict(0.0, False, reason="error", details={"error": detail})

    def check(self, response: str, problem: Problem) -> Verdict:
        raise NotImplementedError


def verdict(score: float, extracted: object, reason: str, **details) -> Verdict:
    """A verdict whose `correct` means full marks, with the extracted answer as short text."""
    text = None if extracted is None else str(extracted)[:MAX_EXTRACTED_CHARS]
    return Verdict(float(score), score >= 1.0, text, reason, details)
