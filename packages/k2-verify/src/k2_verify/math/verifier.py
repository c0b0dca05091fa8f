"""The `math` verifier: extract the final answer, compare it with the ground truth, in bounded time.

Extraction and most comparisons (numbers, fractions, radicals, intervals, sets, ...) run in the calling
process and cost well under a millisecond. Answers whose comparison could run away (powers, factorials,
trig and logs, set differences and intersections, long expressions) are compared in a worker process
that is killed if it overruns, so `verify` returns within `timeout` seconds from any thread, with
reason `timeout` (the first such comparison in a process also waits, once, for its worker to start:
about a second). Inside a `k2_verify.pool` worker everything runs in place: that pool already
enforces the timeout.
"""

from __future__ import annotations

import os
import re
import threading
import time

from k2_core import Problem, Verdict

from ..pool import WorkerError, WorkerPool, WorkerTimeout, in_worker
from .equivalence import Match, equivalent
from .extract import Extraction, extract_answer, extract_truth
from .latex_fallback import available as fallback_available
from .normalize import normalize

# What our parser refuses is read again by latex2sympy2_extended, in the worker, where it is installed.
FALLBACK = fallback_available()
MAX_ANSWER_CHARS = 1000  # longer "answers" are not math answers; they are refused unparsed
_RISKY = re.compile(
    r"\^|!|\||\\binom|factorial|binomial|\\(?:sin|cos|tan|cot|sec|csc|arc|log|ln|exp|setminus|cap)"
)  # `|x| > 1` is solved by sympy, in the worker too, as are set differences and intersections
# A ground truth with several parts (`\\pm 3` has two).
_LIST = re.compile(r"[,;]|\\pm|(?<![a-zA-Z\\])(?:and|or)(?![a-zA-Z])")
_guard: WorkerPool | None = None
_guard_lock = threading.Lock()


def _guard_pool() -> WorkerPool:
    """The process-wide workers for comparisons that need a hard time limit (started on first use)."""
    global _guard
    with _guard_lock:
        if _guard is None:
            _guard = WorkerPool(workers=min(os.cpu_count() or 1, 4), memory_mb=2048)
        return _guard


def _risky(text: str) -> bool:
    return len(text) > 300 or bool(_RISKY.search(normalize(text).text))


class MathVerifier:
    """Scores a response 1.0 when its final answer is equivalent to the ground truth, else 0.0.

    The ground truth is an answer string (a number, LaTeX, a word, a choice letter), or a list of
    acceptable answers. Reasons: `equivalent`, `different`, `no_answer`, `hedged` (several different
    final answers), `unparseable`, `timeout`, `no_ground_truth`.
    """

    name = "math"
    needs_ground_truth = True

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout

    def extract(self, response: str) -> str | None:
        """The final answer this verifier would compare (k2-infer shows and votes on it)."""
        return extract_answer(response or "").answer

    def verify(self, response: str, problem: Problem) -> Verdict:
        deadline = time.monotonic() + self.timeout
        truths = problem.ground_truth
        truths = [truths] if not isinstance(truths, list | tuple) else list(truths)
        truths = [str(t) for t in truths if t is not None and str(t).strip()]
        if not truths:
            return Verdict(0.0, False, None, "no_ground_truth")
        response = response or ""
        if any(response.strip() == truth.strip() for truth in truths):  # whatever the text holds
            return Verdict(1.0, True, response.strip()[:100], "equivalent", {"how": "identical"})
        extraction = extract_answer(response)
        answer = extraction.answer
        details = {"how": extraction.how}
        truths = [extract_truth(truth) for truth in truths]
        if not answer:
            return Verdict(0.0, False, None, "no_answer", details)
        if len(answer) > MAX_ANSWER_CHARS:
            return Verdict(0.0, False, answer[:100], "unparseable", details)
        match = Match(False, "different")
        for truth in truths:
            match = self._compare(extraction, truth, deadline)
            if match.equal or match.reason == "timeout":
                break
        return Verdict(float(match.equal), match.equal, answer, match.reason, details)

    def _compare(self, extraction: Extraction, truth: str, deadline: float) -> Match:
        others, answer = extraction.others, extraction.answer
        if others and _LIST.search(truth):  # several boxes may answer a question with several parts
            joined = self._equivalent(", ".join([*others, answer]), truth, deadline)
            if joined.equal:
                return joined
        for other in extraction.hedges:
            if len(other) > MAX_ANSWER_CHARS or not self._equivalent(other, answer, deadline).equal:
                return Match(False, "hedged")
        return self._equivalent(answer, truth, deadline)

    def _equivalent(self, answer: str, truth: str, deadline: float) -> Match:
        if in_worker():
            return equivalent(answer, truth, fallback=FALLBACK)
        if not (_risky(answer) or _risky(truth)):
            match = equivalent(answer, truth)
            if match.reason != "unparseable" or not FALLBACK:
                return match
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Match(False, "timeout")
        try:
            return _guard_pool().call(equivalent, answer, truth, FALLBACK, timeout=remaining)
        except WorkerTimeout:
            return Match(False, "timeout")
        except WorkerError:
            return Match(False, "unparseable")
