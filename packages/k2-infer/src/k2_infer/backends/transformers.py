"""The `transformers` backend: a local causal language model in this process.

    backend = TransformersBackend()                        # the embedded SmolLM2-135M-Instruct
    backend = TransformersBackend(model="path/or/hub-id", dtype="bfloat16", speculative="ngram:4")

The N candidates of one request are drawn in one batched `generate` (a single prompt repeated N times),
which gives several times the aggregate tokens/s of N separate calls. Requests that arrive together
(eval concurrency, a tournament's judge pairs, the server) share that batch too: a micro-batcher
waits `batch_window` seconds for company, then left-pads the prompts of every request with the same
sampling settings into one `generate`. Generation runs on a worker thread, one batch at a time per
process, so the event loop stays free.

Structured output (a JSON schema, choice or regex on the request) is enforced token by token by
llguidance (`grammar.GrammarMask`), row by row, so constrained and free requests share a batch.

Speculative decoding (`ngram[:K]` = prompt lookup, `draft:MODEL[:K]` = an assistant model sharing the
tokenizer) works one sequence at a time in transformers, so N candidates become N generations. The
completion metrics then carry the acceptance rate and the tokens per target forward pass, counted
with a forward hook on the target model.

`params.logprobs` returns each generated token's log-probability and its top-k alternatives, from the
model's own logits (before temperature and top-p), in `Completion.logprobs`; speculative generation
gives none. A request's `watch` is not honoured: a batch runs to its end.
"""

from __future__ import annotations

import asyncio
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from k2_core.errors import BackendError, InputError
from k2_core.types import Completion, GenerationRequest, Message, TokenLogprob, Usage

from .batching import MicroBatcher
from .grammar import GrammarMask
from .metrics import SpeculationCounts
from .speculative import Speculation, parse_speculative

INSTALL_HINT = "`pip install 'k2-infer[transformers]'`"
DTYPES = ("float32", "bfloat16", "float16")
EMBEDDED = "embedded"


def resolve_model(model: str | None) -> str:
    """A model option as `from_pretrained` takes it: None or `embedded` mean the embedded model."""
    if model in (None, "", EMBEDDED):
        from k2_core.models import embedded_model_dir

        return str(embedded_model_dir())
    return model


@cache
def load(model: str, dtype: str) -> tuple[Any, Any]:
    """`(model, tokenizer)` for a checkpoint folder or hub id; cached, so backends share weights."""
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise BackendError(
            "the transformers backend needs torch and transformers", INSTALL_HINT
        ) from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(model)
        loaded = AutoModelForCausalLM.from_pretrained(model, dtype=getattr(torch, dtype))
    except (OSError, ValueError) as error:  # missing files, or a folder that is no checkpoint
        where = (
            "folder" if Path(model).exists() else "model (not a local folder nor in the hub cache)"
        )
        raise BackendError(
            f"cannot load {where} {model!r}: {str(error).splitlines()[0]}",
            "pass a local checkpoint folder or a downloaded hub id, or omit --model for the "
            "embedded model",
        ) from None
    loaded.eval()
    return loaded, tokenizer


def _count_passes(model: Any, counts: SpeculationCounts, prompt_len: int):
    """A forward hook that adds each target forward pass, and the draft tokens it verified, to counts.

    A pass feeds the tokens not yet in the cache (the prompt at first, then the last accepted token)
    followed by the drafted ones, so drafted = fed - prompt on the first pass, fed - 1 afterwards.
    """

    def hook(module: Any, args: tuple, kwargs: dict, output: Any) -> None:
        ids = kwargs.get("input_ids")
        fed = (ids if ids is not None else args[0]).shape[-1]
        counts.drafted += fed - (prompt_len if counts.target_passes == 0 else 1)
        counts.target_passes += 1

    return model.register_forward_hook(hook, with_kwargs=True)


