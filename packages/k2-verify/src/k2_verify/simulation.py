"""The `simulation` verifier: CodeI/O predictions of a program's output (or input).

The ground truth is JSON such as `{"output": [1, 2]}` or `{"input": {"n": 3}}` (a dict or a JSON string),
or Guru's fragment form `"output": {...}` (the key and value without the outer braces). The response
holds a JSON object: the last ```json block after the reasoning (no `<answer>` tag needed), else the
`<answer>` content, else the last `{"output": ...}` (or `input`) object in the text. The value under
the ground truth's key (`output` or `input`) is compared; an object with neither key is the value itself,
as Guru's reward reads it. Both sides are normalised as Guru's reward does: strings holding a JSON
object or list are read as JSON, `"true"`/`"false"` are booleans. Then key order and whitespace do
not matter, numbers compare by value (`1 == 1.0`, relative tolerance 1e-6 for printed floats), and
`true` is not `1`.
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
_JSON_BLOCK = re.compile(r"```(?:json)?[ \t]*\n?(.*?)```", re.DOTALL | re.IGNORECASE)
_FRAGMENT = re.compile(r'^\s*"(?:output|input)"\s*:')


def normalised(value: object) -> object:
    """`value` with JSON-in-strings read and `"true"`/`"false"` made booleans, all the way down."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] + text[-1:] in ("{}", "[]"):
            try:
                return normalised(parse_json(text))
            except ValueError:
                return value
        return {"true": True, "false": False}.get(text.lower(), value)
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    return value


def ground_truth(value: object) -> object:
    """The ground truth as JSON: Guru's `"output": {...}` fragment gets its braces back."""
    value = structured(value)
    if isinstance(value, str) and _FRAGMENT.match(value):
        try:
            return parse_json("{" + value + "}")
        except ValueError:
            return value
    return value


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
        truth = ground_truth(problem.ground_truth)
        if not isinstance(truth, dict):
            return verdict(0.0, None, "bad_ground_truth")
        key = "output" if "output" in truth else "input" if "input" in truth else None
        predicted = predicted_object(response)
        if predicted is None:
            return verdict(0.0, None, "no_answer")
        other = {"output": "input", "input": "output"}.get(key)
        if key is not None and key not in predicted and other in predicted:
            return verdict(0.0, predicted, "missing_key", key=key)
        shown = predicted.get(key, predicted) if key else predicted
        expected = truth[key] if key else truth
        same = same_json(normalised(shown), normalised(expected))
        return verdict(1.0 if same else 0.0, shown, "equivalent" if same else "different")
