"""Read a problem's test cases from the ground-truth formats in the wild.

    Guru stdin        {"inputs": ["1 2\\n", ...], "outputs": ["3\\n", ...]}
    Guru call-based   {"inputs": [[1, 2], ...], "outputs": [3, ...], "fn_name": "add"}
    Guru functional   {"functional": "assert Solution().add(1, 2) == 3\\n..."}
    LiveCodeBench     [{"input": "...", "output": "...", "testtype": "stdin" | "functional"}, ...]
                      (or {"tests": [...], "fn_name"/"starter_code": ...}); functional inputs are
                      one JSON value per line, outputs one JSON value.

Each may come as a JSON string or as the decoded object. For LiveCodeBench functional tests the
function name comes from `fn_name` (ground truth or `Problem.meta`), else from the starter code's
`def name(self, ...)`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

STARTER_FUNCTION = re.compile(r"def\s+(\w+)\s*\(\s*self")


class BadTests(ValueError):
    """The ground truth is not in a format this verifier reads."""


@dataclass
class Suite:
    """A problem's tests. `kind` says how they run.

    `stdin`: each case is `(input text, expected stdout)`, one program run per case.
    `call`: each case is `(argument list, expected return value)`, calling `fn_name`.
    `assert`: `code` holds test statements that run after the program in the same process.
    """

    kind: str
    cases: list[tuple[Any, Any]] = field(default_factory=list)
    fn_name: str | None = None
    code: str = ""


def read_suite(ground_truth: Any, meta: dict[str, Any] | None = None) -> Suite:
    """The tests in `ground_truth`; `meta` may supply `fn_name` / `starter_code`. Raises BadTests."""
    meta = dict(meta or {})
    data = _decode(ground_truth)
    if isinstance(data, dict) and "tests" in data:
        meta.update({k: data[k] for k in ("fn_name", "starter_code") if data.get(k)})
        data = _decode(data["tests"])
    if isinstance(data, dict) and isinstance(data.get("functional"), str):
        return Suite("assert", code=data["functional"])
    if isinstance(data, dict) and "inputs" in data and "outputs" in data:
        inputs, outputs = data["inputs"], data["outputs"]
        if not isinstance(inputs, list) or len(inputs) != len(outputs) or not inputs:
            raise BadTests("`inputs` and `outputs` must be non-empty lists of the same length")
        fn_name = data.get("fn_name") or meta.get("fn_name")
        if fn_name:
            cases = [
                (args if isinstance(args, list) else [args], out)
                for args, out in zip(inputs, outputs, strict=True)
            ]
            return Suite("call", cases, fn_name=fn_name)
        return Suite("stdin", [(_text(i), _text(o)) for i, o in zip(inputs, outputs, strict=True)])
    if isinstance(data, list) and data and all(isinstance(t, dict) and "input" in t for t in data):
        return _livecodebench(data, meta)
    raise BadTests(
        "unknown test format; expected {inputs, outputs}, {functional} or a LiveCodeBench test list"
    )


def _livecodebench(tests: list[dict], meta: dict[str, Any]) -> Suite:
    kinds = {t.get("testtype", "stdin") for t in tests}
    if kinds == {"stdin"}:
        return Suite("stdin", [(t["input"], t["output"]) for t in tests])
    if kinds != {"functional"}:
        raise BadTests(f"mixed test types {sorted(kinds)}")
    fn_name = meta.get("fn_name")
    if not fn_name:
        found = STARTER_FUNCTION.findall(meta.get("starter_code") or "")
        if not found:
            raise BadTests("functional tests need `fn_name` or `starter_code` in the problem")
        fn_name = found[-1]
    cases = [
        (
            [json.loads(line) for line in t["input"].split("\n") if line.strip()],
            json.loads(t["output"]),
        )
        for t in tests
    ]
    return Suite("call", cases, fn_name=fn_name)


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise BadTests(f"ground truth is not JSON: {error}") from None
    return value


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(map(str, value)) + "\n"
    return value if isinstance(value, str) else str(value)
