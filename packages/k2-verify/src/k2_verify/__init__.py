"""k2-verify: Verifiers for math, code, logic, simulation, tabular and science answers, with TRL and verl rewards.

    from k2_verify import verify
    verify("... so the answer is \\boxed{\\frac{1}{2}}", "0.5").correct          # True
    verify(response, ground_truth, data_source="math__aime")                     # routed like Guru

Many items at once, each with a hard timeout, in worker processes: `k2_verify.pool.VerifyPool`.
"""

from .__about__ import __version__
from .api import verify

__all__ = ["__version__", "verify"]
