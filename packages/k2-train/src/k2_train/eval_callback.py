"""Evaluate checkpoints while training: k2-infer's harness on each saved `checkpoint-N`.

    trainer = SFTTrainer(..., callbacks=[CheckpointEval("aime24", n=4, limit=10, max_tokens=2048)])

Each time the trainer saves a checkpoint, `CheckpointEval` runs `k2-infer eval` on it in the same
process, through the registry (the `transformers` backend with `model=<checkpoint folder>`, the
benchmark's verifier, the `k2-think` recipe's sampling and system prompt), and writes the run to
`<output>/eval/checkpoint-N/` (`samples.jsonl`, `summary.json`, `report.md`). Its avg@n is added to
the trainer's log history as `eval/<benchmark>/avg@n`, beside the loss, and the checkpoint's
`trainer_state.json` is written again to hold it. Checkpoints only: the final model `train_and_save` writes after training is
not evaluated (run `k2-infer eval` on it). An evaluation cut short is finished by `k2-infer eval` on
the checkpoint with that folder as `--output` (the harness resumes it). In a multi-process run only
the main process evaluates, while the others wait for it at the next synchronisation.

k2-infer is imported only here, when a callback is made: k2-train does not need it otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path

from transformers import TrainerCallback

from k2_core import InputError, K2Error

log = logging.getLogger("k2.train.eval")


def require_k2_infer() -> None:
    """Make sure k2-infer's evaluation harness imports, or say in one line how to install it."""
    try:
        import k2_infer.eval  # noqa: F401
    except ImportError:
        raise K2Error(
            "evaluating checkpoints needs k2-infer", "`pip install 'k2-train[eval]'`"
        ) from None


class CheckpointEval(TrainerCallback):
    """Evaluates each saved checkpoint on one benchmark and logs its avg@n to the trainer.

    `n` runs per problem, the first `limit` problems (all when None), at most `max_tokens` tokens
    per response (the `k2-think` recipe's when None); `data` is a local file of the benchmark, read
    instead of the hub.
    """

    def __init__(
        self,
        benchmark: str,
        *,
        n: int = 1,
        limit: int | None = None,
        max_tokens: int | None = None,
        data: str | None = None,
    ) -> None:
        if (
            n < 1
            or (limit is not None and limit < 1)
            or (max_tokens is not None and max_tokens < 1)
        ):
            raise InputError(
                "--eval-n, --eval-limit and --eval-max-tokens must be at least 1",
                "pass positive numbers",
            )
        require_k2_infer()  # fail before training, not at the first checkpoint
        self.benchmark = benchmark
        self.n = n
        self.limit = limit
        self.max_tokens = max_tokens
        self.data = data

    def settings(self, checkpoint: Path, output: Path):
        """The `EvalSettings` of `k2-infer eval BENCHMARK --model CHECKPOINT` with our flags."""
        from k2_infer.eval import EvalSettings

        return EvalSettings.from_recipe(
            "k2-think",
            benchmarks=[self.benchmark],
            output=output,
            pipeline="plain",
            backend="transformers",
            model=str(checkpoint),
            n=self.n,
            limit=self.limit,
            max_tokens=self.max_tokens,
            concurrency=1,  # one local model answers one request at a time anyway
            data={self.benchmark: self.data} if self.data else None,
            retries=0,
            allow_partial=True,  # a failed sample lowers the score instead of stopping training
        )

    def on_save(self, args, state, control, **kwargs):
        from k2_core.registry import get_registry
        from k2_infer.eval import run_eval

        if not state.is_world_process_zero:
            return
        name = f"checkpoint-{state.global_step}"
        checkpoint = Path(args.output_dir) / name
        log.info("evaluating %s on %s", name, self.benchmark)
        settings = self.settings(checkpoint, Path(args.output_dir) / "eval" / name)
        backend = get_registry().create("backend", settings.backend, model=settings.model)
        try:
            summary = run_eval(settings, backend)
        finally:
            backend.release()  # the checkpoint's weights: training goes on without them
        scores = summary.benchmarks[self.benchmark]
        if scores.avg_at_n is None:  # every sample errored
            log.warning("%s: no sample of %s scored", name, self.benchmark)
            return
        key = f"eval/{self.benchmark}/avg@n"
        log.info("%s: %s = %.2f", name, key, scores.avg_at_n)
        # What `Trainer.log` records; a callback has no trainer to call it on.
        state.log_history.append(
            {key: scores.avg_at_n, "epoch": state.epoch, "step": state.global_step}
        )
        state.save_to_json(str(checkpoint / "trainer_state.json"))  # saved before we ran