class TransformersBackend:
    """A local model; `model` is a folder or hub id (default: the embedded SmolLM2-135M-Instruct)."""

    name = "transformers"

    def __init__(
        self,
        *,
        model: str | None = None,
        dtype: str = "float32",
        speculative: str | Speculation | None = None,
        batch_window: float = 0.01,
    ) -> None:
        if dtype not in DTYPES:
            raise InputError(f"unknown dtype {dtype!r}", f"use one of: {', '.join(DTYPES)}")
        self.model = model
        self.dtype = dtype
        self.speculation = parse_speculative(speculative)
        if self.speculation and self.speculation.method not in {"ngram", "draft"}:
            raise InputError(
                f"the transformers backend cannot do {self.speculation.method!r} speculation",
                "use ngram[:K] or draft:MODEL[:K], or the vllm backend",
            )
        self._lock = threading.Lock()
        self._batcher = MicroBatcher(self._generate_batch, window=float(batch_window))

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        if self.speculation is not None and request.constraint() is None:
            return await asyncio.to_thread(self._speculate_all, request)
        return await self._batcher.submit(self._batch_key(request), request)

    async def aclose(self) -> None:
        return None

    def release(self) -> None:
        """Free the cached weights (shared by every transformers backend; they reload when next used).

        For a process that moves on to another model, such as training after evaluating a checkpoint.
        """
        load.cache_clear()

    # -- generation (worker thread) ------------------------------------------------------------

    def _batch_key(self, request: GenerationRequest) -> tuple:
        """Requests with equal keys can share one `generate`: same model and sampling settings."""
        p = request.params
        model = resolve_model(request.model or self.model)
        return (model, p.max_tokens, p.temperature, p.top_p, tuple(p.stop), p.seed, p.logprobs)

    def _generate_batch(self, requests: list[GenerationRequest]) -> list[list[Completion]]:
        """One batched `generate` for requests sharing a key: each prompt repeated n times, padded
        on the left; each row constrained by its request's structured output, if any."""
        import torch

        first = requests[0]
        with self._lock:
            model, tokenizer = load(resolve_model(first.model or self.model), self.dtype)
            prompts = [self._encode(tokenizer, request.messages) for request in requests]
            rows = [
                ids for r, ids in zip(requests, prompts, strict=True) for _ in range(r.params.n)
            ]
            width = max(map(len, rows))
            pad = tokenizer.pad_token_id or tokenizer.eos_token_id
            input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in rows])
            attention = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in rows])
            options = self._generate_options(first, model, tokenizer, width)
            constraints = [r.constraint() for r in requests for _ in range(r.params.n)]
            if any(constraints):
                mask = GrammarMask(tokenizer, constraints, model.config.vocab_size)
                options["logits_processor"] = [mask]
            if first.params.seed is not None:
                torch.manual_seed(first.params.seed)
            top = first.params.logprobs
            if top is not None:  # the model's own logits, before temperature and top-p
                options.update(return_dict_in_generate=True, output_logits=True)
            start = time.perf_counter()
            with torch.inference_mode():
                output = model.generate(input_ids=input_ids, attention_mask=attention, **options)
            latency = time.perf_counter() - start
        sequences = output.sequences if top is not None else output
        results, row = [], 0
        for request, prompt in zip(requests, prompts, strict=True):
            completions = []
            for ids in sequences[row : row + request.params.n]:
                completion = self._completion(
                    tokenizer, ids[width:], None, request, options, len(prompt), latency
                )
                if top is not None:
                    generated = ids[width : width + completion.usage.completion_tokens].tolist()
                    completion.logprobs = _token_logprobs(
                        tokenizer, output.logits, row + len(completions), generated, top
                    )
                completions.append(completion)
            results.append(completions)
            row += request.params.n
        return results

    def _speculate_all(self, request: GenerationRequest) -> list[Completion]:
        """The n candidates of a request one after another, each a speculative generation."""
        import torch

        with self._lock:
            model, tokenizer = load(resolve_model(request.model or self.model), self.dtype)
            ids = self._encode(tokenizer, request.messages)
            prompt = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids))}
            options = self._generate_options(request, model, tokenizer, len(ids))
            options |= self._speculation_options(model)
            if request.params.seed is not None:
                torch.manual_seed(request.params.seed)
            start = time.perf_counter()
            with torch.inference_mode():
                rows = [
                    self._speculate(model, prompt, len(ids), options)
                    for _ in range(request.params.n)
                ]
            latency = time.perf_counter() - start
        return [
            self._completion(tokenizer, out, counts, request, options, len(ids), latency)
            for out, counts in rows
        ]

    def _encode(self, tokenizer: Any, messages: list[Message]) -> list[int]:
        """The chat prompt's token ids: the chat template if the tokenizer has one, else plain text."""
        if tokenizer.chat_template:
            chat = [{"role": m.role, "content": m.content} for m in messages]
            return list(
                tokenizer.apply_chat_template(
                    chat, add_generation_prompt=True, tokenize=True, return_dict=False
                )
            )
        return list(tokenizer("\n\n".join(m.content for m in messages))["input_ids"])

    def _generate_options(
        self, request: GenerationRequest, model: Any, tokenizer: Any, prompt_len: int
    ) -> dict[str, Any]:
        params = request.params
        context = getattr(model.config, "max_position_embeddings", None) or 2048
        if prompt_len >= context:
            raise BackendError(
                f"the prompt has {prompt_len} tokens; {self.name} model context is {context}",
                "shorten the prompt or use a model with a longer context",
            )
        options: dict[str, Any] = {
            "max_new_tokens": min(params.max_tokens, context - prompt_len),
            "do_sample": params.temperature > 0,
            "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id,
        }
        if params.temperature > 0:
            options.update(temperature=params.temperature, top_p=params.top_p, top_k=None)
        if params.stop:
            options.update(stop_strings=list(params.stop), tokenizer=tokenizer)
        return options

    def _speculation_options(self, model: Any) -> dict[str, Any]:
        """`generate` options for prompt lookup or a draft model."""
        if self.speculation.method == "ngram":
            return {"prompt_lookup_num_tokens": self.speculation.num_tokens}
        draft = load(resolve_model(self.speculation.model), self.dtype)[0]
        if draft is model:
            raise InputError("the draft model is the target model", "pass a smaller draft model")
        return {
            "assistant_model": draft,
            "num_assistant_tokens": self.speculation.num_tokens,
            "num_assistant_tokens_schedule": "constant",
        }

    def _speculate(
        self, model: Any, prompt: Any, prompt_len: int, options: dict[str, Any]
    ) -> tuple[Any, SpeculationCounts]:
        """One speculative generation, with the target model's forward passes counted."""
        counts = SpeculationCounts()
        handle = _count_passes(model, counts, prompt_len)
        try:
            output = model.generate(**prompt, **options)
        finally:
            handle.remove()
        return output[0][prompt_len:], counts

    def _completion(
        self,
        tokenizer: Any,
        ids: Any,
        counts: SpeculationCounts | None,
        request: GenerationRequest,
        options: dict[str, Any],
        prompt_len: int,
        latency: float,
    ) -> Completion:
        """Decode one generated row: cut at EOS (padding follows it in a batch) and at stop strings."""
        ids = ids.tolist()
        eos = tokenizer.eos_token_id
        ended = eos in ids
        if ended:
            ids = ids[: ids.index(eos) + 1]
        text = tokenizer.decode(ids, skip_special_tokens=True)
        stops = [text.index(s) for s in request.params.stop if s in text]
        if stops:
            text, ended = text[: min(stops)], True
        finish = "length" if not ended and len(ids) >= options["max_new_tokens"] else "stop"
        metrics: dict[str, Any] = {"dtype": self.dtype}
        if counts is not None:
            counts.generated = len(ids)
            counts.accepted = max(counts.generated - counts.target_passes, 0)
            metrics |= counts.metrics() | {"speculative": str(self.speculation)}
        return Completion(
            text=text,
            finish_reason=finish,
            usage=Usage(prompt_len, len(ids)),
            latency=latency,
            model=request.model or self.model or EMBEDDED,
            backend=self.name,
            metrics=metrics,
        )


def _token_logprobs(
    tokenizer: Any, logits: tuple, row: int, ids: list[int], top: int
) -> list[TokenLogprob]:
    """Each generated token of batch row `row` with its log-probability and the `top` best."""
    import torch

    tokens = []
    for step, token_id in enumerate(ids):
        logprobs = torch.log_softmax(logits[step][row].float(), dim=-1)
        best = torch.topk(logprobs, top) if top else None
        alternatives = (
            {
                tokenizer.decode([index]): value
                for value, index in zip(best.values.tolist(), best.indices.tolist(), strict=True)
            }
            if best is not None
            else {}
        )
        tokens.append(
            TokenLogprob(tokenizer.decode([token_id]), logprobs[token_id].item(), alternatives)
        )
    return tokens
