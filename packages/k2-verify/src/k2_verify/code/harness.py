"""Functional tests whose verdict the program cannot forge: the program and the tests run in two
processes, and only values cross between them.

Inside the sandbox the harness forks before anything untrusted runs:

- the **program process** runs the program (its prints go to stderr) and then only answers
  requests on a pipe: "call this function / method with these arguments", replying with the
  result encoded as plain data (see `encode`). Methods are looked up in the `__dict__` of the
  classes the program defines, never through `__getattr__` or `__getattribute__`, so a class that
  "answers any method" has no method at all.
- the **test process** is not dumpable (the program cannot read its memory or its descriptors)
  and alone holds the run's stdout. Only after the fork does it read the tests from stdin, so
  they never exist in the program's memory. Call-based tests: it sends each argument list and
  prints each decoded result; the verifier compares them with expected values that never enter the
  sandbox. Assert-based tests (Guru `functional` code): it runs the test code with stand-ins for
  the program's functions and classes; their results arrive decoded into plain values, so an
  object "equal to everything" cannot exist there, and no success token exists to print.

The program can exit, kill the test process or lie on the pipe: all of that only fails tests.

This module is standard library only: its source is shipped into the sandbox as the harness.
"""

from __future__ import annotations

import json
import math
import os
import select
import sys
import types

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
PR_SET_DUMPABLE = 4


# --- plain data both ways -----------------------------------------------------------------------


