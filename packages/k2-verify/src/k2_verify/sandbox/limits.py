"""How much a sandboxed run may use: time, memory, processes, files and output."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Every field has a safe default.

    `wall_time` (seconds) bounds the whole run, sleeping included; `cpu_time` (seconds) bounds the CPU
    the program burns (it defaults to `wall_time`). `memory_mb` caps the address space,
    `processes` the number of processes, `file_mb` the size of any file written and of the private
    scratch space, `open_files` the descriptors. `stdout_bytes` / `stderr_bytes` cap what is kept of
    each stream; a program that prints more is stopped with status `output_limit`.
    """

    wall_time: float = 10.0
    cpu_time: float | None = None
    memory_mb: int = 1024
    processes: int = 64
    file_mb: int = 64
    open_files: int = 64
    stdout_bytes: int = 16 * MIB
    stderr_bytes: int = 1 * MIB

    @property
    def cpu_seconds(self) -> int:
        """The CPU limit in whole seconds (what RLIMIT_CPU takes), at least 1."""
        return max(1, int(-(-(self.cpu_time or self.wall_time) // 1)))

    def to_dict(self) -> dict:
        return asdict(self)
