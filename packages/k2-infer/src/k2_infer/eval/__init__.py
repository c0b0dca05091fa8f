"""The evaluation harness: the K2 Think protocol (n pass@1 runs per problem, averaged) for any backend.

- `benchmarks`: the registered evaluation sets and their loaders (hub or local files).
- `harness`: runs samples with bounded concurrency, appends them to `samples.jsonl`, resumes.
- `metrics`: avg@n, std-err, unbiased pass@k, maj@n, length statistics, truncation rate.
- `records`: `BenchmarkScore` and `EvalSummary`, the typed `summary.json`.
- `report` and `compare`: `report.md` with plots, and deltas between two runs.
- `shards`, `merge` and `ray_runner`: one run over several machines (`--shard I/N`, `eval-merge`)
  or Ray tasks (`--ray`).
"""

from .harness import EvalSettings, run_eval
from .records import BenchmarkScore, EvalSummary

__all__ = ["BenchmarkScore", "EvalSettings", "EvalSummary", "run_eval"]
