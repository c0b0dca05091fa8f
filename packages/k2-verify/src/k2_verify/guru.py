"""Reading Guru (Reasoning360) rows: the `data_source` routing table and the compressed fields.

A Guru row, as verl reads it from parquet:

    {"data_source": "logic__zebra_puzzle_dataset", "prompt": [{"role": "user", "content": "..."}],
     "ability": "logic", "reward_model": {"style": "rule", "ground_truth": ...}, "extra_info": {...}}

Large ground truths (code tests, grids) are sometimes stored compressed: gzip, then base64, of a JSON
document. The verl-ready copy `LLM360/guru-RL-92k-extra-info-compressed` stores `reward_model` and
`extra_info` in one of three shapes, all read by `decode` (bounded, JSON only: never pickle):

- a string `H4sI...` (base64 of gzip);
- `{"compressed": "H4sI..."}`;
- `{"part_1": "H4sI...", "part_2": "...", ...}`: one base64 text cut in pieces (parquet caps a
  string's size), joined in number order; missing `=` padding is restored.

`domain_for` maps a `data_source` to a k2 domain.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
import zlib
from typing import Any

# Guru data_source prefixes and the k2 domain each belongs to. Routing itself goes through the
# registry (verifiers claim prefixes); this table gives the `domain` to fall back on (verl rows).
DOMAINS = {
    "math__": "math",
    "codegen__": "code",
    "logic__": "logic",
    "simulation__arcagi": "logic",
    "simulation__barc": "logic",
    "simulation__codeio": "simulation",
    "table__": "tabular",
    "stem_web": "science",
}

GZIP_BASE64_PREFIX = "H4sI"  # base64 of the gzip magic bytes 1f 8b 08
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
PART_KEY = re.compile(r"part_([1-9][0-9]*)")


def domain_for(data_source: str) -> str | None:
    """The k2 domain of a Guru `data_source` (longest matching prefix), or None if unknown."""
    matches = [prefix for prefix in DOMAINS if data_source.startswith(prefix)]
    return DOMAINS[max(matches, key=len)] if matches else None


def decode(value: Any) -> Any:
    """A Guru field made plain: compressed strings expanded, numpy arrays turned into lists.

    Dicts and lists are decoded item by item. Other strings are returned unchanged (use
    `structured` to read a JSON string).
    """
    if hasattr(value, "tolist"):  # numpy arrays and scalars, as parquet readers return them
        value = value.tolist()
    if isinstance(value, str) and value.startswith(GZIP_BASE64_PREFIX):
        expanded = _decompress(value)
        return value if expanded is None else decode(expanded)
    if isinstance(value, dict) and value:
        packed = _packed_text(value)
        if packed is not None:
            expanded = _decompress(packed)
            if expanded is not None:
                return decode(expanded)
    if isinstance(value, dict):
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [decode(item) for item in value]
    return value


def ground_truth_of(reward_model: Any) -> Any:
    """The ground truth in a Guru `reward_model` field (any shape), or None when it has none.

    The compressed copies decode to `{"ground_truth": ...}` (at the field or inside it): unwrapped.
    """
    reward_model = decode(reward_model)
    truth = reward_model.get("ground_truth") if isinstance(reward_model, dict) else None
    while isinstance(truth, dict) and set(truth) == {"ground_truth"}:
        truth = truth["ground_truth"]
    return truth


def structured(value: Any) -> Any:
    """`decode(value)`, then a JSON string read as JSON (left as it is when it is not JSON)."""
    value = decode(value)
    if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
    return value


def _packed_text(value: dict[str, Any]) -> str | None:
    """The base64 text of a `{"compressed": ...}` or `{"part_1": ..., ...}` field, else None."""
    if set(value) == {"compressed"} and isinstance(value["compressed"], str):
        return value["compressed"]
    numbers = {}
    for key, piece in value.items():
        found = PART_KEY.fullmatch(str(key))
        if not found or not isinstance(piece, str):
            return None
        numbers[int(found.group(1))] = piece
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        return None  # a gap: not one text cut in pieces
    return "".join(numbers[number] for number in sorted(numbers))


def _decompress(text: str) -> Any:
    """The JSON value inside base64+gzip `text`; None when `text` is not base64+gzip after all."""
    text = text.strip()
    text += "=" * (-len(text) % 4)  # the split copies drop the padding
    if len(text) * 3 // 4 > MAX_DECOMPRESSED_BYTES:
        raise ValueError(f"compressed field is over {MAX_DECOMPRESSED_BYTES} bytes")
    try:
        raw = base64.b64decode(text, validate=True)
        inflater = zlib.decompressobj(wbits=31)  # 31: expect a gzip header
        data = inflater.decompress(raw, MAX_DECOMPRESSED_BYTES)
    except (binascii.Error, zlib.error, ValueError):
        return None
    if inflater.unconsumed_tail:
        raise ValueError(f"compressed field expands past {MAX_DECOMPRESSED_BYTES} bytes")
    if not inflater.eof:
        return None  # a cut-off stream: not a whole compressed field
    return json.loads(data)  # not JSON (a pickle, say) is refused: ValueError


def compress(value: Any) -> str:
    """The inverse of `decode` for one value: JSON, gzip, base64 (to write Guru-style rows)."""
    return base64.b64encode(gzip.compress(json.dumps(value).encode(), mtime=0)).decode()
