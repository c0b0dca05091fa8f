"""Local inference on the embedded model, llama.cpp beside transformers, each figure beside its baseline.

Printed in one run (greedy unless said otherwise, the same prompts for every backend):

- the memory-bandwidth limit: a numpy copy measures bytes/s; weights read per token / bandwidth
  bounds one sequence's decode speed (the GGUF file for llama.cpp, parameters x 4 or 2 bytes for
  transformers fp32 / bf16);
- decode tokens/s (each the best of 3 runs) for one sequence and for N=8 candidates (one request, temperature 1), as a ratio
  to transformers fp32 (target: llama.cpp >= 6x) and as a share of the bandwidth limit;
- prompt-lookup speculation on a copy-heavy and a free-text prompt: speedup, greedy output
  identical or not, acceptance rate, and the Leviathan prediction from that acceptance with the
  verification cost c measured here ((t(K+1) / t(1) - 1) / K);
- llama.cpp threads: one context with 1 thread, one with 2, and the default (one 1-thread context
  per core): llama.cpp's threads spin-wait for each other, which a shared CPU punishes;
- structured-output overhead: tokens/s with a JSON schema and with the embedded recipe's solver
  regex against free text, best of 3 interleaved rounds (target: <= 10% slower);
- cross-request batching: 8 requests at once against the same 8 one at a time (target: >= 3x).

    hatch run python bench/local_inference.py [--tokens 48] [--threads 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from speculative import PROMPTS, cost_ratio  # noqa: E402  (the copy-heavy and free-text prompts)

from k2_core.models import embedded_gguf  # noqa: E402
from k2_core.types import GenerationRequest, Message, SamplingParams, Structured  # noqa: E402
from k2_infer.backends.llamacpp import LlamaCppBackend  # noqa: E402
from k2_infer.backends.speculative import leviathan_speedup  # noqa: E402
from k2_infer.backends.transformers import TransformersBackend  # noqa: E402

PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "hard": {"type": "boolean"},
        "topics": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
    },
    "required": ["hard", "topics"],
    "additionalProperties": False,
}
PLAN_PROMPT = "Is 'What is 7 * 6?' a hard problem? List topics to research, as JSON."
SOLVER_REGEX = r"<think>[^<]{1,160}</think> <answer>[^<\n]{1,24}</answer>"  # k2-think-embedded
EVAL_PROMPTS = [f"What is {a} + {a + 3}? Explain step by step." for a in range(8)]


def bandwidth(size_mb: int = 256, repeats: int = 5) -> float:
    """Bytes per second of a large numpy copy (each byte read once and written once)."""
    source = np.ones(size_mb * 2**20, dtype=np.uint8)
    target = np.empty_like(source)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return 2 * source.nbytes / best


def request(prompt: str, tokens: int, structured=None, **params) -> GenerationRequest:
    params = {"max_tokens": tokens, "temperature": 0.0} | params
    return GenerationRequest(
        [Message("user", prompt)], SamplingParams(**params), structured=structured
    )


async def timed(backend, requests: list[GenerationRequest], together: bool) -> tuple[float, list]:
    """Aggregate completion tokens/s over `requests`, sent at once or one after another."""
    start = time.perf_counter()
    if together:
        replies = await asyncio.gather(*(backend.generate(r) for r in requests))
    else:
        replies = [await backend.generate(r) for r in requests]
    wall = time.perf_counter() - start
    completions = [c for reply in replies for c in reply]
    return sum(c.usage.completion_tokens for c in completions) / wall, completions


async def fastest(backend, requests: list[GenerationRequest], together: bool, rounds: int = 3):
    """`timed`'s fastest of `rounds` runs: the machine is shared, so a burst of load is left out."""
    runs = [await timed(backend, requests, together) for _ in range(rounds)]
    return max(runs, key=lambda run: run[0])


def row(label: str, value: float, base: float | None = None, unit: str = "tok/s", note: str = ""):
    ratio = f"{value / base:6.2f}x" if base else "       "
    print(f"  {label:<44} {value:8.1f} {unit:<6} {ratio}  {note}")


