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


# --- the hub copies: files listed at a pinned commit, read one by one ----------------------------

import base64  # noqa: E402
import gzip  # noqa: E402

import huggingface_hub  # noqa: E402

from k2_train import guru  # noqa: E402

CODE_TESTS = {"inputs": ["1 2\n"], "outputs": ["3\n"]}
# codegen rows carry other extra_info fields than math rows: one dataset over both files fails to cast.
CODE_ROW = {
    "data_source": "codegen__primeintellect",
    "prompt": [{"role": "user", "content": "Add two numbers."}],
    "ability": "codegen",
    "reward_model": {"style": "rule", "ground_truth": json.dumps(CODE_TESTS)},
    "extra_info": {"index": 1, "split": "train", "original_prompt": "Add", "dataset": "pi"},
}


def gzip64(value, *, pad=True):
    text = base64.b64encode(gzip.compress(json.dumps(value).encode(), mtime=0)).decode()
    return text if pad else text.rstrip("=")


def parts(text, size):
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    return {f"part_{n}": piece for n, piece in enumerate(pieces, start=1)}


class FakeHub:
    """A local folder standing in for the hub: lists and serves files, recording the revisions."""

    def __init__(self, folder):
        self.folder = folder
        self.revisions = []

    def list_repo_files(self, repo_id, *, repo_type, revision):
        assert repo_type == "dataset"
        self.revisions.append((repo_id, revision))
        return sorted(
            str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file()
        )

    def download(self, repo_id, filename, *, repo_type, revision):
        self.revisions.append((repo_id, revision))
        return str(self.folder / filename)


@pytest.fixture
def hub(tmp_path, monkeypatch):
    folder = tmp_path / "guru-RL-92k"
    (folder / "train").mkdir(parents=True)
    (folder / "README.md").write_text("card")
    write_parquet(folder / "train" / "math__combined_54.4k.parquet", [MATH_ROW] * 2)
    write_parquet(folder / "train" / "codegen__primeintellect_7.5k.parquet", [CODE_ROW])
    write_parquet(folder / "train" / "logic__zebra_puzzle_1.3k.parquet", [ZEBRA_ROW])
    fake = FakeHub(folder)
    monkeypatch.setattr(
        huggingface_hub.HfApi, "list_repo_files", lambda api, *a, **k: fake.list_repo_files(*a, **k)
    )
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake.download)
    return fake


def test_files_with_different_schemas_cannot_be_read_as_one_dataset(hub):
    """The upstream failure the file-by-file reading avoids."""
    from datasets import load_dataset
    from datasets.exceptions import DatasetGenerationError

    files = sorted(str(p) for p in (hub.folder / "train").glob("*.parquet"))
    with pytest.raises((DatasetGenerationError, ValueError)):
        load_dataset("parquet", data_files=files, split="train")


def test_the_hub_copy_is_read_file_by_file_at_the_pinned_commit(hub):
    dataset = GuruDataset()
    rows = list(dataset.load())
    assert [r["data_source"] for r in rows] == [
        "codegen__primeintellect",
        "logic__zebra_puzzle_dataset",
        "math__deepscaler",
        "math__deepscaler",
    ]
    assert json.loads(rows[0]["ground_truth"]) == CODE_TESTS
    pinned = guru.REVISIONS["LLM360/guru-RL-92k"]
    assert dataset.revision == pinned and len(pinned) == 40
    assert set(hub.revisions) == {("LLM360/guru-RL-92k", pinned)}


def test_domains_choose_the_files(hub):
    rows = list(GuruDataset(domains=["math", "logic"]).load())
    assert {r["data_source"] for r in rows} == {"math__deepscaler", "logic__zebra_puzzle_dataset"}
    downloaded = {name for _, name in hub.revisions}
    assert len(rows) == 3 and downloaded


def test_a_domain_missing_from_the_copy_names_those_present(hub):
    with pytest.raises(InputError, match="domains in this copy: codegen, logic, math"):
        list(GuruDataset(domains=["table"]).load())


def test_an_unknown_domain_is_refused():
    with pytest.raises(InputError, match="domains: math, codegen"):
        GuruDataset(domains=["poetry"])


def test_the_ifm_organisation_is_the_same_repository(hub):
    dataset = GuruDataset(repo="IFM/guru-RL-92k")
    assert dataset.repo == "LLM360/guru-RL-92k"
    assert len(list(dataset.load())) == 4


def test_a_copy_without_a_pinned_commit_needs_one(hub):
    with pytest.raises(InputError, match="revision=<commit>"):
        GuruDataset(repo="LLM360/guru-RL-92k-extra-info-compressed")
    dataset = GuruDataset(repo="LLM360/guru-RL-92k-extra-info-compressed", revision="abc123")
    assert dataset.revision == "abc123"


def test_an_offline_hub_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(InputError, match="--dataset PATH"):
        list(GuruDataset().load())


# --- the verl-ready compressed copy ---------------------------------------------------------------


def compressed_row(truth, *, split_at=None):
    """A row of guru-RL-92k-extra-info-compressed: JSON {"ground_truth": ...} gzipped and base64'd."""
    reward = gzip64({"ground_truth": truth}, pad=split_at is None)
    extra = gzip64({"index": 9, "split": "train", "task_keys": ["a"]}, pad=False)
    return {
        "data_source": "logic__zebra_puzzle_dataset",
        "prompt": [{"role": "user", "content": "Who lives where?"}],
        "ability": "logic",
        "reward_model": {"compressed": reward} if split_at is None else parts(reward, split_at),
        "extra_info": parts(extra, 7),
    }


@pytest.mark.parametrize("split_at", [None, 5])
def test_the_compressed_and_the_parts_split_shapes_are_expanded(tmp_path, split_at):
    path = write_parquet(tmp_path / "c.parquet", [compressed_row(ZEBRA_TRUTH, split_at=split_at)])
    [row] = GuruDataset().load(str(path))
    assert json.loads(row["ground_truth"]) == ZEBRA_TRUTH
    assert json.loads(row["extra_info"]) == {"index": 9, "split": "train", "task_keys": ["a"]}


def test_a_multi_megabyte_ground_truth_survives_the_parts_split(tmp_path):
    import random

    rng = random.Random(7)
    big = {
        "inputs": ["".join(rng.choice("0123456789 \n") for _ in range(3_000_000))],
        "outputs": ["x"],
    }
    reward = gzip64({"ground_truth": json.dumps(big)}, pad=False)
    assert len(reward) > 1_000_000
    row = dict(compressed_row("unused"), reward_model=parts(reward, 500_000))
    path = write_parquet(tmp_path / "big.parquet", [row])
    [loaded] = GuruDataset().load(str(path))
    assert json.loads(loaded["ground_truth"]) == big


def test_parts_with_a_gap_are_not_joined():
    from k2_verify.guru import decode

    text = gzip64({"ground_truth": "1"})
    value = {"part_1": text[:4], "part_3": text[4:]}
    assert decode(value) == value


def test_a_compressed_field_past_the_bound_is_refused(monkeypatch):
    from k2_verify import guru as verify_guru

    monkeypatch.setattr(verify_guru, "MAX_DECOMPRESSED_BYTES", 1000)
    bomb = gzip64({"ground_truth": "0" * 100_000})
    with pytest.raises(ValueError, match="1000 bytes"):
        verify_guru.decode({"compressed": bomb})
