"""What every backend does with its completions: normalise finish reasons, count speculation.

The counters behind speculative-decoding metrics live here so each backend reports them the same
way. (Observers hear of completions from the wrapper the registry puts around every backend,
`k2_core.observed`, never from the backends themselves.)
"""

from __future__ import annotations

from dataclasses import dataclass


def finish_reason(raw: str | None) -> str:
    """Map a backend's finish reason onto k2's: `length` when cut by max_tokens, else `stop`."""
    return "length" if raw in {"length", "max_tokens", "max_length"} else "stop"


@dataclass
class SpeculationCounts:
    """Counts from one speculative generation, and the metrics derived from them.

    `target_passes` are forward passes of the target model (the prefill included), `drafted` the
    draft tokens it verified, `accepted` those it kept, `generated` the tokens produced.
    """

    target_passes: int = 0
    drafted: int = 0
    accepted: int = 0
    generated: int = 0

    def __add__(self, other: SpeculationCounts) -> SpeculationCounts:
        return SpeculationCounts(
            self.target_passes + other.target_passes,
            self.drafted + other.drafted,
            self.accepted + other.accepted,
            self.generated + other.generated,
        )

    def metrics(self) -> dict[str, float | int]:
        """`spec_acceptance_rate` (accepted / drafted) and `spec_mean_accepted` (tokens per target
        pass: 1 means speculation never helped), plus the raw counts."""
        return {
            "spec_acceptance_rate": self.accepted / self.drafted if self.drafted else 0.0,
            "spec_mean_accepted": self.generated / self.target_passes
            if self.target_passes
            else 0.0,
            "spec_draft_tokens": self.drafted,
            "spec_accepted_tokens": self.accepted,
            "spec_target_passes": self.target_passes,
        }
