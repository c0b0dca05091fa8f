"""Guru rows: compressed fields and data_source domains."""

import base64
import gzip

import pytest

from k2_verify.guru import compress, decode, domain_for, structured


def test_compressed_json_round_trips():
    value = {"inputs": ["1\n"], "outputs": ["2\n"]}
    packed = compress(value)
    assert packed.startswith("H4sI")
    assert decode(packed) == value


def test_nested_compressed_fields_are_decoded():
    row = {
        "reward_model": {"ground_truth": compress([[1, 2]])},
        "extra_info": compress({"index": 7}),
    }
    assert decode(row) == {"reward_model": {"ground_truth": [[1, 2]]}, "extra_info": {"index": 7}}


def test_plain_strings_stay_strings_until_asked_for_structure():
    assert decode("12") == "12"
    assert decode("H4sI not base64!") == "H4sI not base64!"
    assert structured('{"output": 1}') == {"output": 1}
    assert structured("[1, 2") == "[1, 2"


def test_a_compression_bomb_is_refused():
    bomb = base64.b64encode(gzip.compress(b"[" + b" " * (70 * 1024 * 1024) + b"]")).decode()
    with pytest.raises(ValueError, match="expands past"):
        decode(bomb)


def test_compressed_pickle_is_never_loaded():
    import pickle

    packed = base64.b64encode(gzip.compress(pickle.dumps({"a": 1}))).decode()
    with pytest.raises(ValueError):
        decode(packed)


@pytest.mark.parametrize(
    "data_source, domain",
    [
        ("math__aime", "math"),
        ("codegen__leetcode", "code"),
        ("logic__zebra_puzzle_dataset", "logic"),
        ("simulation__arcagi1", "logic"),
        ("simulation__barc", "logic"),
        ("simulation__codeio", "simulation"),
        ("table__hitab", "tabular"),
        ("stem_web", "science"),
        ("unknown__x", None),
    ],
)
def test_domains_follow_guru_prefixes(data_source, domain):
    assert domain_for(data_source) == domain
