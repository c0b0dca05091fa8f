"""The `--speculative` option: which speculative decoding to use, and what theory predicts from it.

    ngram          prompt lookup (n-gram matching against the prompt), 10 drafted tokens per step
    ngram:4        the same, 4 drafted tokens per step
    draft:MODEL    a small draft model proposes tokens that the target model verifies (5 per step)
    draft:MODEL:3  the same, 3 drafted tokens per step
    eagle:MODEL    an EAGLE head (vLLM only); `eagle3:MODEL` for EAGLE-3

Greedy outputs are unchanged by speculation; only speed changes, and by how much depends on how often
drafted tokens are accepted (see `leviathan_speedup`).
"""

from __future__ import annotations

from dataclasses import dataclass

from k2_core.errors import InputError

DEFAULT_TOKENS = {"ngram": 10, "draft": 5, "eagle": 5, "eagle3": 5}
FORMS = "ngram[:K], draft:MODEL[:K], eagle:MODEL[:K] or eagle3:MODEL[:K]"


@dataclass(frozen=True)
class Speculation:
    """A parsed `--speculative` value: `method`, the draft `model` (None for ngram), tokens per step."""

    method: str
    num_tokens: int
    model: str | None = None

    def __str__(self) -> str:
        return ":".join(str(p) for p in (self.method, self.model, self.num_tokens) if p is not None)


def parse_speculative(value: str | Speculation | None) -> Speculation | None:
    """Parse `ngram[:K]` / `draft:MODEL[:K]` / `eagle:MODEL[:K]`; None or "" or "none" means off."""
    if value is None or isinstance(value, Speculation):
        return value
    text = value.strip()
    if text.lower() in {"", "none", "off"}:
        return None
    method, _, rest = text.partition(":")
    method = method.lower()
    if method not in DEFAULT_TOKENS:
        raise InputError(f"unknown speculative method {method!r} in {value!r}", f"use {FORMS}")
    model, tokens = None, str(DEFAULT_TOKENS[method])
    if method == "ngram":
        tokens = rest or tokens
    else:
        head, _, tail = rest.rpartition(":")
        model, tokens = (head, tail) if head and tail.isdigit() else (rest, tokens)
        if not model:
            raise InputError(f"{method!r} speculation needs a model: {method}:MODEL[:K]", FORMS)
    if not tokens.isdigit() or int(tokens) < 1:
        raise InputError(
            f"speculative token count must be a positive integer, got {tokens!r}", f"use {FORMS}"
        )
    return Speculation(method, int(tokens), model)


def leviathan_speedup(acceptance: float, num_tokens: int, cost_ratio: float) -> float:
    """Expected speedup of speculative decoding (Leviathan et al., 2023).

    `acceptance` is the probability α that a drafted token is accepted, `num_tokens` the tokens γ
    drafted per step, `cost_ratio` c the cost of drafting one token relative to one target step
    (for prompt lookup, the extra cost of verifying γ tokens at once instead of one). Speedup =
    (1 − α^(γ+1)) / ((1 − α)(γc + 1)).
    """
    if acceptance >= 1.0:
        return (num_tokens + 1) / (num_tokens * cost_ratio + 1)
    expected_tokens = (1 - acceptance ** (num_tokens + 1)) / (1 - acceptance)
    return expected_tokens / (num_tokens * cost_ratio + 1)
