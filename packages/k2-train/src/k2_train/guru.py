"""The `guru` dataset: Guru RL rows (the K2 Think GRPO data) as prompts with what the reward needs.

A Guru row (parquet, one per prompt) has `data_source` (the routing key: `math__...`, `codegen__...`),
`prompt` (chat messages), `reward_model.ground_truth` and `extra_info`; in the compressed variant
(`guru-RL-92k-extra-info-compressed`) those fields are base64 of gzipped JSON, whole or cut into
`part_1…part_N`, expanded by `k2_verify.guru`. Each becomes

    {"prompt": [{"role": "system", ...}, {"role": "user", ...}], "data_source": "math__...",
     "ground_truth": "...", "extra_info": "{...}"}

`ground_truth` and `extra_info` are kept as JSON text when they are not text already, so rows of every
domain fit one Arrow table; the GRPO reward receives these columns as keyword arguments.

From the hub, the files under `train/` are listed at a pinned commit and read one by one, as
Reasoning360 does: the files do not share one schema, so reading them as one dataset fails with a
`CastError`. A file's domain is its name up to `__` (`math__combined_54.4k.parquet` is `math`);
`domains=[...]` picks files by it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from k2_core import InputError
from k2_core.replies import SYSTEM_PROMPT
from k2_verify.guru import decode, ground_truth_of

from .records import MalformedRow, bundled_path, hub_file, hub_files, normalised, read_local

log = logging.getLogger("k2.train.guru")

HUB_ID = "LLM360/guru-RL-92k"
# Pinned commits of the published copies. `IFM/` is the same organisation under its new name.
REVISIONS = {
    "LLM360/guru-RL-92k": "2e2790a962a3c099bfb5ea61389cbf98a5ea439b",
}
ALIASES = {"IFM/": "LLM360/"}
DOMAINS = ("math", "codegen", "logic", "simulation", "table", "stem")


def canonical_repo(repo_id: str) -> str:
    """`repo_id` with the `IFM/` organisation alias spelled `LLM360/`."""
    for alias, name in ALIASES.items():
        if repo_id.startswith(alias):
            return name + repo_id[len(alias) :]
    return repo_id


def file_domain(path: str) -> str:
    """The domain of a Guru file: its name up to `__` (`train/math__combined_54.4k.parquet` → math)."""
    return PurePosixPath(path).name.split("__", 1)[0]


def train_files(files: list[str], domains: tuple[str, ...] | None) -> list[str]:
    """The `train/*.parquet` files among `files`, of the chosen domains, in name order."""
    chosen = sorted(
        f
        for f in files
        if f.startswith("train/")
        and f.endswith(".parquet")
        and (not domains or file_domain(f) in domains)
    )
    if not chosen:
        present = sorted({file_domain(f) for f in files if f.endswith(".parquet")})
        raise InputError(
            f"no Guru training files for domains {', '.join(domains or ('any',))}",
            f"domains in this copy: {', '.join(present) or 'none'}",
        )
    return chosen


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
    ground_truth = ground_truth_of(row.get("reward_model"))
    if ground_truth is None:
        raise MalformedRow("no 'reward_model.ground_truth'")
    return {
        "prompt": prompt,
        "data_source": data_source,
        "ground_truth": as_text(ground_truth),
        "extra_info": as_text(decode(row.get("extra_info") or {})),
    }


class GuruDataset:
    """Guru for GRPO: from the hub, `tiny` (bundled single-digit sums), or a JSONL/Parquet file.

    `repo` is the hub copy (default `LLM360/guru-RL-92k`, `IFM/...` accepted), `revision` its commit
    (default: the pinned one in `REVISIONS`; required for a copy not in that table), `domains` the
    files to read (`math`, `codegen`, `logic`, `simulation`, `table`, `stem`; default all).
    After a hub load, `revision` is the commit that was read (logged too).
    """

    name = "guru"

    def __init__(
        self,
        system_prompt: str | None = None,
        domains: list[str] | tuple[str, ...] | None = None,
        repo: str = HUB_ID,
        revision: str | None = None,
    ):
        unknown = sorted(set(domains or ()) - set(DOMAINS))
        if unknown:
            raise InputError(f"Guru has no domain {unknown[0]!r}", f"domains: {', '.join(DOMAINS)}")
        self.system_prompt = system_prompt if system_prompt is not None else SYSTEM_PROMPT
        self.domains = tuple(domains) if domains else None
        self.repo = canonical_repo(repo)
        self.revision = revision or REVISIONS.get(self.repo)
        if self.revision is None:
            raise InputError(
                f"no pinned revision for {self.repo!r}",
                "pass revision=<commit> so the run can be repeated",
            )

    def hub_records(self):
        """`(where, row)` for every row of the chosen files, one file at a time."""
        files = train_files(hub_files(self.repo, self.revision), self.domains)
        log.info("Guru %s at %s: %s", self.repo, self.revision, ", ".join(files))
        for name in files:
            for where, row in read_local(hub_file(self.repo, name, self.revision)):
                yield f"{name} {where}", row

    def load(
        self,
        source: str | None = None,
        *,
        skip_invalid: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        if not source:
            records, source = self.hub_records(), f"{self.repo}@{self.revision[:12]}"
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
