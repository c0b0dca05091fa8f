"""Turn a program plus functional tests into one program whose success cannot be faked.

The exit code proves nothing: a program may `sys.exit(0)`, `os._exit(0)`, register an `atexit`
hook or replace `sys.excepthook` before or instead of running the tests. So success is proven by a
secret token, fresh for every run, that only the harness prints:

- `call` tests: the harness calls the function on each argument list and prints
  `TOKEN index json(result)` on its own line; the verifier compares those results with the
  expected values, which never enter the sandbox.
- `assert` tests (Guru `functional` code): the test statements run after the program, then the
  harness prints `TOKEN` alone on a line; no token line, no pass.

The program runs in the same process as the harness, so a program written to search its own
memory for the token could still find it; the early-exit tricks above cannot.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

# Names LeetCode-style solutions use without importing them (LiveCodeBench adds the same).
PRELUDE = """\
from typing import *
import bisect, collections, functools, heapq, itertools, math, random, re, string, sys
from bisect import *
from collections import *
from functools import *
from heapq import *
from itertools import *
from math import *
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

{code}

print("\\n" + {token!r})
"""


def new_token() -> str:
    return secrets.token_hex(16)


def call_program(program: str, fn_name: str, arguments: list[list[Any]], token: str) -> str:
    """`program` followed by a harness that prints each call's result after `token`."""
    cases = json.dumps(arguments)
    return PRELUDE + program + CALL.format(fn_name=fn_name, token=token, cases=cases)


def assert_program(program: str, test_code: str, token: str) -> str:
    """`program` followed by `test_code`, then `token` printed once every assertion held."""
    return PRELUDE + program + ASSERT.format(code=test_code, token=token)


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
