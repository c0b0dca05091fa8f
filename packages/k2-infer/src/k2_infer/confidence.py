"""How confident a model was while writing a trace, from its token log-probabilities.

The measures are DeepConf's ("Deep Think with Confidence", Fu et al. 2025, arXiv 2508.15260). For
the token at position i, with log P_i(j) the log-probabilities of the k most likely tokens there:

    token confidence      C_i = -(1/k) * sum_j log P_i(j)            (high: the model was sure)
    group confidence      C_G = mean of C_i over a sliding window G of `window` tokens
    lowest group          min over all windows of C_G                (the weakest stretch)
    bottom 10% groups     mean of the lowest 10% of the C_G values
    tail confidence       mean of C_i over the last `tail` tokens     (where the answer is written)

A peaked distribution puts almost all mass on one token, so its alternatives have very negative
log-probabilities and C_i is large; a flat one gives a small C_i. Where a backend reports no
alternatives (k = 0) the chosen token's own log-probability stands in: C_i = -log P_i(chosen),
which is then low for a sure token, so do not mix traces with and without alternatives.
Windows: the paper uses 2,048 tokens; a trace shorter than the window is one group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from k2_core import InputError
from k2_core.types import TokenLogprob

WINDOW = 2048
TAIL = 2048
MEASURES = ("lowest-group", "bottom-10", "tail", "mean")


def token_confidence(token: TokenLogprob) -> float:
    """C_i: minus the mean of the top-k log-probabilities (the chosen token's own when k = 0)."""
    values = list(token.top.values()) or [token.logprob]
    finite = [v for v in values if math.isfinite(v)]
    return -sum(finite) / len(finite) if finite else 0.0


def group_confidences(confidences: Sequence[float], window: int = WINDOW) -> list[float]:
    """C_G for every window of `window` consecutive tokens (one group when the trace is shorter)."""
    if not confidences:
        return []
    if len(confidences) <= window:
        return [sum(confidences) / len(confidences)]
    total = sum(confidences[:window])
    groups = [total / window]
    for i in range(window, len(confidences)):
        total += confidences[i] - confidences[i - window]
        groups.append(total / window)
    return groups


def lowest_group(confidences: Sequence[float], window: int = WINDOW) -> float:
    """The least confident window of the trace."""
    return min(group_confidences(confidences, window), default=0.0)


def bottom_groups(confidences: Sequence[float], window: int = WINDOW, share: float = 0.1) -> float:
    """The mean of the lowest `share` of the groups (at least one group)."""
    groups = sorted(group_confidences(confidences, window))
    if not groups:
        return 0.0
    lowest = groups[: max(1, math.ceil(len(groups) * share))]
    return sum(lowest) / len(lowest)


def tail_confidence(confidences: Sequence[float], tail: int = TAIL) -> float:
    """The mean token confidence over the last `tail` tokens."""
    end = list(confidences[-tail:])
    return sum(end) / len(end) if end else 0.0


def trace_confidence(
    logprobs: Sequence[TokenLogprob], measure: str = "lowest-group", window: int = WINDOW
) -> float:
    """One number for a whole trace: `lowest-group`, `bottom-10`, `tail` or `mean`."""
    confidences = [token_confidence(token) for token in logprobs]
    if measure == "lowest-group":
        return lowest_group(confidences, window)
    if measure == "bottom-10":
        return bottom_groups(confidences, window)
    if measure == "tail":
        return tail_confidence(confidences, window)
    if measure == "mean":
        return sum(confidences) / len(confidences) if confidences else 0.0
    raise InputError(f"unknown confidence measure {measure!r}", f"use one of {MEASURES}")


class GroupMonitor:
    """Follows a trace token by token and says when its current group confidence (the mean over
    the last `window` tokens, once `window` tokens have arrived) falls below `threshold`: DeepConf
    online's stopping test. Use it as a request's `watch`: it returns False to stop the trace."""

    def __init__(self, threshold: float, window: int = WINDOW) -> None:
        self.threshold = threshold
        self.window = window
        self.confidences: list[float] = []
        self._total = 0.0
        self.stopped_at: float | None = None

    def __call__(self, token: TokenLogprob) -> bool:
        confidence = token_confidence(token)
        self.confidences.append(confidence)
        self._total += confidence
        if len(self.confidences) > self.window:
            self._total -= self.confidences[-self.window - 1]
        if len(self.confidences) < self.window:
            return True
        group = self._total / self.window
        if group < self.threshold:
            self.stopped_at = group
            return False
        return True
