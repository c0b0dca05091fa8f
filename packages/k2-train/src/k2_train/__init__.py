"""k2-train: SFT and GRPO the K2 Think way on TRL, with rewards from k2-verify."""

from .__about__ import __version__

__all__ = ["__version__"]