async def llama_lookup_cost(backend: LlamaCppBackend, k: int, repeats: int = 5) -> float:
    """Leviathan's c for llama.cpp prompt lookup: one pass over K+1 new tokens against one token."""
    await backend.generate(request("warm up", 1))
    llm = backend._contexts[0]
    context = llm.tokenize(PROMPTS["copy code"].encode())

    def step(fed: int) -> float:
        best = float("inf")
        for _ in range(repeats):
            llm.reset()
            llm.eval(context)
            start = time.perf_counter()
            llm.eval(context[:fed])
            best = min(best, time.perf_counter() - start)
        return best

    return (step(k + 1) / step(1) - 1) / k


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--k", type=int, default=10, help="prompt-lookup tokens per step")
    args = parser.parse_args()
    tokens, threads = args.tokens, args.threads
    import torch

    torch.set_num_threads(threads)

    print(f"# local inference on the embedded model ({threads} threads, {tokens} new tokens)")
    bytes_per_s = bandwidth()
    gguf_bytes = embedded_gguf().stat().st_size
    fp32 = TransformersBackend(dtype="float32")
    await fp32.generate(request("warm up", 1))
    from k2_infer.backends.transformers import load, resolve_model

    params = sum(p.numel() for p in load(resolve_model(None), "float32")[0].parameters())
    limits = {"llama.cpp": bytes_per_s / gguf_bytes, "fp32": bytes_per_s / (4 * params)}
    limits["bf16"] = bytes_per_s / (2 * params)
    print(f"\nmemory bandwidth {bytes_per_s / 1e9:.1f} GB/s (numpy copy)")
    print(f"  weights per token: GGUF {gguf_bytes / 1e6:.0f} MB, fp32 {4 * params / 1e6:.0f} MB")
    for name, limit in limits.items():
        row(f"bandwidth limit, one sequence, {name}", limit)

    # -- decode speed ---------------------------------------------------------------------
    bf16 = TransformersBackend(dtype="bfloat16")
    llama = LlamaCppBackend(parallel=1, threads=1)
    backends = {"transformers fp32": fp32, "transformers bf16": bf16, "llama.cpp": llama}
    backends[f"llama.cpp, 1 context x {threads} threads"] = LlamaCppBackend(
        parallel=1, threads=threads
    )
    backends["llama.cpp, default contexts"] = LlamaCppBackend()
    free = PROMPTS["free text"]
    one, eight = {}, {}
    for name, backend in backends.items():
        await backend.generate(request("warm up", 1))
        one[name] = (await fastest(backend, [request(free, tokens)], together=False))[0]
        sampled = request(free, tokens, temperature=1.0, seed=0, n=8)
        eight[name] = (await fastest(backend, [sampled], together=False))[0]
    base = one["transformers fp32"]
    print("\ndecode, one sequence (ratio to transformers fp32; share of its bandwidth limit)")
    for name, speed in one.items():
        limit = limits["llama.cpp" if "llama" in name else name.split()[-1]]
        row(name, speed, base, note=f"{speed / limit:.0%} of the bandwidth limit")
    print("decode, N=8 candidates of one request (aggregate; ratio to transformers fp32, 1 seq)")
    for name, speed in eight.items():
        row(name, speed, base)

    # -- speculation ----------------------------------------------------------------------
    print(f"\nprompt lookup ngram:{args.k} (ratio to the same backend without it)")
    spec_backends = {
        "llama.cpp": (llama, LlamaCppBackend(parallel=1, threads=1, speculative=f"ngram:{args.k}")),
        "transformers fp32": (fp32, TransformersBackend(speculative=f"ngram:{args.k}")),
    }
    costs = {
        "llama.cpp": await llama_lookup_cost(llama, args.k),
        "transformers fp32": cost_ratio(f"ngram:{args.k}", "float32"),
    }
    for name, (plain, fast) in spec_backends.items():
        for kind, prompt in PROMPTS.items():
            plain_speed, [p] = await fastest(plain, [request(prompt, tokens)], together=False)
            fast_speed, [f] = await fastest(fast, [request(prompt, tokens)], together=False)
            alpha = f.metrics["spec_acceptance_rate"]
            predicted = leviathan_speedup(alpha, args.k, costs[name])
            same = "identical" if f.text == p.text else "DIFFERENT"
            row(
                f"{name}, {kind}",
                fast_speed,
                plain_speed,
                note=f"greedy {same}; acceptance {alpha:.2f}; c {costs[name]:.3f}; "
                f"Leviathan predicts {predicted:.2f}x",
            )

    # -- structured output ----------------------------------------------------------------
    print("\nstructured output against free text (ratio to free text; best of 3 rounds)")
    constraints = {
        "JSON schema": Structured(json_schema=PLAN_SCHEMA),
        "solver regex": Structured(regex=SOLVER_REGEX),
    }
    for name in ("llama.cpp", "transformers fp32"):
        backend = backends[name]
        best: dict[str, float] = {}
        for _ in range(3):  # interleaved, so a burst of load hits every variant alike
            for label, constraint in {"free": None, **constraints}.items():
                ask = request(PLAN_PROMPT, tokens, structured=constraint)
                speed, _ = await timed(backend, [ask], together=False)
                best[label] = max(best.get(label, 0.0), speed)
        for label in constraints:
            row(f"{name}, {label}", best[label], best["free"])

    # -- cross-request batching -----------------------------------------------------------
    print("\ncross-request batching: 8 requests at once (ratio to the same 8 one at a time)")
    evals = [request(prompt, tokens) for prompt in EVAL_PROMPTS]
    for name in ("transformers fp32", "transformers bf16", "llama.cpp, default contexts"):
        backend = backends[name]
        serial, _ = await timed(backend, evals, together=False)
        together, _ = await timed(backend, evals, together=True)
        row(f"{name}, concurrency 8", together, serial)

    for backend in {*backends.values(), *(fast for _, fast in spec_backends.values())}:
        await backend.aclose()


if __name__ == "__main__":
    asyncio.run(main())
