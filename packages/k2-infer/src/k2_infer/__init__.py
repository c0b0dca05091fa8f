"""k2-infer: Backends, planners, samplers, selectors, the K2 test-time pipeline and the evaluation harness."""

from .__about__ import __version__
from .api import asolve, solve

__all__ = ["__version__", "asolve", "solve"]
