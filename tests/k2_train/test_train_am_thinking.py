"""The am-thinking dataset: every AM-Thinking row shape becomes K2 messages; bad rows are reported."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from k2_core import InputError
from k2_core.replies import SYSTEM_PROMPT
from k2_train import am_thinking
from k2_train.am_thinking import AmThinkingDataset

QUESTION = "What is 2 + 3?"

# The shapes of AM-Thinking-v1-Distilled subsets: `conversations` with from/value, `messages` with
# role/content and an `info` object carrying think_content/answer_content.
CONVERSATIONS_ROW = {
    "conversations": [
        {"from": "human", "value": QUESTION},
        {"from": "gpt", "value": "<think>2 + 3 = 5</think> <answer>5</answer>"},
    ]
}
MESSAGES_INFO_ROW = {
    "messages": [
        {
            "role": "user",
            "content": QUESTION,
            "info": {"source": "x", "reference_answer": "5"},
        },
        {
            "role": "assistant",
            "content": "2 + 3 = 5\n\nThe answer is 5.",
            "info": {
                "think_content": "2 + 3 = 5",
                "answer_content": "The answer is 5.",
            },
        },
    ]
}
THINK_ONLY_ROW = {
    "messages": [
        {"role": "system", "content": "You are someone else."},
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "<think>\n2 + 3 = 5\n</think>\n\n**5**"},
    ]
}


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.parametrize("row", [CONVERSATIONS_ROW, MESSAGES_INFO_ROW, THINK_ONLY_ROW])
def test_every_schema_becomes_k2_messages(tmp_path, row):
    [example] = AmThinkingDataset().load(str(write_jsonl(tmp_path / "d.jsonl", [row])))
    messages = example["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    assert messages[0]["content"] == SYSTEM_PROMPT
    assert messages[1]["content"] == QUESTION
    answer = messages[2]["content"]
    assert answer.startswith("<think>") and answer.rstrip().endswith("</answer>")
    assert "5" in answer.split("</think>")[1]


def test_the_answer_after_think_is_wrapped_in_answer_tags(tmp_path):
    [example] = AmThinkingDataset().load(str(write_jsonl(tmp_path / "d.jsonl", [THINK_ONLY_ROW])))
    assert (
        example["messages"][2]["content"]
        == "<think>\n2 + 3 = 5\n</think> <answer>\n**5**\n</answer>"
    )


def test_multiturn_conversations_keep_every_turn(tmp_path):
    row = {
        "conversations": [
            {"from": "human", "value": "Hi"},
            {
                "from": "assistant",
                "value": "<think>greet</think> <answer>Hello</answer>",
            },
            {"from": "human", "value": QUESTION},
            {"from": "assistant", "value": "<think>sum</think> <answer>5</answer>"},
        ]
    }
    [example] = AmThinkingDataset().load(str(write_jsonl(tmp_path / "d.jsonl", [row])))
    assert [m["role"] for m in example["messages"]] == [
        "system", "user", "assistant", "user", "assistant"
    ]  # fmt: skip


BAD_ROWS = [
    ({"text": "no conversation"}, "no 'conversations' or 'messages'"),
    ({"conversations": [{"from": "human", "value": QUESTION}]}, "must end with an assistant"),
    ({"messages": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "5"}]},
     "no <think> part"),
    ({"conversations": [{"from": "robot", "value": "x"}]}, "known role"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "why"), BAD_ROWS)
def test_a_malformed_row_stops_the_load_naming_its_line(tmp_path, bad, why):
    path = write_jsonl(tmp_path / "d.jsonl", [CONVERSATIONS_ROW, bad])
    with pytest.raises(InputError) as error:
        list(AmThinkingDataset().load(str(path)))
    assert "line 2" in str(error.value) and why in str(error.value)
    assert "--skip-invalid" in str(error.value)


def test_skip_invalid_skips_and_reports_bad_rows(tmp_path, caplog):
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps(CONVERSATIONS_ROW) + "\n{not json\n" + json.dumps(THINK_ONLY_ROW) + "\n"
    )
    rows = list(AmThinkingDataset().load(str(path), skip_invalid=True))
    assert len(rows) == 2
    [record] = [r for r in caplog.records if r.name == "k2.train.records"]
    assert record.levelname == "WARNING" and "line 2: not valid JSON" in record.getMessage()


def test_limit_counts_good_rows(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [CONVERSATIONS_ROW] * 5)
    assert len(list(AmThinkingDataset().load(str(path), limit=3))) == 3


def test_parquet_files_load_with_row_numbers(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist([CONVERSATIONS_ROW, {"conversations": []}]), path)
    with pytest.raises(InputError, match="row 2"):
        list(AmThinkingDataset().load(str(path)))
    assert len(list(AmThinkingDataset().load(str(path), skip_invalid=True))) == 1


def test_the_hub_path_goes_through_datasets_load_dataset(tmp_path, monkeypatch):
    """The default source is the pinned hub dataset; a local folder stands in for the hub here."""
    repo = tmp_path / "AM-Thinking-v1-Distilled"
    repo.mkdir()
    for subset, row in zip(
        am_thinking.SUBSETS, [CONVERSATIONS_ROW, MESSAGES_INFO_ROW] * 3, strict=True
    ):
        write_jsonl(repo / f"{subset}.jsonl", [row] * 2)  # each subset with its own schema
    monkeypatch.setattr(am_thinking, "HUB_ID", str(repo))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert len(list(AmThinkingDataset(subset="code").load())) == 2
    assert len(list(AmThinkingDataset().load())) == 12


def test_an_unknown_subset_is_refused():
    with pytest.raises(InputError, match="subsets: math"):
        AmThinkingDataset(subset="poetry")


def test_an_unknown_option_is_refused_not_swallowed():
    with pytest.raises(TypeError, match="subsett"):
        AmThinkingDataset(subsett="math")
    with pytest.raises(TypeError, match="limt"):
        AmThinkingDataset().load("tiny", limt=1)


def test_a_reply_with_several_think_closes_splits_at_the_last():
    content = "<think>a</think>b</think> the answer"
    assert am_thinking.tagged(content) == (
        "<think>\na</think>b\n</think> <answer>\nthe answer\n</answer>"
    )


def test_the_bundled_tiny_dataset_is_valid():
    rows = list(AmThinkingDataset().load("tiny"))
    assert len(rows) == 16
    assert all(r["messages"][-1]["content"].startswith("<think>") for r in rows)


def test_a_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        list(AmThinkingDataset().load(str(tmp_path / "nope.jsonl")))


def test_an_unreachable_hub_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(am_thinking, "HUB_ID", "a-m-team/does-not-exist")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="--dataset PATH"):
        list(AmThinkingDataset(subset="math").load())
