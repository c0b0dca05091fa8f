"""GRPO learning on a toy task, on CPU: mean reward per step, and the share of step time spent on rewards.

    python bench/grpo_learning.py [--steps 30] [--generations 8] [--output /tmp/k2-grpo-learning]

The K2 recipe in miniature: the embedded SmolLM2-135M-Instruct first gets a few `tiny` SFT steps (on
its own it never writes `<think>`/`<answer>`, so a format reward would be zero for every sample and
GRPO would have nothing to learn from), then `k2_train.grpo.run_grpo` trains it on single-digit sums
written as Guru rows (`data_source` `math__toy_sums`). The rewards are k2-verify's real TRL rewards:
the math verifier reached through the registry, plus the `<think>`/`<answer>` format reward. Each reward function is timed, and so is each optimizer step
(rollout generation, reward, loss and update). Printed per step: mean reward (verifier, format) and
reward time / step time; then the mean reward of the first and last five steps side by side (target:
a clear rise) and the reward share of step time over the run (target: under 5%). Each step's figures
are appended to `steps.jsonl` as they come; `grpo_learning.png` plots them.

The machine may be shared: the reward share and the reward trend are the figures, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from transformers import TrainerCallback

from k2_core.recipes import load_recipe
from k2_train.grpo import run_grpo, verifier_rewards
from k2_train.sft import run_sft


class Timed:
    """A reward function that adds the seconds it spends to `clock["reward_seconds"]`."""

    def __init__(self, function, clock):
        self.function = function
        self.clock = clock
        self.__name__ = getattr(function, "__name__", type(function).__name__)

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.clock["reward_seconds"] += time.perf_counter() - start


class StepRecorder(TrainerCallback):
    """Times each optimizer step and writes its reward figures to `steps.jsonl` as it ends."""

    def __init__(self, clock, path: Path):
        self.clock = clock
        self.path = path
        self.steps: list[dict] = []
        self.started = 0.0

    def on_step_begin(self, args, state, control, **kwargs):
        self.clock["reward_seconds"] = 0.0
        self.started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        seconds = time.perf_counter() - self.started
        self.steps.append({"step": state.global_step, "seconds": seconds, **self.clock})

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "reward" not in logs or not self.steps:
            return
        step = self.steps[-1]
        step["reward"] = logs["reward"]
        step["verifier"] = logs.get("rewards/k2_verify/mean", 0.0)
        step["format"] = logs.get("rewards/k2_format/mean", 0.0)
        with self.path.open("a") as out:
            out.write(json.dumps(step) + "\n")
        print(
            f"step {step['step']:3d}  reward {step['reward']:.3f}  (verifier {step['verifier']:.3f}, "
            f"format {step['format']:.3f})  reward time {step['reward_seconds'] / step['seconds']:.2%} of "
            f"{step['seconds']:.1f} s",
            file=sys.stderr,
        )


def toy_rows(count: int, seed: int = 0) -> list[dict]:
    """Guru-format rows asking for single-digit sums."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        rows.append(
            {
                "data_source": "math__toy_sums",
                "prompt": [{"role": "user", "content": f"What is {a} + {b}?"}],
                "reward_model": {"style": "rule", "ground_truth": str(a + b)},
                "extra_info": {"index": index},
            }
        )
    return rows


def plot(steps: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (rewards, share) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    x = [s["step"] for s in steps]
    rewards.plot(x, [s["reward"] for s in steps], label="total")
    rewards.plot(x, [s["verifier"] for s in steps], label="verifier (math)")
    rewards.plot(x, [s["format"] for s in steps], label="format")
    rewards.set_ylabel("mean reward")
    rewards.legend()
    share.plot(x, [100 * s["reward_seconds"] / s["seconds"] for s in steps])
    share.axhline(5, color="grey", linestyle="--", label="5% target")
    share.set_ylabel("reward time, % of step")
    share.set_xlabel("GRPO step")
    share.legend()
    figure.tight_layout()
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--generations", type=int, default=8, help="completions per prompt")
    parser.add_argument("--sft-steps", type=int, default=8)
    parser.add_argument("--output", default="/tmp/k2-grpo-learning")
    args = parser.parse_args()

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    data = output / "toy_sums.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in toy_rows(args.steps)))
    (output / "steps.jsonl").unlink(missing_ok=True)
    sft_model = output / "sft"
    if not (sft_model / "config.json").exists():
        run_sft(load_recipe("tiny").override("sft", max_steps=args.sft_steps), sft_model)
    recipe = load_recipe("tiny").override("data", source=str(data))
    recipe = recipe.override("model", model=str(sft_model))
    recipe = recipe.override(
        "grpo",
        max_steps=args.steps,
        num_generations=args.generations,
        per_device_train_batch_size=args.generations,  # one prompt per step
        max_completion_length=64,
        learning_rate=2e-5,
        beta=0.0,  # no reference model: the toy run measures learning and reward cost only
        save_steps=args.steps,
    )
    clock = {"reward_seconds": 0.0}
    recorder = StepRecorder(clock, output / "steps.jsonl")
    rewards = [Timed(function, clock) for function in verifier_rewards(recipe)]
    run_grpo(recipe, output / "model", reward_funcs=rewards, callbacks=[recorder])

    steps = [s for s in recorder.steps if "verifier" in s]
    first, last = steps[:5], steps[-5:]

    def mean(key, rows):
        return sum(r[key] for r in rows) / len(rows)

    reward_share = sum(s["reward_seconds"] for s in steps) / sum(s["seconds"] for s in steps)
    print(
        f"\nGRPO on single-digit sums, SmolLM2-135M-Instruct after {args.sft_steps} tiny SFT steps, "
        f"CPU, {len(steps)} steps of {args.generations} completions"
    )
    print(f"{'figure':34} {'first 5 steps':>14} {'last 5 steps':>14} {'ratio':>7}")
    for key, label in (("verifier", "mean verifier reward"), ("format", "mean format reward")):
        before, after = mean(key, first), mean(key, last)
        ratio = f"{after / before:.2f}x" if before else "n/a"
        print(f"{label:34} {before:14.3f} {after:14.3f} {ratio:>7}")
    seconds = mean("seconds", steps)
    print(f"{'seconds per step':34} {mean('seconds', first):14.1f} {mean('seconds', last):14.1f}")
    print(f"{'reward time / step time (run)':34} {reward_share:14.2%}   target < 5%")
    print(f"mean step {seconds:.1f} s; plot: {output / 'grpo_learning.png'}")
    plot(steps, output / "grpo_learning.png")


if __name__ == "__main__":
    main()
