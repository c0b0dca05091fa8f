"""Structured output for local backends: llguidance masks the tokens a constraint forbids.

    mask = GrammarMask(tokenizer, [Structured(json_schema=schema), None], vocab_size)
    model.generate(..., logits_processor=[mask])       # transformers: row 0 constrained, row 1 free

    mask = LogitsMask(TokenMask(ll_tokenizer, Structured(regex="[0-9]+"), n_vocab, eos))
    llm.create_chat_completion(..., logits_processor=[mask])                 # llama-cpp-python

llguidance (maintained by Microsoft, also a vLLM structured-output engine) compiles a JSON schema, a
regex or a choice into a matcher that yields, at each step, the bitmask of allowed next tokens. Tried
here beside xgrammar on the embedded model, both gave the same constrained outputs (a busy machine
made their speeds too noisy to rank); llguidance installs as one small wheel with no dependencies,
where xgrammar pulls in triton. The mask is computed into a preallocated buffer and applied with numpy
(no Python loop over the vocabulary): about 0.1-0.3 ms a token on the embedded model's 49,152 tokens.

JSON replies are compact (`{"a": 1, "b": [2, 3]}`: no free whitespace), so a small model cannot
spend its budget on blank lines inside an object.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import numpy as np

from k2_core.errors import InputError
from k2_core.types import Structured

# One space after `,` and `:`, nowhere else: readable, and nothing for a small model to ramble in.
JSON_OPTIONS = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


def grammar(constraint: Structured) -> str:
    """The llguidance grammar for a constraint."""
    from llguidance import LLMatcher

    if constraint.json_schema is not None:
        return LLMatcher.grammar_from_json_schema(
            json.dumps(constraint.json_schema), defaults=JSON_OPTIONS
        )
    if constraint.choice is not None:
        return LLMatcher.grammar_from_regex("|".join(map(re.escape, constraint.choice)))
    return LLMatcher.grammar_from_regex(constraint.regex)


class TokenMask:
    """One constrained reply: an llguidance matcher fed the reply's tokens, and its next-token mask."""

    def __init__(self, ll_tokenizer: Any, constraint: Structured, vocab_size: int, eos: int):
        from llguidance import LLMatcher

        self.matcher = LLMatcher(ll_tokenizer, grammar(constraint), log_level=0)
        if self.matcher.is_error():
            raise InputError(
                f"cannot use the structured-output constraint: {self.matcher.get_error()}",
                "check the JSON schema or regex",
            )
        self.vocab_size = vocab_size
        self.eos = eos
        self._bits = np.zeros((vocab_size + 31) // 32, dtype=np.int32)
        self._only_eos = np.ones(vocab_size, dtype=bool)
        self._only_eos[eos] = False

    def consume(self, token: int) -> None:
        """Advance past a token the reply now has."""
        if not self.matcher.is_stopped():
            self.matcher.consume_token(token)

    def forbidden(self) -> np.ndarray:
        """A boolean array over the vocabulary: True for each token that may not come next.

        A finished (or failed) matcher allows only end-of-sequence, which ends the reply.
        """
        if self.matcher.is_stopped() or self.matcher.is_error():
            return self._only_eos
        self.matcher.unsafe_compute_mask_ptr(self._bits.ctypes.data, self._bits.nbytes)
        allowed = np.unpackbits(self._bits.view(np.uint8), count=self.vocab_size, bitorder="little")
        return allowed == 0


class LogitsMask:
    """A llama-cpp-python logits processor for one reply: `(input_ids, scores) -> scores`.

    Its first call sees the prompt; every later call sees the tokens sampled since, which it feeds
    to the matcher before masking. (Not for speculative generation, where `input_ids` also holds
    drafted tokens not yet accepted.)
    """

    def __init__(self, mask: TokenMask):
        self.mask = mask
        self._seen: int | None = None

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if self._seen is not None:
            for token in input_ids[self._seen :]:
                self.mask.consume(int(token))
        self._seen = len(input_ids)
        scores[self.mask.forbidden()[: len(scores)]] = -np.inf
        return scores


@cache
def _ll_tokenizer(tokenizer: Any, vocab_size: int) -> Any:
    import llguidance.hf

    return llguidance.hf.from_tokenizer(tokenizer, n_vocab=vocab_size)


class GrammarMask:
    """A transformers logits processor: one `TokenMask` per batch row (None = unconstrained).

    Each call first feeds every row's matcher the token the row sampled last, then sets the logits
    of the tokens it forbids to -inf.
    """

    def __init__(self, tokenizer: Any, constraints: list[Structured | None], vocab_size: int):
        ll_tokenizer = _ll_tokenizer(tokenizer, vocab_size)
        eos = tokenizer.eos_token_id
        self.masks = [
            TokenMask(ll_tokenizer, c, vocab_size, eos) if c is not None else None
            for c in constraints
        ]
        self._started = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self._started:
            for mask, row in zip(self.masks, input_ids, strict=True):
                if mask is not None:
                    mask.consume(int(row[-1]))
        self._started = True
        for index, mask in enumerate(self.masks):
            if mask is not None:
                forbidden = torch.from_numpy(mask.forbidden()[: scores.shape[1]])
                scores[index, forbidden] = float("-inf")
        return scores
