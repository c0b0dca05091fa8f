"""The `am-thinking` dataset: AM-Thinking-v1-Distilled rows as K2 Think SFT conversations.

The K2 Think SFT data is `a-m-team/AM-Thinking-v1-Distilled` (pinned revision below). K2's own loader
(`get_am_dataset.py` in MBZUAI-IFM/K2-Think-SFT) streamed the whole repository at that revision and
kept each row's `conversations` turns (`from`, `value`) verbatim; LLaMA-Factory's `AM-thinking`
template then added AM's `default_system` prompt (`k2_core.replies.PROMPTS["am-thinking"]`) to rows
without a system turn. This loader does the same by default:

    {"messages": [{"role": "system", "content": the row's own system turn, else the system prompt},
                  {"role": "user", "content": ...},
                  {"role": "assistant", "content": the assistant text exactly as published}, ...]}

Row shapes understood:
- `conversations: [{"from": "human"|"user"|"gpt"|"assistant"|"system", "value": ...}]`;
- `messages: [{"role": ..., "content": ..., "info": {...}}]`;
- an optional top-level `system` field, ignored as K2's loader ignored it.

`normalise=True` (opt-in) rewrites each assistant turn into `<think>…</think> <answer>…</answer>`
(from `info.think_content` / `info.answer_content`, or split at the last `</think>`) and refuses
turns with no think part. Verbatim, a turn without a think part is kept as it is.

`subset="math"` reads one file of the repository (`math.jsonl`); the subsets are the `.jsonl` files
the repository lists at the pinned revision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from k2_core import InputError
from k2_core.replies import ANSWER_OPEN, PROMPTS, THINK_CLOSE, render, split_reasoning

from .records import MalformedRow, bundled_path, hub_files, normalised, read_hub, read_local

log = logging.getLogger("k2.train.am_thinking")

HUB_ID = "a-m-team/AM-Thinking-v1-Distilled"
REVISION = "3697c1829816a2b8d4d25995ed6d5d27ffb49b30"
ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "system": "system",
}


def tagged(content: str, info: dict[str, Any] | None = None) -> str:
    """An assistant turn in the K2 format `<think>…</think> <answer>…</answer>`."""
    if ANSWER_OPEN in content and THINK_CLOSE in content:
        return content
    info = info or {}
    think, answer = info.get("think_content"), info.get("answer_content")
    if not (think and answer):
        if THINK_CLOSE not in content:
            raise MalformedRow("assistant turn has no <think> part and no info.think_content")
        think, answer = split_reasoning(content)
    think, answer = think.strip(), answer.strip()
    if not answer:
        raise MalformedRow("assistant turn has reasoning but no answer")
    return render(think, answer)


def to_messages(row: dict[str, Any], system_prompt: str, normalise: bool = False) -> dict[str, Any]:
    """One AM-Thinking row (any subset's schema) as `{"messages": [...]}`.

    Verbatim (the default): a system turn of the row is kept, else `system_prompt` is used.
    `normalise`: `system_prompt` replaces any other and assistant turns go through `tagged`.
    """
    turns = row.get("conversations") or row.get("messages")
    if not isinstance(turns, list) or not turns:
        raise MalformedRow("no 'conversations' or 'messages' list")
    messages = [{"role": "system", "content": system_prompt}]
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise MalformedRow(f"turn {index} is not an object")
        role = ROLES.get(str(turn.get("from") or turn.get("role")))
        content = turn.get("value", turn.get("content"))
        if role is None or not isinstance(content, str):
            raise MalformedRow(f"turn {index} needs a known role/from and a text value/content")
        if role == "system":
            if index == 0 and not normalise:
                messages[0]["content"] = content  # the row's own, as LLaMA-Factory used it
            continue
        if role == "assistant" and normalise:
            content = tagged(content, turn.get("info"))
        elif role == "assistant" and not content.strip():
            raise MalformedRow(f"turn {index} is an empty assistant turn")
        messages.append({"role": role, "content": content})
    roles = [m["role"] for m in messages[1:]]
    if "user" not in roles or roles[-1] != "assistant":
        raise MalformedRow("a conversation needs a user turn and must end with an assistant turn")
    return {"messages": messages}


class AmThinkingDataset:
    """AM-Thinking-v1-Distilled for SFT: from the hub (pinned revision), `tiny` (bundled), or a file.

    `system_prompt` defaults to AM's `default_system` (what K2 Think trained with); `revision` is the
    commit read (an attribute, logged at load).
    """

    name = "am-thinking"

    def __init__(
        self,
        system_prompt: str | None = None,
        subset: str | None = None,
        normalise: bool = False,
    ):
        self.system_prompt = system_prompt or PROMPTS["am-thinking"]
        self.subset = subset
        self.normalise = normalise
        self.revision = REVISION

    def subsets(self) -> list[str]:
        """The subsets the repository lists at the pinned revision: its top-level `.jsonl` files."""
        return sorted(
            f[: -len(".jsonl")]
            for f in hub_files(HUB_ID, REVISION)
            if "/" not in f and f.endswith(".jsonl")
        )

    def hub_records(self):
        log.info("AM-Thinking %s at %s (%s)", HUB_ID, REVISION, self.subset or "every file")
        if not self.subset:
            return read_hub(HUB_ID, REVISION)  # the whole repository, streamed, as K2 read it
        listed = self.subsets()
        if self.subset not in listed:
            raise InputError(
                f"AM-Thinking has no subset {self.subset!r}", f"subsets: {', '.join(listed)}"
            )
        return read_hub(HUB_ID, REVISION, data_files=f"{self.subset}.jsonl")

    def load(
        self,
        source: str | None = None,
        *,
        skip_invalid: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        if not source:
            records, source = self.hub_records(), f"{HUB_ID}@{REVISION[:12]}"
        elif source == "tiny":
            records = read_local(bundled_path("am-thinking-tiny.jsonl"))
        else:
            records = read_local(source)
        return normalised(
            records,
            lambda row: to_messages(row, self.system_prompt, self.normalise),
            source=source,
            skip_invalid=skip_invalid,
            limit=limit,
        )
