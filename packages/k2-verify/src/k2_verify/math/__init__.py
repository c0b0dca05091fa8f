"""The math verifier: answer extraction, normalisation and equivalence.

from k2_verify.math import MathVerifier, equivalent, extract_answer

extract_answer("... so \\boxed{\\frac12}").answer      # '\\frac12'
equivalent("\\frac12", "0.5").equal                     # True
"""

from .equivalence import Match, equivalent
from .extract import Extraction, extract_answer
from .normalize import normalize
from .verifier import MathVerifier

__all__ = [
    "Extraction",
    "Match",
    "MathVerifier",
    "equivalent",
    "extract_answer",
    "normalize",
]
