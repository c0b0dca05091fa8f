"""How the pipeline reads replies beyond the K2 format itself: a problem's answer reader.

The format (reasoning, `<answer>`, boxes, lenient JSON) is `k2_core.replies`.
"""

from __future__ import annotations

from collections.abc import Callable

from k2_core.protocols import Verifier
from k2_core.replies import final_answer


def answer_reader(verifier: Verifier | None) -> Callable[[str], str | None]:
    """How to read a solver reply's final answer, given the problem's verifier (None: it has none).

    The verifier's own `extract(response)` when it offers one (k2-verify's math verifier also reads
    "the answer is 42" and trailing values), else `k2_core.replies.final_answer`.
    """
    return getattr(verifier, "extract", final_answer)
