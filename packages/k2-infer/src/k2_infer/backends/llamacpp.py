"""The `llamacpp` backend: GGUF files run natively by llama.cpp (llama-cpp-python), in this process.

    backend = LlamaCppBackend()                         # the embedded SmolLM2 GGUF, as shipped
    backend = LlamaCppBackend(model="model.gguf", speculative="ngram:10", parallel=2)

Quantized weights stay quantized (nothing is converted), so the embedded model decodes several times
faster than through transformers. The chat template comes from the GGUF file.

- Structured output (a JSON schema, a choice or a regex) is enforced by llguidance, the engine the
  transformers backend uses: a logits processor masks, at each step, the tokens the constraint
  forbids (`grammar.LogitsMask`), from a tokenizer built once from the GGUF vocabulary. llama.cpp's
  own grammars are not used: they have no regex mode, and their JSON took 57-116 s a reply here.
- `speculative="ngram[:K]"` is prompt lookup (llama-cpp-python's `LlamaPromptLookupDecoding`); the
  drafted and verified tokens are counted into the completion metrics. Draft models are not offered.
  A constrained request is decoded without speculation (the mask follows one token at a time).
  It verifies drafts one token per step (`n_ubatch=1`), as on AMX CPUs (`_has_amx`); greedy output
  then matches one-token decoding, not the batched prompts of a context without speculation, since
  llama.cpp's CPU kernels sum a batch in another order. It runs at 0.3-0.8x of plain decoding on
  the embedded model, so no recipe turns it on.
- `parallel` contexts (one `Llama` each, all reading the same memory-mapped file) serve candidates
  and concurrent requests side by side, the `threads` split among them: the binding generates one
  sequence per context, so this is how N candidates and concurrent callers share the CPU.
  By default there is one single-threaded context per CPU core (at most 4): llama.cpp's threads wait
  for each other at every layer by spinning, so on a shared machine one descheduled thread stalls
  the rest. Measured here on 2 busy cores: one context with 2 threads decoded 3-11 tok/s, one with
  1 thread 57-101 tok/s, interleaved in one run.
- `logprobs=True` keeps every position's logits (llama.cpp's `logits_all`: context x vocabulary
  floats per context, ~0.8 GB for the embedded model at 4,096 tokens), so requests asking for
  `params.logprobs` get them in `Completion.logprobs`; without it they get None (unavailable).
  A request's `watch` is not honoured: each completion runs to its end.
"""

from __future__ import annotations

import asyncio
import functools
import os
import queue
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from k2_core.errors import BackendError, InputError
from k2_core.types import Completion, GenerationRequest, Usage

from .grammar import LogitsMask, TokenMask
from .metrics import SpeculationCounts, finish_reason
from .openai import read_logprobs
from .speculative import Speculation, parse_speculative

INSTALL_HINT = "`pip install 'k2-infer[llamacpp]'` (it compiles llama.cpp once: a few minutes)"
EMBEDDED = "embedded"


def resolve_gguf(model: str | None) -> Path:
    """The GGUF file for a model option: None or `embedded` mean the embedded model's own file."""
    if model in (None, "", EMBEDDED):
        from k2_core.models import embedded_gguf

        return embedded_gguf()
    path = Path(model)
    if path.suffix != ".gguf" or not path.is_file():
        raise BackendError(
            f"the llamacpp backend needs a local .gguf file, got {model!r}",
            "pass the path of a GGUF file, or omit --model for the embedded model",
        )
    return path


