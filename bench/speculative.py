"""Does speculative decoding pay on this machine, and does theory predict it?

For each setting (dtype x speculation), the same backend generates greedily from the same prompts
(a copy-this-code prompt, where prompt lookup should shine, and free text, where it should not).
Printed per setting, beside the plain baseline of the same dtype:

- tokens/s with and without speculation, and the speedup ratio;
- the measured acceptance rate (accepted / drafted tokens) and tokens per target forward pass;
- the speedup the Leviathan formula predicts from that acceptance, with the cost ratio c measured
  here: for prompt lookup, the extra cost of verifying K+1 tokens in one pass instead of one
  ((t(K+1) / t(1) - 1) / K); for a draft model, one draft step relative to one target step;
- whether the greedy output is identical to the plain one (it must be, up to float rounding).

The draft model is the embedded model cut to its first layers (same tokenizer, no training), so it
shows the mechanism and the cost of poor acceptance rather than a good pairing.

    hatch run python bench/speculative.py [--tokens 64] [--ks 3,5,10] [--dtypes float32,bfloat16]
    hatch run vllm:python bench/speculative.py --backend vllm --dtypes float32 --ks 4
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from k2_core.registry import get_registry
from k2_core.types import GenerationRequest, Message, SamplingParams
from k2_infer.backends.speculative import leviathan_speedup, parse_speculative

PROMPTS = {
    "copy code": "Repeat this code exactly:\n```python\n"
    "def mean(values):\n    total = 0\n    for value in values:\n        total += value\n"
    "    return total / len(values)\n```\n",
    "free text": "Write a short story about a lighthouse keeper who finds a message in a bottle.",
}


def make_draft(layers: int) -> Path:
    """The embedded model cut to its first `layers` decoder layers, saved once in a temp folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from k2_infer.backends.transformers import resolve_model

    folder = Path(tempfile.gettempdir()) / f"k2-bench-draft-{layers}-layers"
    if (folder / "config.json").exists():
        return folder
    source = resolve_model(None)
    model = AutoModelForCausalLM.from_pretrained(source)
    model.model.layers = model.model.layers[:layers]
    model.config.num_hidden_layers = layers
    if getattr(model.config, "layer_types", None):
        model.config.layer_types = model.config.layer_types[:layers]
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(source).save_pretrained(folder)
    return folder


def step_cost(model_name: str | None, dtype: str, fed: int, repeats: int = 5) -> float:
    """Seconds for one cached forward pass feeding `fed` new tokens after a 64-token context."""
    import torch

    from k2_infer.backends.transformers import load, resolve_model

    model, _ = load(resolve_model(model_name), dtype)
    context = torch.randint(100, 1000, (1, 64))
    new = torch.randint(100, 1000, (1, fed))
    best = float("inf")
    with torch.inference_mode():
        for _ in range(repeats):
            cache = model(context, use_cache=True).past_key_values
            start = time.perf_counter()
            model(new, past_key_values=cache, use_cache=True)
            best = min(best, time.perf_counter() - start)
    return best


def cost_ratio(speculative: str, dtype: str) -> float:
    """Leviathan's c for this setting, measured (see the module docstring)."""
    spec = parse_speculative(speculative)
    one = step_cost(None, dtype, 1)
    if spec.method == "ngram":
        return (step_cost(None, dtype, spec.num_tokens + 1) / one - 1) / spec.num_tokens
    return step_cost(spec.model, dtype, 1) / one


