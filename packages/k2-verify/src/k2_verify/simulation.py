"""The `simulation` verifier: CodeI/O predictions of a program's output (or input).

The ground truth is JSON such as `{"output": [1, 2]}` or `{"input": {"n": 3}}` (a dict or a JSON string).
The response holds the same kind of JSON object: the last ```json block after the reasoning, else the
`<answer>` content, else the last `{"output": ...}` (or `input`) object in the text. The value under the ground truth's key
(`output` or `input`) is compared after normalisation: key order and whitespace do not matter, numbers
compare by value (`1 == 1.0`, relative tolerance 1e-6 for printed floats), `true` is not `1`.
"""

from __future__ import annotations

import math
import re

from k2_core import Problem, Verdict
from k2_core.replies import after_thinking, answer_tag, balanced, parse_json

from .base import RuleVerifier, verdict
from .guru import structured

FLOAT_TOLERANCE = 1e-6
_KEYED_OBJECT = re.compile(r'\{\s*"(?:output|input)"')
_JSON_BLOCK = re.compile(r"```(?:json)?\s*\n(.*?)```", re.DOTALL | re.IGNORECASE)


def same_json(a: object, b: object) -> bool:
    """Whether two parsed JSON values are equal up to key order and numeric formatting."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=1e-12) or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def predicted_object(response: str) -> dict | None:
    """The JSON object the response commits to (see the module docstring for where it is looked for)."""
    text = after_thinking(response)
    blocks = _JSON_BLOCK.findall(text)
    candidates = [blocks[-1]] if blocks else []
    tagged = answer_tag(text)
    if tagged:
        candidates.append(tagged)
    keyed = [match.start() for match in _KEYED_OBJECT.finditer(text)]
    if keyed:
        candidates.append(text[keyed[-1] :])
    for candidate in candidates:
        start = candidate.find("{")
        span = balanced(candidate, start) if start >= 0 else None
        if span is None:
            continue
        try:
            value = parse_json(span)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


class SimulationVerifier(RuleVerifier):
    """Scores a predicted CodeI/O `output` (or `input`) object against the ground truth's."""

    name = "simulation"

    def check(self, response: str, problem: Problem) -> Verdict:
        truth = structured(problem.ground_truth)
        if not isinstance(truth, dict):
            return verdict(0.0, None, "bad_ground_truth")
        key = "output" if "output" in truth else "input" if "input" in truth else None
        predicted = predicted_object(response)
        if predicted is None:
            return verdict(0.0, None, "no_answer")
        if key is None:
            same = same_json(predicted, truth)
        elif key not in predicted:
            return verdict(0.0, predicted, "missing_key", key=key)
        else:
            same = same_json(predicted[key], truth[key])
        shown = predicted if key is None else predicted[key]
        return verdict(1.0 if same else 0.0, shown, "equivalent" if same else "different")
