"""The `scicode` verifier: a SciCode step's function, run in the k2 sandbox against the step's tests.

A SciCode problem's ground truth (made by k2-infer's `scicode` benchmarks) is

    {"h5": "/path/to/test_data.h5",
     "steps": [{"id": "77.1", "tests": ["assert np.allclose(f(1), target)", ...]}, ...],
     "setup": "import numpy as np\n<code of earlier steps, when the benchmark provides it>"}

The program is the last Python block of the response (as for `code`). For each step, the numeric
targets are read on the host from `test_data.h5` (group `<step id>/test<i>`, with h5py) and handed
to the sandbox as a NumPy `.npz` on stdin (`allow_pickle=False`, so no object ever unpickles there);
inside, the program runs after `setup`, then each test with `target` bound to its value. The score
is 1 when every test of every step passes, like SciCode's own runner (which runs each step's file
and counts exit status 0).

Targets that h5py reads as scalars, arrays, strings, tuples of those (several variables), lists
(`list` groups) and dicts are supported; SciPy sparse matrices are not (their tests need SciPy in
the sandbox). Tests that import `scicode.compare.cmp` get a small stand-in module with
`cmp_tuple_or_list` and `are_dicts_close`.

Limits: the program shares the test runner's interpreter (as in SciCode's runner, which only checks
the exit status), so a hostile program could find the run's completion nonce and forge a pass; the
sandbox still confines what it can touch.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
from pathlib import Path
from typing import Any

from k2_core import Problem, Verdict

from .base import RuleVerifier, verdict
from .code.extract import extract_program
from .sandbox import Limits, run

# Runs inside the sandbox: read the targets from stdin, define the stand-in `scicode.compare.cmp`,
# run the model's program once, then every test with its target.
RUNNER = r"""
import base64, io, json, sys, types
import numpy as np

_spec = json.loads(sys.stdin.readline())
_nonce = _spec.pop("nonce")
_arrays = np.load(io.BytesIO(base64.b64decode(sys.stdin.readline())), allow_pickle=False)

def _value(node):
    kind = node["t"]
    if kind == "array":
        value = _arrays[node["k"]]
        return value[()] if value.shape == () else value
    if kind == "str":
        return node["v"]
    if kind == "tuple":
        return tuple(_value(item) for item in node["v"])
    if kind == "list":
        return [_value(item) for item in node["v"]]
    return {key: _value(item) for key, item in node["v"]}

def cmp_tuple_or_list(a, b):
    return len(a) == len(b) and all(np.allclose(x, y) for x, y in zip(a, b))

def are_dicts_close(a, b, rtol=1e-05, atol=1e-08):
    return a.keys() == b.keys() and all(np.allclose(a[k], b[k], rtol=rtol, atol=atol) for k in a)

_cmp = types.ModuleType("scicode.compare.cmp")
_cmp.cmp_tuple_or_list, _cmp.are_dicts_close = cmp_tuple_or_list, are_dicts_close
for _name in ("scicode", "scicode.compare"):
    sys.modules[_name] = types.ModuleType(_name)
sys.modules["scicode.compare.cmp"] = _cmp

_scope = {"__name__": "__main__"}
exec(compile(_spec["setup"] + "\n" + _spec["program"], "solution.py", "exec"), _scope)
for _index, (_test, _target) in enumerate(zip(_spec["tests"], _spec["targets"])):
    _scope["target"] = _value(_target)
    exec(compile(_test, f"test_{_index + 1}.py", "exec"), _scope)
print("K2-SCICODE-DONE", _nonce)
"""


class MissingTargets(ValueError):
    """A step's targets are not in the HDF5 file."""


def read_targets(h5_path: str | Path, step_id: str, count: int) -> list[Any]:
    """The `count` targets of one step from SciCode's `test_data.h5`, as plain Python/NumPy values."""
    import h5py

    with h5py.File(h5_path, "r") as handle:
        targets = []
        for number in range(1, count + 1):
            path = f"{step_id}/test{number}"
            if path not in handle:
                raise MissingTargets(f"{path} is not in {Path(h5_path).name}")
            group = handle[path]
            values = [_read(group[key]) for key in group]
            targets.append(values[0] if len(values) == 1 else tuple(values))
        return targets


def _read(node) -> Any:
    import h5py

    if isinstance(node, h5py.Dataset):
        value = node[()]
        return value.decode("utf-8") if isinstance(value, bytes) else value
    keys = list(node)
    if keys == ["list"]:
        return [_read(node["list"][key]) for key in node["list"]]
    if "sparse_matrix" in keys:
        raise MissingTargets("sparse-matrix targets need SciPy, which the sandbox does not have")
    return {_key(key): _read(node[key]) for key in keys}


def _key(key: str) -> Any:
    try:
        return float(key)
    except ValueError:
        return key


def encode_targets(targets: list[Any]) -> tuple[list[Any], str]:
    """(a JSON description of each target, base64 of an .npz holding its arrays)."""
    import numpy as np

    arrays: dict[str, Any] = {}

    def describe(value: Any) -> Any:
        if isinstance(value, str):
            return {"t": "str", "v": value}
        if isinstance(value, tuple | list):
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {"t": kind, "v": [describe(item) for item in value]}
        if isinstance(value, dict):
            return {"t": "dict", "v": [[key, describe(item)] for key, item in value.items()]}
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)
        return {"t": "array", "k": key}

    described = [describe(target) for target in targets]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return described, base64.b64encode(buffer.getvalue()).decode()


class SciCodeVerifier(RuleVerifier):
    """Runs the response's program against every step's SciCode tests in the sandbox."""

    name = "scicode"

    def __init__(self, timeout: float = 60.0, memory_mb: int = 2048) -> None:
        self.limits = Limits(wall_time=timeout, memory_mb=memory_mb)

    def check(self, response: str, problem: Problem) -> Verdict:
        truth = problem.ground_truth
        if isinstance(truth, str):
            truth = json.loads(truth)
        program = extract_program(response)
        if program is None:
            return verdict(0.0, None, "no_code")
        passed = 0
        for step in truth["steps"]:
            try:
                targets = read_targets(truth["h5"], step["id"], len(step["tests"]))
            except MissingTargets as error:
                return verdict(0.0, None, "bad_ground_truth", error=str(error), step=step["id"])
            described, arrays = encode_targets(targets)
            nonce = secrets.token_hex(16)
            spec = {
                "nonce": nonce,
                "setup": truth.get("setup", ""),
                "program": program,
                "tests": step["tests"],
                "targets": described,
            }
            result = run(RUNNER, stdin=json.dumps(spec) + "\n" + arrays + "\n", limits=self.limits)
            if result.status != "ok" or f"K2-SCICODE-DONE {nonce}" not in result.stdout:
                failure = (result.stderr.strip().splitlines() or [result.status])[-1][:300]
                return verdict(
                    0.0, None, "failed", step=step["id"], status=result.status, error=failure
                )
            passed += 1
        return verdict(1.0, None, "passed", steps=passed)
