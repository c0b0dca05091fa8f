"""verl 0.9.1's own reward loading calls k2-verify on Guru-shaped rows.

`verl.trainer.ppo.reward.load_reward_manager` reads `reward.custom_reward_function` (path
`pkg://k2_verify/verl`) and `reward.reward_manager.name` from verl's composed trainer config, and the
manager it builds scores one rollout at a time (`run_single`), as verl's reward loop workers do.
"""

from __future__ import annotations

import pytest

from k2_core.recipes import load_recipe
from k2_train.training import load_rows

pytestmark = pytest.mark.verl


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from k2_core.models import embedded_model_dir

    return AutoTokenizer.from_pretrained(embedded_model_dir())


def tiny_rows(count: int) -> list[dict]:
    """The first rows of the bundled tiny Guru set, as k2-train reads them."""
    return load_rows(load_recipe("tiny").override("data", source="tiny"), "guru")[:count]


def rollouts(tokenizer, answers: list[str]):
    """A verl `DataProto` batch as the rollout leaves it: left-padded prompts, right-padded
    responses, one response per tiny Guru row (`data_source`, `reward_model`, `extra_info`)."""
    import numpy as np
    import torch
    from verl import DataProto

    rows = tiny_rows(len(answers))
    prompts = [tokenizer(row["prompt"][-1]["content"])["input_ids"] for row in rows]
    responses = [
        tokenizer(f"<think>add</think> <answer>{a}</answer>")["input_ids"] for a in answers
    ]
    width_p, width_r = max(map(len, prompts)), max(map(len, responses))
    pad = tokenizer.pad_token_id or 0

    def padded(ids, width, left):
        filler = [pad] * (width - len(ids))
        return filler + ids if left else ids + filler

    def mask(ids, width, left):
        ones, zeros = [1] * len(ids), [0] * (width - len(ids))
        return zeros + ones if left else ones + zeros

    prompt_ids = torch.tensor([padded(p, width_p, True) for p in prompts])
    response_ids = torch.tensor([padded(r, width_r, False) for r in responses])
    attention = torch.tensor(
        [
            mask(p, width_p, True) + mask(r, width_r, False)
            for p, r in zip(prompts, responses, strict=True)
        ]
    )
    return DataProto.from_dict(
        tensors={
            "prompts": prompt_ids,
            "responses": response_ids,
            "input_ids": torch.cat([prompt_ids, response_ids], dim=1),
            "attention_mask": attention,
        },
        non_tensors={
            "data_source": np.array([row["data_source"] for row in rows], dtype=object),
            "reward_model": np.array(
                [{"ground_truth": row["ground_truth"], "style": "rule"} for row in rows],
                dtype=object,
            ),
            "extra_info": np.array([{"index": i} for i in range(len(rows))], dtype=object),
        },
    )


def verl_config(manager: str, function: str = "compute_score"):
    from hydra import compose, initialize_config_module

    with initialize_config_module("verl.trainer.config", version_base=None):
        return compose(
            "ppo_trainer",
            overrides=[
                "reward.custom_reward_function.path=pkg://k2_verify/verl",
                f"reward.custom_reward_function.name={function}",
                f"reward.reward_manager.name={manager}",
            ],
        )


@pytest.mark.parametrize("manager", ["naive", "dapo"])
def test_verls_reward_managers_score_with_k2(tokenizer, manager):
    from verl.trainer.ppo.reward import load_reward_manager

    truths = [row["ground_truth"] for row in tiny_rows(4)]
    answers = [truths[0], str(int(truths[1]) + 1), "", truths[3]]
    batch = rollouts(tokenizer, answers)
    rewards = load_reward_manager(verl_config(manager), tokenizer)
    results = [
        rewards.loop.run_until_complete(rewards.run_single(batch[i : i + 1]))
        for i in range(len(batch))
    ]
    assert [result["reward_score"] for result in results] == [1.0, 0.0, 0.0, 1.0]
    extra = results[1]["reward_extra_info"]
    assert extra["acc"] is False and extra["reason"] and extra["pred"] == answers[1]


def test_verls_legacy_batch_manager_calls_compute_score_batch(tokenizer):
    """verl 0.9 keeps `BatchRewardManager` in `verl.workers.reward_manager` (not used by the
    reward loop any more): it sends the whole batch to `compute_score_batch`."""
    from verl.trainer.ppo.reward import get_custom_reward_fn
    from verl.workers.reward_manager import BatchRewardManager

    batch = rollouts(tokenizer, [tiny_rows(1)[0]["ground_truth"], "x"])
    score_batch = get_custom_reward_fn(verl_config("naive", "compute_score_batch"))
    manager = BatchRewardManager(tokenizer, num_examine=0, compute_score=score_batch)
    result = manager(batch, return_dict=True)
    assert result["reward_tensor"].sum(dim=1).tolist() == [1.0, 0.0]
    assert result["reward_extra_info"]["acc"] == [True, False]
