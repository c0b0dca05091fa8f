"""Reward functions for TRL's `GRPOTrainer`, scored by k2-verify's verifiers.

    from k2_verify.rewards import trl_reward

    trainer = GRPOTrainer(model, reward_funcs=trl_reward(format_reward=True), train_dataset=guru, ...)

TRL calls each reward function as `fn(prompts=..., completions=..., completion_ids=..., **columns)`,
where the completions are strings or chat messages and every other dataset column arrives as a keyword
list (plus `trainer_state`, `log_metric`, `log_extra`). The verifier reward reads, per row:

- the ground truth: column `ground_truth`, else `reward_model["ground_truth"]` (Guru rows), else
  `answer` or `solution`; Guru's compressed (base64+gzip JSON) values are expanded;
- `data_source` (Guru routing: the verifier claiming the longest prefix) and `domain` (else the
  `domain` given to `trl_reward`). A `data_source` that no verifier claims raises before any
  scoring (a typo would otherwise train on zero reward), unless `trl_reward(fallback="math")`
  names the verifier for such rows.

So `math__`, `codegen__`, `logic__`, ... rows go to whichever verifier the registry says, and a verifier
plugin claiming a new prefix becomes a reward with no code change. Verification runs in a process pool
(`k2_verify.pool.VerifyPool`) with a per-item timeout; an item that runs out of time scores 0 and is
counted (`reward.timeouts`, and TRL's logged metric `k2_verify/timeouts`), never raised. `workers=0`
verifies in the calling process instead (no hard timeout; plugins registered at run time, e.g. in tests,
are seen only this way, since pool workers load installed plugins).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from k2_core import InputError, Verdict
from k2_core.replies import join_reasoning, well_formed

from .api import route, verify
from .guru import decode
from .pool import Job, VerifyPool

GROUND_TRUTH_COLUMNS = ("ground_truth", "reward_model", "answer", "solution")
_REASONING_KEYS = ("reasoning_content", "reasoning", "thinking")


def completion_text(completion: Any) -> str:
    """The text of one TRL completion: a string, or chat messages (the last assistant message).

    Reasoning that a chat template parsed into its own field comes back as `<think>...</think>`.
    """
    if isinstance(completion, str):
        return completion
    messages = [m for m in completion or [] if isinstance(m, dict)]
    replies = [m for m in messages if m.get("role", "assistant") == "assistant"] or messages
    if not replies:
        return ""
    message = replies[-1]
    content = message.get("content") or ""
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    reasoning = next((message[k] for k in _REASONING_KEYS if message.get(k)), None)
    return join_reasoning(reasoning, str(content))


def prompt_text(prompt: Any) -> str:
    """The question of one TRL prompt: a string, or the last user message of a chat prompt."""
    if isinstance(prompt, str):
        return prompt
    users = [
        m.get("content", "")
        for m in prompt or []
        if isinstance(m, dict) and m.get("role") == "user"
    ]
    return str(users[-1]) if users else ""


def _ground_truth(columns: dict[str, list], index: int) -> Any:
    for name in GROUND_TRUTH_COLUMNS:
        if name in columns:
            value = decode(columns[name][index])
            return (
                value.get("ground_truth")
                if name == "reward_model" and isinstance(value, dict)
                else value
            )
    raise InputError(
        "the dataset has no ground-truth column for the k2_verify reward",
        f"add a column named one of {', '.join(GROUND_TRUTH_COLUMNS)}",
    )


class VerifierReward:
    """TRL reward: the score of each completion from the verifier its row routes to (0..1)."""

    __name__ = "k2_verify"

    def __init__(
        self,
        domain: str = "math",
        workers: int | None = None,
        timeout: float = 10.0,
        **options: Any,
    ) -> None:
        self.domain = domain
        self.workers = workers
        self.timeout = timeout
        self.options = options
        self.timeouts = 0
        self.reasons: Counter[str] = Counter()
        self._pool: VerifyPool | None = None

    def jobs(self, prompts: list, completions: list, columns: dict[str, list]) -> list[Job]:
        """One verification job per completion, from its prompt (the judge reads it) and row columns."""
        jobs = []
        for index, completion in enumerate(completions):
            data_source = columns.get("data_source", [None] * len(completions))[index]
            domain = columns.get("domain", [self.domain] * len(completions))[index] or self.domain
            # an unclaimed data_source raises here, before any scoring
            entry = route(domain, data_source, self.options.get("fallback"))
            needs_truth = getattr(entry.load(), "needs_ground_truth", True)
            truth = _ground_truth(columns, index) if needs_truth else None
            options = {**self.options, "prompt": prompt_text(prompts[index]) if prompts else ""}
            jobs.append(Job(completion_text(completion), truth, domain, data_source, options))
        return jobs

    def __call__(
        self,
        prompts: list | None = None,
        completions: list | None = None,
        completion_ids=None,
        **columns,
    ) -> list[float]:
        log_metric, log_extra = columns.pop("log_metric", None), columns.pop("log_extra", None)
        jobs = self.jobs(list(prompts or []), list(completions or []), columns)
        verdicts = self._verify(jobs)
        timeouts = sum(v.reason == "timeout" for v in verdicts)
        self.timeouts += timeouts
        self.reasons.update(v.reason for v in verdicts)
        if callable(log_metric):
            log_metric("k2_verify/timeouts", float(timeouts))
        if callable(log_extra):
            log_extra("k2_verify_reason", [v.reason for v in verdicts])
        return [v.score for v in verdicts]

    def _verify(self, jobs: list[Job]) -> list[Verdict]:
        if self.workers == 0:
            return [
                verify(
                    j.response,
                    j.ground_truth,
                    j.domain,
                    data_source=j.data_source,
                    timeout=self.timeout,
                    **j.options,
                )
                for j in jobs
            ]
        if self._pool is None:
            self._pool = VerifyPool(self.workers, timeout=self.timeout)
        return self._pool.map(jobs)

    def close(self) -> None:
        """Stop the worker processes (they are daemons, so they also end with the trainer)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __getstate__(self) -> dict[str, Any]:  # picklable: the pool is rebuilt where it is used
        return {**self.__dict__, "_pool": None}


