"""k2-verify: Verifiers for math, code, logic, simulation, tabular and science answers, with TRL and verl rewards."""

from .__about__ import __version__

__all__ = ["__version__"]
