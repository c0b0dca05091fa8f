"""Confidence-aware and adaptive sampling against plain best-of-N, replayed from recorded traces.

Each problem's recorded traces are served by a replay backend to k2's real samplers and selectors
(the same code a solve runs), so the replay measures the samplers themselves: which traces they
draw, where deepconf-online's watch stops one, when adaptive's stopping rule fires. Every method gets
the same N and, per trial, the same shuffled order of each problem's traces (a paired comparison).

- accuracy: the share of (problem, trial) solves whose chosen trace is correct;
- tokens: generated solver tokens per solve (a stopped trace costs what it generated before the stop);
- wall: simulated seconds per solve; each trace takes its recorded latency (scaled by the share of
  it generated), traces drawn together overlap, waves add up. The replay runs on a virtual clock
  (a sleep jumps the clock ahead instead of waiting), so the figure is exact and costs no real time.

Traces: a JSONL of samples, one line each, in `k2-infer eval`'s samples.jsonl fields (problem_id,
correct, extracted, completion_tokens, latency) plus either `logprobs` (k2 `TokenLogprob` dicts) or
`confidences` (per-token DeepConf confidences). The default is bench/data's SYNTHETIC set
(`build_adaptive_traces.py`), so the figures show the mechanism, not a model's behaviour.

    hatch run python bench/adaptive.py [--data samples.jsonl] [--n 4,8,16] [--trials 10]

Prints a markdown table and writes bench/out/adaptive.png (accuracy against tokens) and .json.

Live traces: `--record FILE --backend NAME [--model M]` first draws `--traces` samples with top-5
log-probabilities for each of `--problems` two-digit additions (graded by k2-verify's math
verifier) from any backend (the embedded model on `transformers`, a vLLM server on `openai`), writes
them in the format above, then replays them.

    hatch run python bench/adaptive.py --record bench/out/live.jsonl --backend transformers \
        --problems 6 --traces 16 --n 4,8 --window 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from k2_core import (
    Completion,
    GenerationRequest,
    Message,
    Problem,
    SamplingParams,
    Usage,
    get_registry,
)
from k2_core.types import TokenLogprob
from k2_infer.adaptive import (
    AdaptiveSampler,
    ConfidenceVoteSelector,
    DeepConfOfflineSampler,
    DeepConfOnlineSampler,
)
from k2_infer.billing import Bill, MeteredBackend
from k2_infer.confidence import token_confidence
from k2_infer.samplers import BestOfNSampler
from k2_infer.selectors import FirstSelector, MajoritySelector

ROOT = Path(__file__).parent
DATA = ROOT / "data" / "adaptive_traces_synthetic.jsonl"
OUT = ROOT / "out"


def load(path: Path) -> dict[str, list[dict]]:
    """Each problem's usable traces, each with per-token `confidences`."""
    problems: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if record.get("status", "ok") != "ok":
            continue
        if "confidences" not in record:
            tokens = record.get("logprobs") or []
            record["confidences"] = [token_confidence(TokenLogprob(**t)) for t in tokens]
        if record["confidences"]:
            problems[str(record["problem_id"])].append(record)
    return problems


class ReplayBackend:
    """Serves one problem's traces in a fixed order, as completions with log-probabilities.

    A trace's per-token confidence c comes back as a token of log-probability -c with no
    alternatives, so `token_confidence` reads c again. A request's `watch` is fed the tokens and may
    stop the trace; the replay then sleeps for the share of the latency that was generated."""

    name = "replay"

    def __init__(self, traces: list[dict]) -> None:
        self.traces, self.next = traces, 0

    async def generate(self, request: GenerationRequest) -> list[Completion]:
        picked = self.traces[self.next : self.next + request.params.n]
        self.next += request.params.n
        completions = [self._replay(trace, request) for trace in picked]
        longest = max(c.latency for c in completions)
        await asyncio.sleep(longest)
        return completions

    def _replay(self, trace: dict, request: GenerationRequest) -> Completion:
        tokens = [TokenLogprob("t", -c) for c in trace["confidences"]]
        finish, text = "stop", f"<answer>{trace['extracted']}</answer>"
        if request.watch is not None:
            kept = next((i + 1 for i, t in enumerate(tokens) if not request.watch(t)), None)
            if kept is not None:
                tokens, finish, text = tokens[:kept], "cancelled", "..."
        share = len(tokens) / len(trace["confidences"])
        generated = round(trace["completion_tokens"] * share)
        return Completion(
            text,
            finish_reason=finish,
            usage=Usage(100, generated),
            latency=float(trace.get("latency") or generated / 60) * share,
            backend=self.name,
            metrics={"correct": bool(trace["correct"])},
            logprobs=tokens if request.params.logprobs is not None else None,
        )

    async def aclose(self) -> None:
        return None


