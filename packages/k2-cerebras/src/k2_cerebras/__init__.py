"""k2-cerebras: The Cerebras Inference backend for k2."""

from .__about__ import __version__

__all__ = ["__version__"]
