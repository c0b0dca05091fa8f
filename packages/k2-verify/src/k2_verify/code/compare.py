"""Decide whether a program's output matches the expected output.

stdout is compared line by line and token by token (whitespace-insensitive, trailing blank lines
ignored). Where the expected token is an integer the answer must be that integer exactly (an
off-by-one at 10^9 fails); where it is a decimal number the answer may differ by an absolute or
relative 1e-6 (Guru's tolerance for floats); any other token must be equal. Return values of
functional tests follow the same rule: an expected `int` is matched exactly, an expected `float`
within the tolerance, `true` is not `1`, tuples compare as lists.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

TOLERANCE = 1e-6
INTEGER = re.compile(r"[+-]?\d+")


def numbers_match(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def tokens_match(actual: str, expected: str) -> bool:
    if actual == expected:
        return True
    try:
        if INTEGER.fullmatch(expected):  # exact, though `3.0` still reads as `3`
            return Decimal(actual) == Decimal(expected)
        return numbers_match(float(actual), float(expected))
    except (ValueError, InvalidOperation):
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
    """True when two decoded values are equal: ints exactly, floats within tolerance."""
    if isinstance(actual, bool) or isinstance(expected, bool):  # JSON true is not 1
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, int) and isinstance(actual, (int, float)):
        return actual == expected
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return numbers_match(actual, expected)
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(map(values_match, actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            values_match(actual[key], expected[key]) for key in actual
        )
    return type(actual) is type(expected) and actual == expected
