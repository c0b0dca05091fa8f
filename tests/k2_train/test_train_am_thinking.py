"""The am-thinking dataset: every AM-Thinking row shape becomes K2 messages; bad rows are reported."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from k2_core import InputError
from k2_core.replies import PROMPTS
from k2_train import am_thinking
from k2_train.am_thinking import AmThinkingDataset

QUESTION = "What is 2 + 3?"

AM_SYSTEM = PROMPTS["am-thinking"]
# The shapes of AM-Thinking-v1-Distilled rows: `conversations` with from/value and an optional
# top-level `system` (empty in the published files), each turn with an `info` object; or `messages`
# with role/content and `info` carrying think_content/answer_content.
CONVERSATIONS_ROW = {
    "system": "",
    "conversations": [
        {
            "from": "human",
            "value": QUESTION,
            "info": {"source": "natural_reasoning", "reference_answer": "5", "test_case": None},
        },
        {
            "from": "assistant",
            "value": "<think>2 + 3 = 5</think> <answer>5</answer>",
            "info": {
                "think_content": "2 + 3 = 5",
                "answer_content": "5",
                "verify_score": 1.0,
                "model_name": "AM-Thinking-v1",
            },
        },
    ],
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
def test_assistant_text_is_kept_verbatim(tmp_path, row):
    [example] = AmThinkingDataset().load(str(write_jsonl(tmp_path / "d.jsonl", [row])))
    messages = example["messages"]
    turns = row.get("conversations") or row["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    assert messages[1]["content"] == QUESTION
    assert messages[2]["content"] == (turns[-1].get("value") or turns[-1]["content"])


def test_the_system_prompt_is_ams_default_unless_the_row_has_its_own(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [CONVERSATIONS_ROW, THINK_ONLY_ROW])
    first, second = AmThinkingDataset().load(str(path))
    assert first["messages"][0]["content"] == AM_SYSTEM  # the empty top-level `system` is ignored
    assert second["messages"][0]["content"] == "You are someone else."


def test_a_turn_without_a_think_part_is_accepted_verbatim(tmp_path):
    row = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    }
    [example] = AmThinkingDataset().load(str(write_jsonl(tmp_path / "d.jsonl", [row])))
    assert example["messages"][2]["content"] == "Hello!"


@pytest.mark.parametrize("row", [CONVERSATIONS_ROW, MESSAGES_INFO_ROW, THINK_ONLY_ROW])
def test_the_opt_in_normaliser_writes_the_k2_format(tmp_path, row):
    dataset = AmThinkingDataset(system_prompt="S", normalise=True)
    [example] = dataset.load(str(write_jsonl(tmp_path / "d.jsonl", [row])))
    messages = example["messages"]
    assert messages[0]["content"] == "S"  # replaces the row's own
    answer = messages[2]["content"]
    assert answer.startswith("<think>") and answer.rstrip().endswith("</answer>")
    assert "5" in answer.split("</think>")[1]


def test_the_normaliser_wraps_the_answer_after_think_in_answer_tags(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [THINK_ONLY_ROW])
    [example] = AmThinkingDataset(normalise=True).load(str(path))
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
    ({"conversations": [{"from": "robot", "value": "x"}]}, "known role"),
    ({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " "}]},
     "empty assistant turn"),
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


@pytest.fixture
def hub_copy(tmp_path, monkeypatch):
    """A local folder standing in for the hub: the two confirmed files, same `conversations` shape."""
    repo = tmp_path / "AM-Thinking-v1-Distilled"
    repo.mkdir()
    (repo / "README.md").write_text("card")
    write_jsonl(repo / "math.jsonl", [CONVERSATIONS_ROW] * 2)
    write_jsonl(repo / "code.jsonl", [CONVERSATIONS_ROW] * 3)
    listed = []

    def files(repo_id, revision):
        listed.append(revision)
        return sorted(p.name for p in repo.iterdir())

    monkeypatch.setattr(am_thinking, "HUB_ID", str(repo))
    monkeypatch.setattr(am_thinking, "hub_files", files)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return listed


def test_the_whole_repository_is_streamed_at_the_pinned_revision(hub_copy, monkeypatch):
    import datasets

    calls = []
    real = datasets.load_dataset
    monkeypatch.setattr(
        datasets,
        "load_dataset",
        lambda *a, **k: calls.append(k) or real(*a, **{**k, "revision": None}),
    )
    dataset = AmThinkingDataset()
    assert len(list(dataset.load())) == 5
    assert calls[0]["revision"] == am_thinking.REVISION == dataset.revision
    assert "data_files" not in calls[0] and calls[0]["streaming"] is True


def test_subsets_are_the_listed_files(hub_copy):
    assert AmThinkingDataset().subsets() == ["code", "math"]
    assert len(list(AmThinkingDataset(subset="code").load())) == 3
    assert hub_copy == [am_thinking.REVISION] * 2


def test_an_unknown_subset_is_refused(hub_copy):
    with pytest.raises(InputError, match="subsets: code, math"):
        list(AmThinkingDataset(subset="poetry").load())


def test_an_unknown_option_is_refused_not_swallowed():
    with pytest.raises(TypeError, match="subsett"):
        AmThinkingDataset(subsett="math")
    with pytest.raises(TypeError, match="limt"):
        AmThinkingDataset().load("tiny", limt=1)


def test_the_normaliser_splits_a_reply_with_several_think_closes_at_the_last():
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
    import huggingface_hub.constants

    monkeypatch.setattr(am_thinking, "HUB_ID", "a-m-team/does-not-exist")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    for dataset in (AmThinkingDataset(), AmThinkingDataset(subset="math")):
        with pytest.raises(InputError, match="--dataset PATH"):
            list(dataset.load())
