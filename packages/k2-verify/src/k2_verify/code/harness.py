"""Turn a program plus functional tests into one program whose success cannot be faked.

The exit code proves nothing: a program may `sys.exit(0)`, `os._exit(0)`, register an `atexit`
hook or replace `sys.excepthook` before or instead of running the tests. So success is proven by a
secret token, fresh for every run, that only the harness prints:

- `call` tests: the harness calls the function on each argument list and prints
  `TOKEN index json(result)` on its own line; the verifier compares those results with the
  expected values, which never enter the sandbox.
- `assert` tests (Guru `functional` code): the test statements run after the program, then the
  harness prints `TOKEN` alone on a line; no token line, no pass. Their `assert a == b` only
  holds for builtin values, so an object whose `__eq__` always says True does not pass either.

The program runs in the same process as the harness, so a program written to search its own
memory for the token could still find it; the early-exit tricks above cannot.
"""

from __future__ import annotations

import ast
import json
import secrets
from typing import Any

# Names LeetCode-style solutions use without importing them (LiveCodeBench adds the same); the
# last line restores builtins that `math` shadows (`pow`).
PRELUDE = """\
from typing import *
import bisect, collections, functools, heapq, itertools, math, random, re, string, sys
from bisect import *
from collections import *
from functools import *
from heapq import *
from itertools import *
from math import *
from builtins import *
"""

CALL = """

def _k2_run_calls(fn_name, token, cases):
    import json as _json, sys as _sys
    owner = globals().get("Solution")
    function = getattr(owner(), fn_name) if owner is not None else globals()[fn_name]
    for index, args in enumerate(_json.loads(cases)):
        result = function(*args)
        _sys.stdout.write("\\n%s %d %s\\n" % (token, index, _json.dumps(result, default=repr)))
        _sys.stdout.flush()


_k2_run_calls({fn_name!r}, {token!r}, {cases!r})
"""

ASSERT = """

def _k2_equal(actual, expected, _type=type, _all=all, _plain={plain}):
    def plain(value):
        kind = _type(value)
        if kind in (list, tuple, set, frozenset):
            return _all(plain(item) for item in value)
        if kind is dict:
            return _all(plain(key) and plain(item) for key, item in value.items())
        return kind in _plain
    return plain(actual) and plain(expected) and actual == expected


{code}

print("\\n" + {token!r})
"""
PLAIN_TYPES = "(int, float, complex, str, bytes, bool, type(None))"


class _PlainEquality(ast.NodeTransformer):
    """Turns `assert a == b` into `assert _k2_equal(a, b)`, which only trusts builtin values.

    An object whose `__eq__` always says True (a known reward hack) then fails the assertion.
    """

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
            call = ast.Call(ast.Name("_k2_equal", ast.Load()), [test.left, test.comparators[0]], [])
            node.test = ast.copy_location(call, test)
        return self.generic_visit(node)


def new_token() -> str:
    return secrets.token_hex(16)


def call_program(program: str, fn_name: str, arguments: list[list[Any]], token: str) -> str:
    """`program` followed by a harness that prints each call's result after `token`."""
    cases = json.dumps(arguments)
    return PRELUDE + program + CALL.format(fn_name=fn_name, token=token, cases=cases)


def assert_program(program: str, test_code: str, token: str) -> str:
    """`program` followed by `test_code`, then `token` printed once every assertion held.

    Equality assertions in `test_code` accept builtin values only (see `_PlainEquality`).
    """
    try:
        tree = ast.fix_missing_locations(_PlainEquality().visit(ast.parse(test_code)))
        test_code = ast.unparse(tree)
    except (SyntaxError, RecursionError, ValueError):
        pass  # left as is: it fails in the sandbox like any broken test
    return PRELUDE + program + ASSERT.format(code=test_code, token=token, plain=PLAIN_TYPES)


def call_results(stdout: str, token: str) -> dict[int, Any]:
    """The results the call harness printed, by test index (only lines that carry the token)."""
    results = {}
    for line in stdout.splitlines():
        marker, _, rest = line.partition(" ")
        if marker != token:
            continue
        index, _, value = rest.partition(" ")
        try:
            results[int(index)] = json.loads(value)
        except ValueError:
            continue
    return results


def assertions_passed(stdout: str, token: str) -> bool:
    return token in stdout.splitlines()
