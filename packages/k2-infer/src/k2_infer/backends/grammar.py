"""Structured output for the transformers backend: llguidance masks the tokens a constraint forbids.

    mask = GrammarMask(tokenizer, [Structured(json_schema=schema), None], vocab_size)
    model.generate(..., logits_processor=[mask])       # row 0 constrained, row 1 free

llguidance (maintained by Microsoft, also a vLLM structured-output engine) compiles a JSON schema, a
regex or a choice into a matcher that yields, at each step, the bitmask of allowed next tokens. Tried
here beside xgrammar on the embedded model, both gave the same constrained outputs (a busy machine
made their speeds too noisy to rank); llguidance installs as one small wheel with no dependencies,
where xgrammar pulls in triton.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import numpy as np

from k2_core.errors import InputError
from k2_core.types import Structured


def grammar(constraint: Structured) -> str:
    """The llguidance grammar for a constraint."""
    from llguidance import LLMatcher

    if constraint.json_schema is not None:
        return LLMatcher.grammar_from_json_schema(json.dumps(constraint.json_schema))
    if constraint.choice is not None:
        return LLMatcher.grammar_from_regex("|".join(map(re.escape, constraint.choice)))
    return LLMatcher.grammar_from_regex(constraint.regex)


@cache
def _ll_tokenizer(tokenizer: Any, vocab_size: int) -> Any:
    import llguidance.hf

    return llguidance.hf.from_tokenizer(tokenizer, n_vocab=vocab_size)


class GrammarMask:
    """A transformers logits processor: one llguidance matcher per batch row (None = unconstrained).

    Each call first feeds every matcher the token its row sampled last, then sets the logits of the
    tokens it forbids to -inf. A matcher that has finished allows only end-of-sequence.
    """

    def __init__(self, tokenizer: Any, constraints: list[Structured | None], vocab_size: int):
        from llguidance import LLMatcher

        ll_tokenizer = _ll_tokenizer(tokenizer, vocab_size)
        self.matchers = [
            LLMatcher(ll_tokenizer, grammar(c), log_level=0) if c is not None else None
            for c in constraints
        ]
        for matcher in self.matchers:
            if matcher is not None and matcher.is_error():
                raise InputError(
                    f"cannot use the structured-output constraint: {matcher.get_error()}",
                    "check the JSON schema or regex",
                )
        self._eos = tokenizer.eos_token_id
        self._started = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self._started:
            for matcher, row in zip(self.matchers, input_ids, strict=True):
                if matcher is not None and not matcher.is_stopped():
                    matcher.consume_token(int(row[-1]))
        self._started = True
        words = (scores.shape[1] + 31) // 32
        for index, matcher in enumerate(self.matchers):
            if matcher is None:
                continue
            if matcher.is_stopped():  # the reply is complete: end it
                scores[index, :] = float("-inf")
                scores[index, self._eos] = 0.0
                continue
            mask = np.zeros(words, dtype=np.int32)
            matcher.unsafe_compute_mask_ptr(mask.ctypes.data, mask.nbytes)
            allowed = np.unpackbits(mask.view(np.uint8), bitorder="little")[: scores.shape[1]]
            scores[index, torch.from_numpy(allowed == 0)] = float("-inf")
        return scores
