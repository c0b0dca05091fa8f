"""Confidence-aware and adaptive sampling against plain best-of-N: replayed from recorded traces,
or live on a vLLM engine.

Methods, all at the same N: best-of-N taking the first candidate (plain: the baseline, one
candidate's accuracy at N candidates' cost), best-of-N with a majority vote, deepconf-offline and
deepconf-online (keep 90% and 10%) with the confidence vote, and adaptive (waves of 2, majority).
Each solve runs k2's real `Pipeline` with that sampler and selector, so a candidate the sampler
stopped or dropped takes no part in the vote, as in `k2-infer solve`.

Replay (the default): each problem's recorded traces are served by a replay backend, in the same
shuffled order for every method in a trial (a paired comparison). Per solve:
- accuracy: the share of (problem, trial) solves whose chosen trace is correct;
- tokens: generated solver tokens (a stopped trace costs what it generated before the stop);
- wall: simulated seconds; each trace takes its recorded latency (scaled by the share of it
  generated), traces drawn together overlap, waves add up. The replay runs on a virtual clock (a
  sleep jumps the clock ahead instead of waiting), so the figure is exact and costs no real time.

Traces: a JSONL of samples, one line each, in `k2-infer eval`'s samples.jsonl fields (problem_id,
correct, extracted, completion_tokens, latency) plus either `logprobs` (k2 `TokenLogprob` dicts) or
`confidences` (per-token DeepConf confidences). The default is bench/data's RECORDED set: the
embedded SmolLM2-135M on a vLLM CPU server, single-digit additions graded by k2-verify's math
verifier (`--data bench/data/adaptive_traces_synthetic.jsonl` for the synthetic set).

    hatch run python bench/adaptive.py [--data samples.jsonl] [--n 4,8,16] [--trials 10]

Recording: `--record FILE` draws `--traces` samples with top-5 log-probabilities for each of
`--problems` additions and writes them in the format above, then replays them; from `--base-url` (an
OpenAI-compatible server, e.g. vLLM), from `--backend NAME`, or by default from a vLLM server this
script starts on the embedded model with `--vllm-python` (the vllm env's interpreter; default
`$K2_VLLM_PYTHON`, else `hatch env find vllm`).

    hatch run python bench/adaptive.py --record bench/data/adaptive_traces_smollm2_vllm.jsonl \
        --problems 12 --traces 16

Live (`--live`): the same methods run for real on that vLLM server (or `--base-url`) through the
`openai` backend: deepconf-online's early stops close the stream and vLLM stops generating.
(The synthetic set's traces are longer: replay it with `--window 64`.) Every
method gets the same seeds, so the samplers see the same traces where they draw the same ones.
Tokens are the bill, wall is real seconds (the server runs one solve at a time).

    hatch run python bench/adaptive.py --live --problems 6 --n 8

Prints a markdown table (each method's tokens and wall as a ratio to plain best-of-N) and writes
bench/out/adaptive[-live].png (accuracy against tokens) and .json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import httpx

from k2_core import (
    Completion,
    GenerationRequest,
    Message,
    Problem,
    SamplingParams,
    Usage,
    get_registry,
)
from k2_core.models import embedded_model_dir
from k2_core.types import TokenLogprob
from k2_infer.adaptive import (
    AdaptiveSampler,
    ConfidenceVoteSelector,
    DeepConfOfflineSampler,
    DeepConfOnlineSampler,
)
from k2_infer.confidence import token_confidence
from k2_infer.pipeline import Pipeline
from k2_infer.planners import NoPlanner
from k2_infer.samplers import BestOfNSampler
from k2_infer.selectors import FirstSelector, MajoritySelector

ROOT = Path(__file__).parent
DATA = ROOT / "data" / "adaptive_traces_smollm2_vllm.jsonl"
SYNTHETIC = ROOT / "data" / "adaptive_traces_synthetic.jsonl"
SAMPLING = {"max_tokens": 96, "temperature": 0.7, "top_p": 0.95}
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
    """One replayed solve through the pipeline; the chosen trace's recorded grade."""
    params = SamplingParams(max_tokens=10**6)
    pipeline = Pipeline(ReplayBackend(traces), NoPlanner(), sampler, selector, params=params)
    loop = asyncio.get_running_loop()
    start = loop.time()
    result = await pipeline.run(Problem("p", "q", domain="none"))
    chosen = next(c for c in result.candidates if c.index == result.selection.index)
    return outcome(result, chosen.completion.metrics["correct"], loop.time() - start)