def k2_format(prompts=None, completions=None, completion_ids=None, **columns) -> list[float]:
    """TRL reward: 1.0 for `<think>...</think>` then `<answer>...</answer>` and nothing else, else 0.0.

    The opening `<think>` may be missing (templates that put it in the prompt) and the closing
    `</answer>` too (the stop string); each tag appears once and the answer is not empty.
    """
    return [1.0 if well_formed(completion_text(c)) else 0.0 for c in completions or []]


class OverlongPenalty:
    """TRL reward: DAPO's soft overlong punishment (Yu et al., 2025), in tokens.

    0 up to `max_completion_length - buffer`, then falling linearly to -1 at `max_completion_length`,
    and -1 beyond. Lengths come from TRL's `completion_ids` (whitespace words when absent).
    """

    __name__ = "k2_overlong"

    def __init__(self, max_completion_length: int, buffer: int) -> None:
        if not 0 < buffer <= max_completion_length:
            raise InputError(
                f"overlong buffer {buffer} must be in 1..max_completion_length ({max_completion_length})",
                "DAPO used a 4096-token buffer under a 20480-token maximum",
            )
        self.max_length = max_completion_length
        self.buffer = buffer

    def penalty(self, length: int) -> float:
        expected = self.max_length - self.buffer
        if length <= expected:
            return 0.0
        return max(-1.0, (expected - length) / self.buffer)

    def __call__(
        self, prompts=None, completions=None, completion_ids=None, **columns
    ) -> list[float]:
        if completion_ids is not None:
            lengths = [len(ids) for ids in completion_ids]
        else:
            lengths = [len(completion_text(c).split()) for c in completions or []]
        return [self.penalty(length) for length in lengths]


def trl_reward(
    *,
    domain: str = "math",
    format_reward: bool = False,
    max_completion_length: int | None = None,
    overlong_buffer: int | None = None,
    workers: int | None = None,
    timeout: float = 10.0,
    **verifier_options: Any,
) -> list:
    """TRL `reward_funcs`: the verifier reward, plus the format reward and the overlong penalty if asked.

    :param domain: the domain of rows without `domain`/`data_source` columns.
    :param format_reward: add `k2_format` (1.0 for a well-formed `<think>`/`<answer>` response).
    :param max_completion_length: with `overlong_buffer`, add `k2_overlong` (DAPO's soft penalty).
    :param workers: verification processes (default: one per core; 0 verifies in this process).
    :param timeout: seconds per item; an item past it scores 0 and is counted.
    :param verifier_options: passed to the verifiers' factories (e.g. a judge's `backend`, `model`).
    """
    rewards: list = [VerifierReward(domain, workers, timeout, **verifier_options)]
    if format_reward:
        rewards.append(k2_format)
    if overlong_buffer:
        if not max_completion_length:
            raise InputError("overlong_buffer needs max_completion_length", "set both, in tokens")
        rewards.append(OverlongPenalty(max_completion_length, overlong_buffer))
    return rewards