async def measure(backends: dict, tokens: int, repeats: int) -> dict[str, dict]:
    """Greedy generations from every prompt with every backend, in interleaved rounds.

    The machine is shared, so each (setting, prompt) keeps its fastest round: interleaving makes a
    burst of load hit all settings alike. Returns per setting: texts, tokens, seconds, counters.
    """
    params = SamplingParams(max_tokens=tokens, temperature=0)
    best: dict[str, dict] = {}
    warm_up = GenerationRequest(
        [Message("user", "Hi")], SamplingParams(max_tokens=4, temperature=0)
    )
    for backend in backends.values():
        await backend.generate(warm_up)
    for round_ in range(repeats):
        for setting, backend in backends.items():
            print(f"  round {round_ + 1}/{repeats}: {setting}", file=sys.stderr)
            for prompt in PROMPTS.values():
                request = GenerationRequest([Message("user", prompt)], params)
                [completion] = await backend.generate(request)
                kept = best.setdefault(setting, {}).get(prompt)
                if kept is None or completion.latency < kept.latency:
                    best[setting][prompt] = completion
    for backend in backends.values():
        await backend.aclose()
    totals = {}
    for setting, by_prompt in best.items():
        completions = list(by_prompt.values())
        totals[setting] = {
            "texts": [c.text for c in completions],
            "tokens": sum(c.usage.completion_tokens for c in completions),
            "seconds": sum(c.latency for c in completions),
        }
        for key in ("spec_draft_tokens", "spec_accepted_tokens", "spec_target_passes"):
            totals[setting][key] = sum(c.metrics.get(key, 0) for c in completions)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="transformers", choices=["transformers", "vllm"])
    parser.add_argument("--tokens", type=int, default=64, help="greedy tokens per prompt")
    parser.add_argument("--ks", default="3,5,10", help="prompt-lookup tokens per step")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--draft-layers", type=int, default=6, help="0: no draft-model rows")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the fastest one counts")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.backend == "transformers":
        from transformers.utils import logging

        logging.set_verbosity_error()
    else:
        os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")  # vLLM logs to stdout

    settings = [f"ngram:{k}" for k in args.ks.split(",")]
    if args.draft_layers and args.backend == "transformers":
        settings.append(f"draft:{make_draft(args.draft_layers)}:3")

    header = (
        f"{'dtype':9} {'speculative':16} {'tok/s':>6} {'base':>6} {'speedup':>7} "
        f"{'accept':>6} {'tok/pass':>8} {'c':>5} {'predicted':>9} {'greedy same':>11}"
    )
    print(f"backend {args.backend}, {args.tokens} greedy tokens x {len(PROMPTS)} prompts")
    print(header)
    print("-" * len(header))
    mismatches = 0
    registry = get_registry()
    for dtype in args.dtypes.split(","):
        print(f"[{dtype}] measuring {len(settings) + 1} settings ...", file=sys.stderr)
        backends = {
            setting: registry.create("backend", args.backend, dtype=dtype, speculative=setting)
            for setting in ["none", *settings]
        }
        results = asyncio.run(measure(backends, args.tokens, args.repeats))
        base = results["none"]
        base_rate = base["tokens"] / base["seconds"]
        print(f"{dtype:9} {'none':16} {base_rate:6.1f} {base_rate:6.1f} {1.0:7.2f}")
        for speculative in settings:
            result = results[speculative]
            rate = result["tokens"] / result["seconds"]
            drafted = result["spec_draft_tokens"]
            accept = result["spec_accepted_tokens"] / drafted if drafted else 0.0
            per_pass = result["tokens"] / max(result["spec_target_passes"], 1)
            spec = parse_speculative(speculative)
            if args.backend == "transformers":
                c = cost_ratio(speculative, dtype)
                predicted = f"{leviathan_speedup(accept, spec.num_tokens, c):9.2f}"
                c_text = f"{c:5.2f}"
            else:
                predicted, c_text = f"{'-':>9}", f"{'-':>5}"
            same = result["texts"] == base["texts"]
            mismatches += not same
            label = speculative if spec.method == "ngram" else f"draft:{args.draft_layers}L:3"
            print(
                f"{dtype:9} {label:16} {rate:6.1f} {base_rate:6.1f} {rate / base_rate:7.2f} "
                f"{accept:6.2f} {per_pass:8.2f} {c_text} {predicted} {'yes' if same else 'NO':>11}"
            )
    print(
        "speedup = tok/s / base (same dtype); predicted = Leviathan (1-a^(K+1))/((1-a)(Kc+1)) "
        "from the measured acceptance a"
    )
    if mismatches:
        print(f"{mismatches} setting(s) changed the greedy output", file=sys.stderr)


if __name__ == "__main__":
    main()
