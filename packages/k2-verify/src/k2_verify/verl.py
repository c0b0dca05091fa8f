"""verl reward functions: k2-verify's verifiers as verl's custom reward function.

In a verl 0.9 trainer config (or `k2-train export-verl`'s):

    reward:
      custom_reward_function:
        path: pkg://k2_verify/verl
        name: compute_score
        reward_kwargs: {timeout: 10}   # extra options go to the verifiers (a judge's backend, model, ...)
      reward_manager:
        name: naive                    # or dapo, ...: verl's reward-loop managers, one call per response

verl calls `compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=...)` once
per response (its managers run several at once in threads) and logs every key of the returned dict,
so every sample returns the same keys:
`score` (the reward, 0..1), `acc` (all-or-nothing correct), `pred` (the extracted answer, "" if none)
and `reason` (why: `equivalent`, `different`, `no_answer`, `timeout`, ...). Routing follows Guru's
`data_source` prefixes through the registry, so a verifier plugin claiming a prefix is used as is;
Guru's compressed ground truths (base64+gzip JSON) and numpy arrays from parquet are decoded first;
`extra_info["question"]` (or `"prompt"`), when present, is the question the judge sees.

`compute_score_batch` scores a whole batch in worker processes, for verl's `BatchRewardManager`
(`verl.workers.reward_manager.batch`, which verl 0.9 keeps but its reward loop no longer builds; before
0.9 it was `reward_model.reward_manager=batch` with a top-level `custom_reward_function`).
"""

from __future__ import annotations

from typing import Any

from k2_core import Verdict

from .api import verify
from .guru import decode, domain_for, structured
from .pool import Job, VerifyPool

DEFAULT_TIMEOUT = 10.0
_pools: dict[tuple[float, int | None], VerifyPool] = {}  # one per (timeout, workers), kept warm


def _result(verdict: Verdict) -> dict[str, Any]:
    return {
        "score": float(verdict.score),
        "acc": bool(verdict.correct),
        "pred": verdict.extracted or "",
        "reason": verdict.reason,
    }


def question(extra_info: Any) -> str:
    """The question of a verl row, for the judge: `extra_info["question"]` (or `"prompt"`), else ""."""
    extra_info = structured(extra_info)  # a dict, or JSON text of one
    if not isinstance(extra_info, dict):
        return ""
    return str(extra_info.get("question") or extra_info.get("prompt") or "")


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Any,
) -> dict[str, Any]:
    """The reward for one response, verl style: `{"score", "acc", "pred", "reason"}`."""
    domain = domain_for(data_source or "") or "math"
    verdict = verify(
        solution_str,
        decode(ground_truth),
        domain,
        data_source=data_source,
        prompt=question(extra_info),
        timeout=timeout,
        **options,
    )
    return _result(verdict)


def compute_score_batch(
    data_sources: list[str],
    solution_strs: list[str],
    ground_truths: list[Any],
    extra_infos: list[dict | None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    """`compute_score` for a whole batch in worker processes (verl's `batch` reward manager).

    Each item is bounded by `timeout` seconds; an item past it gets score 0 and reason `timeout`.
    """
    pool = _pools.get((timeout, workers))
    if pool is None:
        pool = _pools[(timeout, workers)] = VerifyPool(workers, timeout=timeout)
    if extra_infos is None:  # verl passes numpy arrays: no truth test on them
        extra_infos = [None] * len(data_sources)
    jobs = [
        Job(
            solution,
            decode(truth),
            domain_for(source or "") or "math",
            source,
            {**options, "prompt": question(extra)},
        )
        for source, solution, truth, extra in zip(
            data_sources, solution_strs, ground_truths, extra_infos, strict=True
        )
    ]
    return [_result(verdict) for verdict in pool.map(jobs)]
