"""The `code` verifier: extract the program, read the tests, run them in the sandbox, compare.

See `extract.py` (which code block), `tests.py` (ground-truth formats), `harness.py` (functional
tests in a process the program cannot touch), `compare.py` (output comparison), `verifier.py`
(scoring).
"""

from .verifier import CodeVerifier

__all__ = ["CodeVerifier"]
