"""The `am-thinking` dataset: AM-Thinking-v1-Distilled rows as K2 Think SFT conversations.

The K2 Think SFT data is `a-m-team/AM-Thinking-v1-Distilled` (pinned revision below). Its subsets do
not share one schema; every row is normalised to

    {"messages": [{"role": "system", "content": the K2 system prompt (k2_core.replies)},
                  {"role": "user", "content": ...},
                  {"role": "assistant", "content": "<think>...</think> <answer>...</answer>"}, ...]}

Row shapes understood:
- `conversations: [{"from": "human"|"user"|"gpt"|"assistant"|"system", "value": ...}]`;
- `messages: [{"role": ..., "content": ..., "info": {...}}]`;
- assistant turns either already tagged `<think>…</think> <answer>…</answer>`, or with the parts in
  `info.think_content` / `info.answer_content`, or as `<think>…</think>` followed by the untagged answer
  (split by `k2_core.replies.split_reasoning`, written by `k2_core.replies.render`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from k2_core import InputError
from k2_core.replies import ANSWER_OPEN, SYSTEM_PROMPT, THINK_CLOSE, render, split_reasoning

from .records import MalformedRow, bundled_path, normalised, read_hub, read_local

HUB_ID = "a-m-team/AM-Thinking-v1-Distilled"
REVISION = "3697c1829816a2b8d4d25995ed6d5d27ffb49b30"
SUBSETS = ("math", "code", "science", "if", "multiturn", "other")
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


def to_messages(row: dict[str, Any], system_prompt: str) -> dict[str, Any]:
    """One AM-Thinking row (any subset's schema) as `{"messages": [...]}` with the K2 system prompt."""
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
            continue  # the K2 system prompt replaces any other
        if role == "assistant":
            content = tagged(content, turn.get("info"))
        messages.append({"role": role, "content": content})
    roles = [m["role"] for m in messages[1:]]
    if "user" not in roles or roles[-1] != "assistant":
        raise MalformedRow("a conversation needs a user turn and must end with an assistant turn")
    return {"messages": messages}


class AmThinkingDataset:
    """AM-Thinking-v1-Distilled for SFT: from the hub (pinned revision), `tiny` (bundled), or a file."""

    name = "am-thinking"

    def __init__(
        self,
        system_prompt: str | None = None,
        subset: str | None = None,
    ):
        if subset and subset not in SUBSETS:
            raise InputError(
                f"AM-Thinking has no subset {subset!r}",
                f"subsets: {', '.join(SUBSETS)}",
            )
        self.system_prompt = system_prompt or SYSTEM_PROMPT
        self.subset = subset

    def load(
        self,
        source: str | None = None,
        *,
        skip_invalid: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        if not source:
            subsets = [self.subset] if self.subset else SUBSETS
            records = itertools.chain.from_iterable(  # one at a time: their schemas differ
                read_hub(HUB_ID, REVISION, data_files=f"{subset}.jsonl") for subset in subsets
            )
            source = HUB_ID
        elif source == "tiny":
            records = read_local(bundled_path("am-thinking-tiny.jsonl"))
        else:
            records = read_local(source)
        return normalised(
            records,
            lambda row: to_messages(row, self.system_prompt),
            source=source,
            skip_invalid=skip_invalid,
            limit=limit,
        )