@functools.cache
def _has_amx() -> bool:
    """True on a CPU with AMX (Linux's `amx_tile` flag). There llama.cpp puts Q4_1/Q8_0 weights in
    its AMX buffer, whose batched matmul segfaults for 2 or more tokens (ggml_backend_amx_mul_mat,
    seen in gdb on a Sapphire Rapids machine; llama.cpp issue #20824), so contexts run one token
    per step there. Without that buffer (model param use_extra_bufts=false) one token decodes ~2x
    slower. Elsewhere prompts go through in batches: a 646-token prompt took 4.9-5.2 s instead of
    7.9-8.3 s on one core, and the main job 9.4 s instead of 10.7 s (measured on an AMD EPYC).
    Read once per process."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return any(line.startswith("flags") and " amx_tile" in line for line in cpuinfo)
    except OSError:
        return False


class _CountedLookup:
    """Prompt-lookup drafting that counts its proposals: one call per target forward pass."""

    def __init__(self, num_tokens: int) -> None:
        from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

        self._lookup = LlamaPromptLookupDecoding(num_pred_tokens=num_tokens)
        self.counts = SpeculationCounts()

    def __call__(self, input_ids: Any, /, **kwargs: Any) -> Any:
        drafted = self._lookup(input_ids, **kwargs)
        self.counts.target_passes += 1
        self.counts.drafted += len(drafted)
        return drafted


class LlamaCppBackend:
    """A GGUF model; `model` is a .gguf path (default: the embedded SmolLM2-135M-Instruct).

    Options: `parallel` contexts (default: one per CPU core, at most 4), `threads` in all (default:
    one per context), `context` tokens per context (default 4096), `speculative` (`ngram[:K]`),
    `seed` (used when a request gives none).
    """

    name = "llamacpp"

    def __init__(
        self,
        *,
        model: str | None = None,
        parallel: int | None = None,
        threads: int | None = None,
        context: int = 4096,
        speculative: str | Speculation | None = None,
        seed: int = 0,
        logprobs: bool = False,
    ) -> None:
        parallel = parallel if parallel is not None else min(os.cpu_count() or 1, 4)
        if int(parallel) < 1:
            raise InputError(
                f"parallel must be at least 1, got {parallel}", "pass parallel=1 or more"
            )
        self.model = model
        self.parallel = int(parallel)
        self.threads = int(threads or self.parallel)
        self.context = int(context)
        self.seed = int(seed)
        self.logprobs = bool(logprobs)
        self.speculation = parse_speculative(speculative)
        if self.speculation and self.speculation.method != "ngram":
            raise InputError(
                f"the llamacpp backend cannot do {self.speculation.method!r} speculation",
                "use ngram[:K] (prompt lookup), or the transformers or vllm backend",
            )
        self._idle: queue.Queue = queue.Queue()  # contexts not in use
        self._contexts: list[Any] = []
        self._ll_tokenizer: Any = None  # llguidance's view of the GGUF vocabulary, for constraints
        self._starting = threading.Lock()

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        """`request.params.n` completions, each on the first free context (seeds offset by index)."""
        return list(
            await asyncio.gather(
                *(asyncio.to_thread(self._one, request, index) for index in range(request.params.n))
            )
        )

    async def aclose(self) -> None:
        for llm in self._contexts:
            llm.close()
        self._contexts.clear()
        self._ll_tokenizer = None
        self._idle = queue.Queue()

    # -- contexts (worker threads) -------------------------------------------------------------

    def _start(self) -> None:
        """Open the `parallel` contexts on first use."""
        with self._starting:
            if self._contexts:
                return
            try:
                from llama_cpp import Llama
            except ImportError:
                raise BackendError(
                    "the llamacpp backend needs llama-cpp-python", INSTALL_HINT
                ) from None
            path = resolve_gguf(self.model)
            threads = max(1, self.threads // self.parallel)
            for _ in range(self.parallel):
                draft = _CountedLookup(self.speculation.num_tokens) if self.speculation else None
                try:
                    llm = Llama(
                        model_path=str(path),
                        n_ctx=self.context,
                        # one token per step with speculation (see the module docstring) or AMX
                        n_ubatch=1 if self.speculation or _has_amx() else 512,
                        n_threads=threads,
                        n_threads_batch=threads,
                        draft_model=draft,
                        seed=self.seed,
                        logits_all=self.logprobs,
                        verbose=False,
                    )
                except ValueError as error:
                    raise BackendError(
                        f"llama.cpp cannot load {path}: {error}",
                        "check that it is a GGUF model file",
                    ) from None
                self._contexts.append(llm)
                self._idle.put(llm)

    def _tokenizer(self) -> Any:
        """llguidance's tokenizer for the GGUF vocabulary (built once: ~0.2 s for 49k tokens)."""
        with self._starting:
            if self._ll_tokenizer is None:
                import llama_cpp
                from llguidance.llamacpp import lltokenizer_from_vocab

                vocab = llama_cpp.llama_model_get_vocab(self._contexts[0].model)
                with warnings.catch_warnings():  # llguidance calls a deprecated alias per token
                    warnings.simplefilter("ignore", DeprecationWarning)
                    self._ll_tokenizer = lltokenizer_from_vocab(vocab)
            return self._ll_tokenizer

    def _one(self, request: GenerationRequest, index: int) -> Completion:
        if not self._contexts:
            self._start()
        llm = self._idle.get()
        try:
            return self._complete(llm, request, index)
        finally:
            self._idle.put(llm)

    def _complete(self, llm: Any, request: GenerationRequest, index: int) -> Completion:
        params = request.params
        constraint = request.constraint()
        processors = None
        if constraint is not None:
            mask = TokenMask(self._tokenizer(), constraint, llm.n_vocab(), llm.token_eos())
            processors = [LogitsMask(mask)]
        draft = llm.draft_model if processors is None else None
        if draft is not None:
            draft.counts = SpeculationCounts()
        seed = (params.seed if params.seed is not None else self.seed) + index
        start = time.perf_counter()
        saved_draft, llm.draft_model = llm.draft_model, draft
        try:
            reply = llm.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in request.messages],
                max_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                top_k=0,  # k2's sampling is temperature and top-p only
                min_p=0.0,
                stop=list(params.stop) or None,
                seed=seed,
                logits_processor=processors,
                **self._logprob_options(params.logprobs),
            )
        except ValueError as error:  # "Requested tokens (...) exceed context window of ..."
            raise BackendError(
                f"llama.cpp refused the request: {error}",
                "shorten the prompt or max_tokens, or pass a larger context=",
            ) from None
        finally:
            llm.draft_model = saved_draft
        latency = time.perf_counter() - start
        choice = reply["choices"][0]
        usage = reply.get("usage") or {}
        metrics: dict[str, Any] = {"gguf": Path(llm.model_path).name}
        if draft is not None:
            counts = draft.counts
            counts.generated = int(usage.get("completion_tokens", 0))
            counts.accepted = max(counts.generated - counts.target_passes, 0)
            metrics |= counts.metrics() | {"speculative": str(self.speculation)}
        return Completion(
            text=choice["message"].get("content") or "",
            finish_reason=finish_reason(choice.get("finish_reason")),
            usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))),
            latency=latency,
            model=request.model or self.model or EMBEDDED,
            backend=self.name,
            metrics=metrics,
            logprobs=read_logprobs(choice.get("logprobs")) if params.logprobs is not None else None,
        )

    def _logprob_options(self, top: int | None) -> dict[str, Any]:
        """What to ask llama.cpp for when a request wants log-probabilities (and this backend keeps
        the logits they need)."""
        if top is None or not self.logprobs:
            return {}
        return {"logprobs": True, "top_logprobs": top}
