"""Decide whether a program's output matches the expected output.

stdout is compared line by line and token by token (whitespace-insensitive, trailing blank lines
ignored); two tokens that both read as numbers match within an absolute or relative tolerance of
1e-6. Return values of functional tests are compared as JSON values with the same tolerance.
"""

from __future__ import annotations

import math
from typing import Any

TOLERANCE = 1e-6


def numbers_match(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def tokens_match(actual: str, expected: str) -> bool:
    if actual == expected:
        return True
    try:
        return numbers_match(float(actual), float(expected))
    except ValueError:
        return False


def outputs_match(actual: str, expected: str) -> bool:
    """True when `actual` stdout equals `expected` line by line and token by token."""
    actual_lines = actual.rstrip().splitlines()
    expected_lines = expected.rstrip().splitlines()
    if len(actual_lines) != len(expected_lines):
        return False
    for actual_line, expected_line in zip(actual_lines, expected_lines, strict=True):
        actual_tokens, expected_tokens = actual_line.split(), expected_line.split()
        if len(actual_tokens) != len(expected_tokens):
            return False
        if not all(map(tokens_match, actual_tokens, expected_tokens)):
            return False
    return True


def values_match(actual: Any, expected: Any) -> bool:
    """True when two JSON values are equal, floats within tolerance, tuples as lists."""
    if isinstance(actual, bool) or isinstance(expected, bool):  # JSON true is not 1
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        return numbers_match(actual, expected)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(map(values_match, actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            values_match(actual[key], expected[key]) for key in actual
        )
    return actual == expected
