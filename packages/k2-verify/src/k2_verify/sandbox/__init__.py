"""A sandbox for untrusted Python programs (model-written code): limits, isolation, a pool.

    from k2_verify.sandbox import Limits, run, SandboxPool
    result = run("print(sum(map(int, input().split())))", stdin="2 3\\n", limits=Limits(wall_time=5))
    assert result.status == "ok" and result.stdout == "5\\n"

See `supervisor.py` (one run), `bootstrap.py` (how a run isolates itself), `isolation.py` (which
mechanism this machine allows) and `pool.py` (many runs in parallel).
"""

from .isolation import MECHANISMS, NoIsolationError, choose_mechanism, run
from .limits import Limits
from .pool import SandboxPool
from .supervisor import STATUSES, RunResult, SandboxError

__all__ = [
    "MECHANISMS",
    "STATUSES",
    "Limits",
    "NoIsolationError",
    "RunResult",
    "SandboxError",
    "SandboxPool",
    "choose_mechanism",
    "run",
]
