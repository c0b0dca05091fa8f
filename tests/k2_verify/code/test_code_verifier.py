"""The code verifier: extraction, test formats, comparison, early-exit tricks, routing, CLI."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner

from k2_core import Problem
from k2_core.testing.contracts import VerifierContract
from k2_verify.cli import cli
from k2_verify.code import CodeVerifier
from k2_verify.code.compare import outputs_match, values_match
from k2_verify.code.extract import extract_program
from k2_verify.code.tests import read_suite

ADD_STDIN = {"inputs": ["1 2\n", "10 -3\n"], "outputs": ["3\n", "7\n"]}
ADD_PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"
ADD_CALL_LCB = {
    "tests": [
        {"input": "1\n2", "output": "3", "testtype": "functional"},
        {"input": "10\n-3", "output": "7", "testtype": "functional"},
    ],
    "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n        ",
}
ADD_SOLUTION = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a + b\n"
ADD_ASSERTS = {"functional": "assert Solution().add(1, 2) == 3\nassert Solution().add(10, -3) == 7"}


def code(program: str) -> str:
    return f"</think>\n```python\n{program}```"


def problem(ground_truth, **meta) -> Problem:
    return Problem(id="p", prompt="", domain="code", ground_truth=ground_truth, meta=meta)


# --- extraction ---------------------------------------------------------------------------------


def test_extracts_the_last_python_block_after_thinking():
    response = (
        "<think>```python\nprint('draft')\n```</think>\n"
        "```python\nprint('first')\n```\ntext\n```bash\nls\n```\n```py\nprint('final')\n```"
    )
    assert extract_program(response) == "print('final')\n"


def test_untagged_blocks_count_and_incomplete_blocks_do_not():
    assert extract_program("```\nprint(1)\n```") == "print(1)\n"
    assert extract_program("```python\nprint(1)\n") is None
    assert extract_program("no code at all") is None


# --- comparison ---------------------------------------------------------------------------------


def test_outputs_compare_by_lines_and_tokens_with_float_tolerance():
    assert outputs_match("1 2\n3\n\n", "1  2\r\n3")
    assert outputs_match("0.3333333\n", "0.33333333333")
    assert not outputs_match("0.3334\n", "0.3333")
    assert not outputs_match("1 2 3\n", "1 2\n3\n")
    assert not outputs_match("Yes\n", "yes\n")


def test_integer_tokens_compare_exactly():
    assert not outputs_match("1000001\n", "1000000\n")
    assert not outputs_match("999999807\n", "1000000007\n")  # off by 200 at 1e9+7
    assert outputs_match("3.0\n", "3\n")
    assert outputs_match("1000000.0000001\n", "1000000.0\n")  # a float: within 1e-6


def test_extraction_is_linear_on_runs_of_backticks():
    started = time.monotonic()
    assert extract_program("`" * 210_000) is None
    assert extract_program("```\n" + "`" * 210_000) is None
    assert extract_program(("``` x\n" * 50_000) + "```python\nprint(1)\n```") is not None
    assert time.monotonic() - started < 1.0


def test_values_compare_as_json_with_tolerance_only_for_floats():
    assert values_match((1, [2.0000000001]), [1, [2.0]])
    assert not values_match((1, [2.0000000001]), [1, [2]])  # an expected int is exact
    assert not values_match(1_000_001, 1_000_000)
    assert values_match(3.0, 3)
    assert not values_match([1, 2], [2, 1])
    assert not values_match(True, 1)


# --- formats ------------------------------------------------------------------------------------


def test_reads_every_ground_truth_format_as_object_or_json():
    assert read_suite(json.dumps(ADD_STDIN)).kind == "stdin"
    assert read_suite(ADD_ASSERTS).kind == "assert"
    call = read_suite(json.dumps(ADD_CALL_LCB))
    assert (call.kind, call.fn_name, call.cases[1]) == ("call", "add", ([10, -3], 7))
    guru_call = read_suite({"inputs": [[1, 2]], "outputs": [3], "fn_name": "add"})
    assert (guru_call.kind, guru_call.cases) == ("call", [([1, 2], 3)])
    lcb = read_suite(ADD_CALL_LCB["tests"], {"fn_name": "plus"})
    assert lcb.fn_name == "plus"


@pytest.mark.parametrize(
    "ground_truth", [ADD_STDIN, json.dumps(ADD_STDIN), ADD_CALL_LCB, ADD_ASSERTS]
)
def test_right_program_scores_one(ground_truth):
    program = ADD_PROGRAM if "inputs" in str(ground_truth) else ADD_SOLUTION
    verdict = CodeVerifier().verify(code(program), problem(ground_truth))
    assert verdict.correct and verdict.score == 1.0 and verdict.reason == "passed", verdict


def test_bad_ground_truth_and_missing_code_give_clear_reasons():
    assert CodeVerifier().verify(code(ADD_PROGRAM), problem("not json")).reason == "no_tests"
    assert CodeVerifier().verify(code(ADD_PROGRAM), problem({"x": 1})).reason == "no_tests"
    assert CodeVerifier().verify("I think it's 3.", problem(ADD_STDIN)).reason == "no_code"


# --- scoring ------------------------------------------------------------------------------------


def test_partial_pass_scores_zero_and_stops_at_the_first_failure():
    program = "a, b = map(int, input().split())\nprint(a + b if a < 5 else 0)\n"
    tests = {"inputs": ["1 2\n", "10 -3\n", "1 1\n"], "outputs": ["3\n", "7\n", "2\n"]}
    verdict = CodeVerifier().verify(code(program), problem(tests))
    assert (verdict.score, verdict.reason) == (0.0, "wrong_answer")
    assert verdict.details["tests"] == ["passed", "wrong_answer", "skipped"]
    every = CodeVerifier(stop_at_first_failure=False).verify(code(program), problem(tests))
    assert every.details["tests"] == ["passed", "wrong_answer", "passed"]
    assert every.details["fraction"] == pytest.approx(2 / 3)


def test_runtime_errors_and_timeouts_are_reported_per_test():
    crash = CodeVerifier().verify(code("raise SystemExit(3)"), problem(ADD_STDIN))
    assert crash.reason == "runtime_error"
    started = time.monotonic()
    slow = CodeVerifier(timeout=2.0).verify(code("while True: pass"), problem(ADD_STDIN))
    assert slow.reason == "timeout" and not slow.correct
    assert time.monotonic() - started < 8


# --- early exits cannot fake a pass -------------------------------------------------------------

EARLY_EXITS = {
    "sys.exit": "import sys\nsys.exit(0)\n",
    "os._exit": "import os\nos._exit(0)\n",
    "atexit": "import atexit, os\natexit.register(lambda: os._exit(0))\nraise SystemExit(0)\n",
    "print-success": "print('All tests passed')\nprint('OK')\nimport sys\nsys.exit(0)\n",
}


@pytest.mark.parametrize("trick", sorted(EARLY_EXITS))
@pytest.mark.parametrize("tests", [ADD_CALL_LCB, ADD_ASSERTS], ids=["call", "assert"])
def test_exiting_before_the_tests_scores_zero_even_for_a_right_solution(trick, tests):
    verdict = CodeVerifier().verify(code(ADD_SOLUTION + EARLY_EXITS[trick]), problem(tests))
    assert verdict.score == 0.0 and not verdict.correct, (trick, verdict)
    assert CodeVerifier().verify(code(ADD_SOLUTION), problem(tests)).correct  # the control


@pytest.mark.parametrize("tests", [ADD_CALL_LCB, ADD_ASSERTS], ids=["call", "assert"])
def test_a_replaced_excepthook_cannot_hide_a_failure(tests):
    program = ADD_SOLUTION.replace("a + b", "a * b") + (
        "import sys, os\nsys.excepthook = lambda *a: (print('ok'), os._exit(0))\n"
    )
    verdict = CodeVerifier().verify(code(program), problem(tests))
    assert verdict.score == 0.0 and not verdict.correct


@pytest.mark.parametrize("tests", [ADD_CALL_LCB, ADD_ASSERTS], ids=["call", "assert"])
@pytest.mark.parametrize(
    "fake",
    [
        "class Fake:\n    def __eq__(self, other):\n        return True\n",
        "class Fake(int):\n    def __eq__(self, other):\n        return True\n",
    ],
    ids=["object", "int-subclass"],
)
def test_a_value_equal_to_everything_does_not_pass(tests, fake):
    program = fake + "class Solution:\n    def add(self, a, b):\n        return Fake(0)\n"
    assert not CodeVerifier().verify(code(program), problem(tests)).correct


def test_prelude_keeps_builtins_that_math_would_shadow():
    program = "class Solution:\n    def add(self, a, b):\n        return pow(a + b, 1, 1000)\n"
    assert CodeVerifier().verify(code(program), problem(ADD_CALL_LCB)).correct


# --- concurrency, routing, CLI ------------------------------------------------------------------


def test_safe_from_many_threads_at_once():
    verifier = CodeVerifier()
    results: dict[int, bool] = {}

    def check(index: int) -> None:
        program = ADD_PROGRAM if index % 2 else ADD_PROGRAM.replace("a + b", "a - b")
        results[index] = verifier.verify(code(program), problem(ADD_STDIN)).correct

    threads = [threading.Thread(target=check, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: bool(i % 2) for i in range(8)}


def test_routed_by_domain_and_guru_data_source():
    from k2_verify import verify

    assert verify(code(ADD_PROGRAM), ADD_STDIN, domain="code").correct
    routed = verify(code(ADD_SOLUTION), ADD_ASSERTS, domain="x", data_source="codegen__leetcode")
    assert routed.correct


class TestCodeVerifierContract(VerifierContract):
    verifier_name = "code"
    cases = [
        (code(ADD_PROGRAM), problem(ADD_STDIN), True),
        (code("print(3)\n"), problem(ADD_STDIN), False),
        (code(ADD_SOLUTION), problem(ADD_CALL_LCB), True),
    ]


def test_cli_run_shows_the_program_output_and_the_status(tmp_path):
    program = tmp_path / "sum.py"
    program.write_text("print(sum(map(int, input().split())))\n")
    stdin = tmp_path / "in.txt"
    stdin.write_text("4 5\n")
    result = CliRunner().invoke(cli, ["run", str(program), "--stdin", str(stdin), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stdout"] == "9\n"
    program.write_text("while True: pass\n")
    looping = CliRunner().invoke(cli, ["run", str(program), "--timeout", "1"])
    assert looping.exit_code == 1
    assert "timeout:" in looping.output


def test_cli_batch_scores_code_lines(tmp_path):
    lines = [
        {"id": "right", "response": code(ADD_PROGRAM), "ground_truth": ADD_STDIN, "domain": "code"},
        {
            "id": "wrong",
            "response": code("print(0)\n"),
            "ground_truth": ADD_STDIN,
            "domain": "code",
        },
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--workers", "1"])
    assert result.exit_code == 0, result.output
    verdicts = {row["id"]: row for row in map(json.loads, output.read_text().splitlines())}
    assert json.dumps(verdicts["right"]).count('"correct": true') == 1
    assert json.dumps(verdicts["wrong"]).count('"correct": true') == 0