def encode(value, seen=None):
    """A JSON-ready form of `value` that keeps tuples, sets, non-string keys and objects."""
    seen = {} if seen is None else seen
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return {"$float": repr(float(value))} if not math.isfinite(value) else float(value)
    if isinstance(value, list):
        return [encode(item, seen) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(item, seen) for item in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [encode(item, seen) for item in value]}
    if isinstance(value, dict):
        return {"$dict": [[encode(k, seen), encode(v, seen)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if id(value) in seen:
        return {"$ref": seen[id(value)]}
    seen[id(value)] = len(seen)
    attributes = vars(value) if hasattr(value, "__dict__") else {}
    return {
        "$object": type(value).__name__,
        "$id": seen[id(value)],
        "attrs": {str(k): encode(v, seen) for k, v in attributes.items()},
    }


class Record:
    """An object that came over the pipe: its class name and attributes, compared by value."""

    def __init__(self, name):
        self.__class__ = type(name, (Record,), {})

    def __eq__(self, other):
        return type(other).__name__ == type(self).__name__ and vars(other) == vars(self)

    __hash__ = None


def decode(data, make=Record, objects=None):
    """Plain values from `encode`'s form; objects become `make(class name)` with attributes."""
    objects = {} if objects is None else objects
    if isinstance(data, list):
        return [decode(item, make, objects) for item in data]
    if not isinstance(data, dict):
        return data
    if "$tuple" in data:
        return tuple(decode(item, make, objects) for item in data["$tuple"])
    if "$set" in data:
        return {decode(item, make, objects) for item in data["$set"]}
    if "$dict" in data:
        return {decode(k, make, objects): decode(v, make, objects) for k, v in data["$dict"]}
    if "$float" in data:
        return float(data["$float"])
    if "$bytes" in data:
        return bytes.fromhex(data["$bytes"])
    if "$ref" in data:
        return objects[data["$ref"]]
    if "$object" in data:
        value = objects[data["$id"]] = make(str(data["$object"]))
        for key, item in data["attrs"].items():
            setattr(value, key, decode(item, make, objects))
        return value
    return {key: decode(item, make, objects) for key, item in data.items()}


# --- the program process --------------------------------------------------------------------


def defined(namespace, name):
    """The function or class `name` as the program defined it (no `__getattr__` synthesis)."""
    value = namespace.get(name)
    if not isinstance(value, (types.FunctionType, type)):
        raise LookupError(f"the program defines no function or class {name!r}")
    return value


def names(namespace):
    """`{name: "class" | "function"}` for what the program defines at top level."""
    found = {}
    for name, value in namespace.items():
        if getattr(value, "__module__", None) != "solution":
            continue
        if isinstance(value, type):
            found[name] = "class"
        elif isinstance(value, types.FunctionType):
            found[name] = "function"
    return found


def method(instance, name):
    """`instance.name` found in its class's `__dict__` chain, bound by hand."""
    for klass in type(instance).__mro__[:-1]:  # not `object`
        if name in vars(klass):
            attribute = vars(klass)[name]
            if isinstance(attribute, staticmethod):
                return attribute.__func__
            if isinstance(attribute, classmethod):
                return types.MethodType(attribute.__func__, type(instance))
            if isinstance(attribute, types.FunctionType):
                return types.MethodType(attribute, instance)
            break
    raise LookupError(f"{type(instance).__name__} defines no method {name!r}")


def serve_program(program, requests, replies):
    """Run the program, then answer call requests until the test process is done."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)  # the program's prints go to stderr; stdout belongs to the test process
    sys.stdin = open(0, closefd=False)
    module = types.ModuleType("solution")
    sys.modules["solution"] = module
    exec(compile(PRELUDE + program, "main.py", "exec"), module.__dict__)
    namespace = module.__dict__
    instances = []

    def make(name):
        klass = namespace.get(name)
        if isinstance(klass, type):
            return klass.__new__(klass)
        return types.SimpleNamespace()

    reader = os.fdopen(requests, "r")
    writer = os.fdopen(replies, "w")
    for line in reader:
        request = json.loads(line)
        try:
            args = decode(request.get("args", []), make)
            kwargs = decode(request.get("kwargs", {}), make)
            if request["op"] == "names":  # what the program itself defines, and of which kind
                reply = {"value": names(namespace)}
            elif request["op"] == "new":
                instances.append(defined(namespace, request["name"])(*args, **kwargs))
                reply = {"instance": len(instances) - 1}
            elif request.get("instance") is not None:
                target = method(instances[request["instance"]], request["name"])
                reply = {"value": encode(target(*args, **kwargs))}
            else:
                reply = {"value": encode(defined(namespace, request["name"])(*args, **kwargs))}
        except Exception as error:  # the program's failure, reported as a failed test
            reply = {"error": f"{type(error).__name__}: {error}"}
        writer.write(json.dumps(reply) + "\n")
        writer.flush()


# --- the test process -----------------------------------------------------------------------


class ProgramFailed(Exception):
    """A call into the program raised, timed out, or the program went away."""


class Program:
    """The test process's end of the pipe to the program process."""

    def __init__(self, requests, replies, budget):
        self.writer = os.fdopen(requests, "w")
        self.replies = replies
        self.buffer = b""
        self.budget = budget

    def ask(self, **request):
        try:
            self.writer.write(json.dumps(request) + "\n")
            self.writer.flush()
        except OSError:
            raise ProgramFailed("the program exited") from None
        return self._reply()

    def _reply(self):
        while b"\n" not in self.buffer:
            if not select.select([self.replies], [], [], self.budget)[0]:
                raise ProgramFailed("timeout")
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise ProgramFailed("the program exited")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        reply = json.loads(line)
        if not isinstance(reply, dict):
            raise ProgramFailed("a malformed reply")
        if "error" in reply:
            raise ProgramFailed(str(reply["error"]))
        return reply

    def value(self, **request):
        return decode(self.ask(**request).get("value"))


def stand_in(program, name, kind):
    """What the test code sees for the program's function or class `name`."""

    def call(*args, **kwargs):
        return program.value(op="call", name=name, args=encode(args), kwargs=encode(kwargs))

    class Instance:
        def __init__(self, number):
            self._number = number

        def __getattr__(self, attribute):
            def bound(*args, **kwargs):
                return program.value(
                    op="call",
                    instance=self._number,
                    name=attribute,
                    args=encode(args),
                    kwargs=encode(kwargs),
                )

            return bound

    class Class:
        def __call__(self, *args, **kwargs):
            reply = program.ask(op="new", name=name, args=encode(args), kwargs=encode(kwargs))
            return Instance(reply["instance"])

    return Class() if kind == "class" else call


def run_tests(spec, program, out):
    """Run the call-based or assert-based tests in `spec`, printing one JSON line per outcome."""
    if spec["kind"] == "call":
        names = program.value(op="names")
        instance = None
        if "Solution" in names:
            instance = program.ask(op="new", name="Solution")["instance"]
        for index, args in enumerate(spec["cases"]):
            request = {"op": "call", "name": spec["fn_name"], "args": args, "instance": instance}
            try:
                line = {"index": index, "value": encode(program.value(**request))}
            except ProgramFailed as error:
                line = {"index": index, "error": str(error)}
            out.write(json.dumps(line) + "\n")
            out.flush()
            if "error" in line:
                return
        return
    namespace = {"__name__": "__main__"}
    exec(PRELUDE, namespace)
    for name, kind in program.value(op="names").items():
        namespace[name] = stand_in(program, name, kind)
    try:
        exec(compile(spec["code"], "tests.py", "exec"), namespace)
        line = {"passed": True}
    except AssertionError as error:
        line = {"passed": False, "error": f"AssertionError: {error}"}
    except ProgramFailed as error:
        line = {"passed": False, "error": str(error)}
    out.write(json.dumps(line) + "\n")
    out.flush()


def main(program):
    """The harness: fork the program process, then read the tests and run them."""
    to_program, from_tests = os.pipe()
    to_tests, from_program = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(from_tests)
        os.close(to_tests)
        try:
            serve_program(program, to_program, from_program)
        except BaseException:  # the program's own error, shown as `python main.py` would
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    os.close(to_program)
    os.close(from_program)
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # before the tests are read
    spec = json.loads(sys.stdin.read())
    sys.setrecursionlimit(100_000)
    try:
        run_tests(spec, Program(from_tests, to_tests, spec["budget"]), sys.stdout)
    except ProgramFailed as error:
        print(json.dumps({"error": str(error)}))
    sys.stdout.flush()
    os.kill(child, 9)
    os._exit(0)


def harness_source(program: str) -> str:
    """The source the sandbox runs: this module, then `main(program)`."""
    with open(__file__, encoding="utf-8") as file:
        own = file.read()
    return own + f"\n\nmain({program!r})\n"


def tests_input(spec: dict) -> str:
    """The sandbox's stdin: the tests, which only the test process reads."""
    return json.dumps(spec)


def results(stdout: str) -> list[dict]:
    """The outcome lines the test process printed (anything else is ignored)."""
    found = []
    for line in stdout.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found
