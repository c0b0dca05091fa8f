"""The `guru` dataset: Guru RL rows (the K2 Think GRPO data) as prompts with what the reward needs.

A Guru row (parquet, one per prompt) has `data_source` (the routing key: `math__...`, `codegen__...`),
`prompt` (chat messages), `reward_model.ground_truth` and `extra_info`; in the compressed variant
those fields (or the whole `reward_model`) are base64 of gzipped JSON, expanded here by
`k2_verify.guru.decode`. Each becomes

    {"prompt": [{"role": "system", ...}, {"role": "user", ...}], "data_source": "math__...",
     "ground_truth": "...", "extra_info": "{...}"}

`ground_truth` and `extra_info` are kept as JSON text when they are not text already, so rows of every
domain fit one Arrow table; the GRPO reward receives these columns as keyword arguments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from k2_core.replies import SYSTEM_PROMPT
from k2_verify.guru import decode

from .records import MalformedRow, bundled_path, normalised, read_hub, read_local

HUB_ID = "LLM360/guru-RL-92k"
REVISION = "main"


def as_text(value: Any) -> str:
    """`value` as text: strings unchanged, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def to_prompt_row(row: dict[str, Any], system_prompt: str | None) -> dict[str, Any]:
    """One Guru row as a GRPO row; the K2 system prompt is added when the prompt has none."""
    data_source = row.get("data_source")
    if not isinstance(data_source, str) or not data_source:
        raise MalformedRow("no 'data_source'")
    prompt = row.get("prompt")
    if isinstance(prompt, str):
        prompt = [{"role": "user", "content": prompt}]
    if not isinstance(prompt, list) or not all(
        isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") for m in prompt
    ):
        raise MalformedRow("'prompt' must be a list of {role, content} messages")
    prompt = [{"role": m["role"], "content": m["content"]} for m in prompt]
    if system_prompt and prompt[0]["role"] != "system":
        prompt.insert(0, {"role": "system", "content": system_prompt})
    reward_model = decode(row.get("reward_model"))
    if not isinstance(reward_model, dict) or reward_model.get("ground_truth") is None:
        raise MalformedRow("no 'reward_model.ground_truth'")
    return {
        "prompt": prompt,
        "data_source": data_source,
        "ground_truth": as_text(reward_model["ground_truth"]),
        "extra_info": as_text(decode(row.get("extra_info") or {})),
    }


class GuruDataset:
    """Guru for GRPO: from the hub, `tiny` (bundled single-digit sums), or a JSONL/Parquet file."""

    name = "guru"

    def __init__(self, system_prompt: str | None = None):
        self.system_prompt = system_prompt if system_prompt is not None else SYSTEM_PROMPT

    def load(
        self,
        source: str | None = None,
        *,
        skip_invalid: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        if not source:
            records, source = read_hub(HUB_ID, REVISION), HUB_ID
        elif source == "tiny":
            records = read_local(bundled_path("guru-tiny.jsonl"))
        else:
            records = read_local(source)
        return normalised(
            records,
            lambda row: to_prompt_row(row, self.system_prompt),
            source=source,
            skip_invalid=skip_invalid,
            limit=limit,
        )
