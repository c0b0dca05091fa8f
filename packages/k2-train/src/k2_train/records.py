"""Reading raw training rows from local JSONL/Parquet files or the Hugging Face hub, with their place.

Every row comes with where it was found (`line 3` in a JSONL file, `row 3` in Parquet or on the hub), so
a row that cannot be used is reported at its place: the run stops with a one-line `InputError`, or, when
asked (`skip_invalid`), the row is skipped and logged (a warning).

    for row in normalised(read_local("data.jsonl"), normalise_row, source="data.jsonl"):
        ...
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from k2_core import InputError

log = logging.getLogger("k2.train.records")

BUNDLED_DIR = Path(__file__).parent / "data_files"
SKIP_HINT = "fix the row, or pass --skip-invalid to skip malformed rows"


class MalformedRow(ValueError):
    """A row that cannot be turned into a training example; the message says what is wrong."""


Record = tuple[str, dict[str, Any] | MalformedRow]


def bundled_path(name: str) -> Path:
    """Path of a tiny dataset shipped inside this package (`am-thinking-tiny.jsonl`, ...)."""
    return BUNDLED_DIR / name


def read_local(path: str | Path) -> Iterator[Record]:
    """`(where, row)` for each row of a `.jsonl`/`.json` or `.parquet` file; bad JSON yields a MalformedRow."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"dataset file {str(path)!r} not found", "pass a JSONL or Parquet file")
    if path.suffix == ".parquet":
        yield from _read_parquet(path)
    elif path.suffix in (".jsonl", ".json"):
        yield from _read_jsonl(path)
    else:
        raise InputError(f"cannot read {path.name!r}", "datasets are .jsonl or .parquet files")


def _read_jsonl(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {number}", MalformedRow(f"not valid JSON ({exc.msg})")
                continue
            if isinstance(row, dict):
                yield f"line {number}", row
            else:
                yield f"line {number}", MalformedRow("not a JSON object")


def _read_parquet(path: Path) -> Iterator[Record]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            number += 1
            yield f"row {number}", row


def read_hub(hub_id: str, revision: str, **load_options: Any) -> Iterator[Record]:
    """`(where, row)` for each row of a hub dataset, streamed (nothing is downloaded up front)."""
    import datasets

    number = 0
    try:
        rows = datasets.load_dataset(
            hub_id, revision=revision, split="train", streaming=True, **load_options
        )
        for number, row in enumerate(rows, start=1):
            yield f"row {number}", row
    except (
        OSError,
        ValueError,
    ) as exc:  # offline, gated, missing revision (OSError); schema
        raise InputError(
            f"cannot read {hub_id!r} at revision {revision[:12]} after row {number} "
            f"({type(exc).__name__})",
            HUB_HINT,
        ) from None


HUB_HINT = "check your network and `hf auth login`, or pass --dataset PATH to a local copy"


def hub_files(repo_id: str, revision: str) -> list[str]:
    """Every file path of a hub dataset repository at `revision` (a commit, tag or branch)."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    try:
        return HfApi().list_repo_files(repo_id, repo_type="dataset", revision=revision)
    except (HfHubHTTPError, OfflineModeIsEnabled, OSError, ValueError) as exc:
        raise InputError(
            f"cannot list {repo_id!r} at revision {revision[:12]} ({type(exc).__name__})", HUB_HINT
        ) from None


def hub_file(repo_id: str, path: str, revision: str) -> Path:
    """The local copy of one file of a hub dataset at `revision`, downloaded into the HF cache."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    try:
        return Path(hf_hub_download(repo_id, path, repo_type="dataset", revision=revision))
    except (HfHubHTTPError, OfflineModeIsEnabled, OSError, ValueError) as exc:
        raise InputError(
            f"cannot download {path!r} of {repo_id!r} at revision {revision[:12]} "
            f"({type(exc).__name__})",
            HUB_HINT,
        ) from None


def normalised(
    records: Iterable[Record],
    normalise: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    source: str,
    skip_invalid: bool = False,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Each record passed through `normalise`, stopping after `limit` good rows.

    A malformed row raises `InputError` naming `source` and its place, unless `skip_invalid`, in which
    case it is logged as a warning and skipped.
    """
    produced = 0
    for where, record in records:
        if limit and produced >= limit:
            return
        try:
            if isinstance(record, MalformedRow):
                raise record
            row = normalise(record)
        except MalformedRow as exc:
            if not skip_invalid:
                raise InputError(f"{source} {where}: {exc}", SKIP_HINT) from None
            log.warning("skipped %s %s: %s", source, where, exc)
            continue
        produced += 1
        yield row