def methods(n: int, window: int):
    """(name, sampler, selector) for every method compared at this N."""
    warmup = max(2, n // 2)
    return [
        ("best-of-n first (plain)", BestOfNSampler(n), FirstSelector()),
        ("best-of-n majority", BestOfNSampler(n), MajoritySelector()),
        (
            "deepconf-offline keep 90%",
            DeepConfOfflineSampler(n, keep=0.9, window=window),
            ConfidenceVoteSelector(),
        ),
        (
            "deepconf-offline keep 10%",
            DeepConfOfflineSampler(n, keep=0.1, window=window),
            ConfidenceVoteSelector(),
        ),
        (
            "deepconf-online keep 90%",
            DeepConfOnlineSampler(n, warmup=warmup, keep=0.9, window=window),
            ConfidenceVoteSelector(),
        ),
        (
            "deepconf-online keep 10%",
            DeepConfOnlineSampler(n, warmup=warmup, keep=0.1, window=window),
            ConfidenceVoteSelector(),
        ),
        ("adaptive majority", AdaptiveSampler(n, wave=2), MajoritySelector()),
    ]


def virtual_clock(loop: asyncio.AbstractEventLoop) -> None:
    """Make `loop` keep virtual time: when it would wait for its next timer, the clock jumps there.

    (It patches the loop's selector, a private attribute of asyncio's selector loops: fine for a
    bench, never for library code.)"""
    now = [0.0]
    select = loop._selector.select  # type: ignore[attr-defined]

    def jump(timeout=None):
        if timeout:
            now[0] += timeout
        return select(0)

    loop.time = lambda: now[0]  # type: ignore[method-assign]
    loop._selector.select = jump  # type: ignore[attr-defined]


async def solve(sampler, selector, traces: list[dict]) -> dict:
    bill = Bill()
    backend = MeteredBackend(ReplayBackend(traces), bill)
    request = GenerationRequest([Message("user", "q")], SamplingParams(max_tokens=10**6))
    loop = asyncio.get_running_loop()
    start = loop.time()
    candidates = await sampler.sample(request, backend)
    wall = loop.time() - start
    usable = [c for c in candidates if c.error is None]
    selection = await selector.select(Problem("p", "q", domain="none"), usable, None, None)
    chosen = next(c for c in candidates if c.index == selection.index)
    usage = bill.usage["solver"]
    return {
        "correct": chosen.completion.metrics["correct"],
        "tokens": usage.completion_tokens,
        "saved": usage.saved_tokens,
        "drawn": len(candidates),
        "wall": wall,
    }


async def run(problems, ns, trials, window, seed) -> list[dict]:
    virtual_clock(asyncio.get_running_loop())
    rows = []
    orders = {
        (pid, trial): random.Random(f"{seed}-{pid}-{trial}").sample(traces, len(traces))
        for pid, traces in problems.items()
        for trial in range(trials)
    }
    for n in ns:
        for name, sampler, selector in methods(n, window):
            solves = await asyncio.gather(
                *(solve(sampler, selector, order) for order in orders.values())
            )
            count = len(solves)
            rows.append(
                {
                    "n": n,
                    "method": name,
                    "accuracy": sum(s["correct"] for s in solves) / count,
                    "tokens": sum(s["tokens"] for s in solves) / count,
                    "saved": sum(s["saved"] for s in solves) / count,
                    "drawn": sum(s["drawn"] for s in solves) / count,
                    "wall": sum(s["wall"] for s in solves) / count,
                }
            )
            print(f"  n={n} {name}: done", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| N | method | accuracy | tokens / solve | vs plain | traces drawn | wall s / solve |",
        "|---|---|---|---|---|---|---|",
    ]
    plain = {r["n"]: r["tokens"] for r in rows if r["method"].endswith("(plain)")}
    for r in rows:
        ratio = r["tokens"] / plain[r["n"]] - 1
        lines.append(
            f"| {r['n']} | {r['method']} | {r['accuracy']:.1%} | {r['tokens']:,.0f} | "
            f"{ratio:+.0%} | {r['drawn']:.1f} | {r['wall']:.1f} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict], path: Path, label: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5))
    for method in dict.fromkeys(r["method"] for r in rows):
        points = [r for r in rows if r["method"] == method]
        axes.plot(
            [p["tokens"] for p in points], [p["accuracy"] for p in points], "o-", label=method
        )
        for p in points:
            axes.annotate(f"N={p['n']}", (p["tokens"], p["accuracy"]), fontsize=7)
    axes.set_xscale("log")
    axes.set_xlabel("generated solver tokens per solve (log)")
    axes.set_ylabel("accuracy")
    axes.set_title(f"accuracy against tokens ({label})")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


async def record(
    path: Path,
    backend_name: str,
    model: str | None,
    problems: int,
    traces: int,
    max_tokens: int,
    seed: int,
) -> None:
    """Draw live traces with log-probabilities and write them as replayable samples."""
    registry = get_registry()
    backend = registry.create("backend", backend_name, **({"model": model} if model else {}))
    verifier = registry.create("verifier", "math")
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("w") as out:
            for number in range(problems):
                a, b = rng.randint(10, 99), rng.randint(10, 99)
                problem = Problem(f"add{number}", f"What is {a} + {b}? Answer in \\boxed{{}}.")
                problem.ground_truth = str(a + b)
                params = SamplingParams(max_tokens, 0.8, 0.95, n=traces, seed=seed + number)
                request = GenerationRequest([Message("user", problem.prompt)], params)
                request.params.logprobs = 5
                for run, completion in enumerate(await backend.generate(request)):
                    verdict = verifier.score(completion.text, problem)
                    confidences = [token_confidence(t) for t in completion.logprobs or []]
                    line = {
                        "benchmark": "live-addition",
                        "problem_id": problem.id,
                        "run": run,
                        "status": "ok",
                        "correct": verdict.correct,
                        "extracted": verdict.extracted,
                        "ground_truth": problem.ground_truth,
                        "completion_tokens": completion.usage.completion_tokens,
                        "latency": round(completion.latency, 3),
                        "confidences": [round(c, 3) for c in confidences],
                    }
                    out.write(json.dumps(line) + "\n")
                print(f"  recorded {problem.id}", file=sys.stderr)
    finally:
        await backend.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--n", default="4,8,16", help="comma-separated N values")
    parser.add_argument("--trials", type=int, default=10, help="shuffled orders per problem")
    parser.add_argument("--window", type=int, default=64, help="group confidence window (tokens)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--record", type=Path, help="draw live traces into this file, then replay")
    parser.add_argument("--backend", default="transformers")
    parser.add_argument("--model")
    parser.add_argument("--problems", type=int, default=6)
    parser.add_argument("--traces", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()

    if args.record:
        asyncio.run(
            record(
                args.record,
                args.backend,
                args.model,
                args.problems,
                args.traces,
                args.max_tokens,
                args.seed,
            )
        )
        args.data = args.record
    problems = load(args.data)
    ns = [int(n) for n in args.n.split(",")]
    fewest = min(len(traces) for traces in problems.values())
    if max(ns) > fewest:
        sys.exit(f"N={max(ns)} needs that many traces per problem; the fewest is {fewest}")
    label = "SYNTHETIC traces" if args.data == DATA else args.data.name
    print(f"{label}: {len(problems)} problems, {args.trials} trials, window {args.window}")
    rows = asyncio.run(run(problems, ns, args.trials, args.window, args.seed))
    print(table(rows))
    OUT.mkdir(exist_ok=True)
    (OUT / "adaptive.json").write_text(json.dumps(rows, indent=2))
    plot(rows, OUT / "adaptive.png", label)
    print(f"wrote {OUT / 'adaptive.png'} and {OUT / 'adaptive.json'}")


if __name__ == "__main__":
    main()
