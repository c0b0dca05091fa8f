"""How much a sandboxed run may use: time, memory, processes, files and output."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from k2_core.errors import InputError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Every field has a safe default.

    `wall_time` (seconds) bounds the whole run, sleeping included; `cpu_time` (seconds) bounds the CPU
    the program burns (it defaults to `wall_time`). `memory_mb` caps the address space,
    `processes` the number of processes, `file_mb` the size of any file written and of the private
    scratch space, `open_files` the descriptors. `stdout_bytes` / `stderr_bytes` cap what is kept of
    each stream; a program that prints more to stdout is stopped with status `output_limit`, while
    stderr past its cap is dropped and the run goes on. Every limit must be positive: a zero or
    negative one is refused (`InputError`), never read as "no limit".
    """

    wall_time: float = 10.0
    cpu_time: float | None = None
    memory_mb: int = 1024
    processes: int = 64
    file_mb: int = 64
    open_files: int = 64
    stdout_bytes: int = 16 * MIB
    stderr_bytes: int = 1 * MIB

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None and field.name == "cpu_time":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise InputError(
                    f"sandbox limit {field.name}={value!r} must be a positive number",
                    "give every limit a value above zero (leave it out for the default)",
                )

    @property
    def cpu_seconds(self) -> int:
        """The CPU limit in whole seconds (what RLIMIT_CPU takes), at least 1."""
        return max(1, int(-(-(self.cpu_time or self.wall_time) // 1)))

    def to_dict(self) -> dict:
        return asdict(self)
