"""The guru dataset: Guru parquet rows (plain and compressed) become GRPO prompts with reward columns."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from k2_core import InputError
from k2_core.replies import SYSTEM_PROMPT
from k2_train.guru import GuruDataset
from k2_verify.guru import compress

MATH_ROW = {
    "data_source": "math__deepscaler",
    "prompt": [{"role": "user", "content": "What is 1 + 1? Put the answer in \\boxed{}."}],
    "ability": "math",
    "reward_model": {"style": "rule", "ground_truth": "2"},
    "extra_info": {"index": 7, "split": "train"},
}
ZEBRA_TRUTH = {"header": ["House", "Name"], "rows": [["1", "Alice"], ["2", "Bob"]]}
ZEBRA_ROW = {
    "data_source": "logic__zebra_puzzle_dataset",
    "prompt": [{"role": "user", "content": "Who lives where?"}],
    "ability": "logic",
    "reward_model": {"style": "rule", "ground_truth": compress(ZEBRA_TRUTH)},
    "extra_info": compress({"index": 3, "split": "train"}),
}


def write_parquet(path, rows):
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_parquet_rows_become_prompts_with_reward_columns(tmp_path):
    path = write_parquet(tmp_path / "guru.parquet", [MATH_ROW])
    [row] = GuruDataset().load(str(path))
    assert row["prompt"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert row["prompt"][1] == MATH_ROW["prompt"][0]
    assert row["data_source"] == "math__deepscaler"
    assert row["ground_truth"] == "2"
    assert json.loads(row["extra_info"]) == {"index": 7, "split": "train"}


def test_the_compressed_variant_is_expanded(tmp_path):
    path = tmp_path / "guru.jsonl"
    path.write_text(json.dumps(ZEBRA_ROW) + "\n")
    [row] = GuruDataset().load(str(path))
    assert json.loads(row["ground_truth"]) == ZEBRA_TRUTH
    assert json.loads(row["extra_info"])["index"] == 3


def test_mixed_domains_fit_one_arrow_table(tmp_path):
    from datasets import Dataset

    path = tmp_path / "guru.jsonl"
    path.write_text(json.dumps(MATH_ROW) + "\n" + json.dumps(ZEBRA_ROW) + "\n")
    table = Dataset.from_list(list(GuruDataset().load(str(path))))
    assert table.num_rows == 2 and table[1]["data_source"].startswith("logic__")


def test_a_prompt_that_has_a_system_message_keeps_it(tmp_path):
    row = dict(MATH_ROW, prompt=[{"role": "system", "content": "S"}, *MATH_ROW["prompt"]])
    path = write_parquet(tmp_path / "g.parquet", [row])
    [loaded] = GuruDataset().load(str(path))
    assert loaded["prompt"][0] == {"role": "system", "content": "S"}
    assert len(loaded["prompt"]) == 2


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"data_source": ""}, "no 'data_source'"),
        ({"reward_model": {"style": "rule"}}, "ground_truth"),
        ({"prompt": [{"content": "no role"}]}, "'prompt' must be"),
    ],
)
def test_malformed_rows_are_reported_at_their_line(tmp_path, change, why):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(MATH_ROW) + "\n" + json.dumps({**MATH_ROW, **change}) + "\n")
    with pytest.raises(InputError, match=f"line 2: .*{why}"):
        list(GuruDataset().load(str(path)))
    assert len(list(GuruDataset().load(str(path), skip_invalid=True))) == 1


def test_an_unknown_option_is_refused_not_swallowed():
    with pytest.raises(TypeError, match="system_promt"):
        GuruDataset(system_promt="")


def test_the_bundled_tiny_set_is_single_digit_sums():
    rows = list(GuruDataset().load("tiny"))
    assert len(rows) == 16
    for row in rows:
        question = row["prompt"][-1]["content"]
        a, b = (int(n) for n in question.split("What is ")[1].split("?")[0].split(" + "))
        assert row["ground_truth"] == str(a + b)