def outcome(result, correct: bool, wall: float) -> dict:
    usage = result.usage["solver"]
    return {
        "correct": correct,
        "tokens": usage.completion_tokens,
        "saved": usage.saved_tokens,
        "drawn": len(result.candidates),
        "wall": wall,
    }


def summarise(n: int, name: str, solves: list[dict]) -> dict:
    count = len(solves)
    row = {"n": n, "method": name}
    for key in ("correct", "tokens", "saved", "drawn", "wall"):
        row["accuracy" if key == "correct" else key] = sum(s[key] for s in solves) / count
    return row


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
            # one at a time: a solve's wall is then only its own sleeps on the virtual clock
            solves = [await solve(sampler, selector, order) for order in orders.values()]
            rows.append(summarise(n, name, solves))
            print(f"  n={n} {name}: done", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    """Markdown, each method beside plain best-of-N at its N (tokens and wall as ratios)."""
    lines = [
        "| N | method | accuracy | vs plain | tokens / solve | vs plain | saved by stops "
        "| traces drawn | wall s / solve | vs plain |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    plain = {r["n"]: r for r in rows if r["method"].endswith("(plain)")}
    for r in rows:
        base = plain[r["n"]]
        lines.append(
            f"| {r['n']} | {r['method']} | {r['accuracy']:.1%} | "
            f"{r['accuracy'] - base['accuracy']:+.1%} | {r['tokens']:,.0f} | "
            f"{ratio(r['tokens'], base['tokens'])} | {r['saved']:,.0f} | {r['drawn']:.1f} | "
            f"{r['wall']:.1f} | {ratio(r['wall'], base['wall'])} |"
        )
    return "\n".join(lines)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "-"


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
    axes.set_title(f"accuracy against tokens\n{label}", fontsize=9)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def additions(count: int, seed: int) -> list[Problem]:
    """Single-digit additions (the embedded 135M model gets some right), graded as math."""
    rng = random.Random(seed)
    problems = []
    for number in range(count):
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        prompt = f"What is {a} + {b}? Answer in \\boxed{{}}."
        problems.append(Problem(f"add{number}", prompt, ground_truth=str(a + b)))
    return problems


def default_vllm_python() -> str:
    """The vllm env's interpreter: `$K2_VLLM_PYTHON`, else where hatch keeps the vllm env."""
    if os.environ.get("K2_VLLM_PYTHON"):
        return os.environ["K2_VLLM_PYTHON"]
    hatch = shutil.which("hatch")
    if hatch is None:
        sys.exit("no vLLM: pass --base-url, --vllm-python, or install hatch and its vllm env")
    found = subprocess.run([hatch, "env", "find", "vllm"], capture_output=True, text=True)
    return str(Path(found.stdout.strip()) / "bin" / "python")


@contextmanager
def vllm_server(python: str):
    """A vLLM OpenAI-compatible server on 127.0.0.1 serving the embedded model (CPU settings)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        python, "-m", "vllm.entrypoints.openai.api_server", "--model", str(embedded_model_dir()),
        "--served-model-name", "smol", "--host", "127.0.0.1", "--port", str(port),
        "--max-model-len", "2048", "--enforce-eager", "--gpu-memory-utilization", "0.1",
        "--dtype", "float32", "--max-logprobs", "20",
    ]  # fmt: skip
    OUT.mkdir(exist_ok=True)
    log = OUT / "adaptive-vllm-server.log"
    environment = os.environ | {"HF_HUB_OFFLINE": "1", "VLLM_TARGET_DEVICE": "cpu"}
    environment.setdefault("VLLM_CACHE_ROOT", "/tmp/k2-vllm-cache")
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the vLLM server did not start; see {log}")
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(2)
        print(f"vLLM server up at {base_url} (log: {log})", file=sys.stderr)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def open_backend(args, base_url: str | None):
    """The backend traces are drawn from: the `openai` one on a server, else `--backend`."""
    if base_url:
        return get_registry().create("backend", "openai", base_url=base_url, model=args.model)
    return get_registry().create(
        "backend", args.backend, **({"model": args.model} if args.model else {})
    )


async def record(path: Path, backend, problems: list[Problem], traces: int, seed: int) -> None:
    """Draw live traces with log-probabilities and write them as replayable samples."""
    verifier = get_registry().create("verifier", "math")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        for number, problem in enumerate(problems):
            params = SamplingParams(**SAMPLING, n=traces, seed=seed + number, logprobs=5)
            request = GenerationRequest([Message("user", problem.prompt)], params)
            for run, completion in enumerate(await backend.generate(request)):
                verdict = verifier.verify(completion.text, problem)
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


async def live(backend, problems: list[Problem], ns, trials, window, seed) -> list[dict]:
    """Every method solving every problem for real, one solve at a time, the same seeds each."""
    verifier = get_registry().create("verifier", "math")
    rows = []
    for n in ns:
        for name, sampler, selector in methods(n, window):
            solves = []
            for trial in range(trials):
                for number, problem in enumerate(problems):
                    params = SamplingParams(**SAMPLING, seed=seed + 1000 * trial + 16 * number)
                    pipeline = Pipeline(backend, NoPlanner(), sampler, selector, params=params)
                    start = time.perf_counter()
                    result = await pipeline.run(problem, verifier=verifier)
                    wall = time.perf_counter() - start
                    correct = verifier.verify(result.text, problem).correct
                    solves.append(outcome(result, correct, wall))
            rows.append(summarise(n, name, solves))
            print(f"  n={n} {name}: done", file=sys.stderr)
    return rows


def report(rows: list[dict], label: str, stem: str) -> None:
    print(table(rows))
    OUT.mkdir(exist_ok=True)
    (OUT / f"{stem}.json").write_text(json.dumps(rows, indent=2))
    plot(rows, OUT / f"{stem}.png", label)
    print(f"wrote {OUT / (stem + '.png')} and {OUT / (stem + '.json')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="recorded traces to replay")
    parser.add_argument("--n", default="4,8,16", help="comma-separated N values")
    parser.add_argument(
        "--trials", type=int, help="shuffled orders (replay, 10) or seeds (live, 1)"
    )
    parser.add_argument("--window", type=int, default=16, help="group confidence window (tokens)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--record", type=Path, help="draw live traces into this file, then replay")
    parser.add_argument("--live", action="store_true", help="run the methods live on vLLM")
    parser.add_argument("--base-url", help="an OpenAI-compatible server to draw from")
    parser.add_argument("--backend", help="draw from this k2 backend instead of a vLLM server")
    parser.add_argument("--model")
    parser.add_argument("--vllm-python", help="the interpreter of an environment with vLLM")
    parser.add_argument("--problems", type=int, default=12)
    parser.add_argument("--traces", type=int, default=16)
    args = parser.parse_args()
    ns = [int(n) for n in args.n.split(",")]

    if args.record or args.live:
        with server_for(args) as base_url:
            rows = asyncio.run(draw(args, base_url, ns))
        if rows is not None:
            return
        args.data = args.record
    problems = load(args.data)
    fewest = min(len(traces) for traces in problems.values())
    if max(ns) > fewest:
        sys.exit(f"N={max(ns)} needs that many traces per problem; the fewest is {fewest}")
    trials = args.trials or 10
    kind = (
        "SYNTHETIC traces"
        if args.data.resolve() == SYNTHETIC.resolve()
        else f"recorded traces ({args.data.name})"
    )
    label = f"{kind}: {len(problems)} problems, {trials} trials, window {args.window}"
    print(label)
    rows = asyncio.run(run(problems, ns, trials, args.window, args.seed))
    report(rows, label, "adaptive")


async def draw(args, base_url: str | None, ns: list[int]) -> list[dict] | None:
    """Record traces (None), or run the live comparison (its rows), on one event loop."""
    backend = open_backend(args, base_url)
    problems = additions(args.problems, args.seed)
    try:
        if args.record:
            await record(args.record, backend, problems, args.traces, args.seed)
            return None
        trials = args.trials or 1
        rows = await live(backend, problems, ns, trials, args.window, args.seed)
    finally:
        await backend.aclose()
    label = f"live: {len(problems)} additions x {trials} seeds, vLLM CPU"
    print(label)
    report(rows, label, "adaptive-live")
    return rows


@contextmanager
def server_for(args):
    """The base URL to draw from: `--base-url`, none for `--backend`, else a vLLM server."""
    if args.base_url or args.backend:
        yield args.base_url
        return
    with vllm_server(args.vllm_python or default_vllm_python()) as base_url:
        yield base_url


if __name__ == "__main__":
    main()
