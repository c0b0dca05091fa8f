"""The `code` verifier: run the response's program against the problem's tests in the sandbox.

Score 1.0 only when every test passes (the Guru rule); `details` carries the fraction passed and
each test's status: `passed`, `wrong_answer`, a sandbox status (`timeout`, `runtime_error`,
`memory_limit`, `output_limit`, `killed`), or `skipped` after the first failure (the default stops
there, for speed; `stop_at_first_failure=False` runs them all).

Budgets are per test: `timeout` seconds for each test (30 by default: Guru's budget for a program,
given to every test, so a correct program with 40 tests is never cut short). Call- and
assert-based tests run in one sandbox run whose clock is `timeout` per test.

Safe from many threads and processes at once.
"""

from __future__ import annotations

from k2_core import Problem, Verdict
from k2_core.errors import InputError

from ..base import RuleVerifier, verdict
from ..sandbox import Limits, RunResult, run
from .compare import outputs_match, values_match
from .extract import extract_program
from .harness import decode, encode, harness_source, results, tests_input
from .tests import BadTests, Suite, read_suite


class CodeVerifier(RuleVerifier):
    """Options: `timeout` (seconds per test), `memory_mb`, `stop_at_first_failure`, `isolation`
    (a sandbox mechanism name, `"none"` to opt out)."""

    name = "code"
    needs_ground_truth = True

    def __init__(
        self,
        timeout: float = 30.0,
        memory_mb: int = 1024,
        stop_at_first_failure: bool = True,
        isolation: str | None = None,
        **_options,
    ) -> None:
        for option, value in (("timeout", timeout), ("memory_mb", memory_mb)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise InputError(
                    f"code verifier {option}={value!r} must be a positive number",
                    "leave it out for the default (30 s per test, 1024 MB)",
                )
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.stop_at_first_failure = stop_at_first_failure
        self.isolation = isolation

    def check(self, response: str, problem: Problem) -> Verdict:
        program = extract_program(response)
        if program is None:
            return verdict(0.0, None, "no_code")
        try:
            suite = read_suite(problem.ground_truth, problem.meta)
        except BadTests as error:
            return verdict(0.0, program, "no_tests", error=str(error))
        if suite.kind == "stdin":
            statuses = self._run_stdin(program, suite)
        else:
            statuses = self._run_harness(program, suite)
        passed = statuses.count("passed")
        failure = next((s for s in statuses if s != "passed"), None)
        return verdict(
            1.0 if failure is None else 0.0,
            program,
            failure or "passed",
            passed=passed,
            total=len(statuses),
            fraction=passed / len(statuses),
            tests=statuses,
        )

    def _limits(self, tests: int = 1) -> Limits:
        return Limits(wall_time=self.timeout * tests, memory_mb=self.memory_mb)

    def _run(self, source: str, stdin: str, limits: Limits) -> RunResult:
        return run(source, stdin, limits, self.isolation)

    def _run_stdin(self, program: str, suite: Suite) -> list[str]:
        statuses: list[str] = []
        for stdin, expected in suite.cases:
            if statuses and statuses[-1] != "passed" and self.stop_at_first_failure:
                statuses.append("skipped")
                continue
            result = self._run(program, stdin, self._limits())
            if result.status != "ok":
                statuses.append(result.status)
            else:
                statuses.append(
                    "passed" if outputs_match(result.stdout, expected) else "wrong_answer"
                )
        return statuses

    def _run_harness(self, program: str, suite: Suite) -> list[str]:
        """Call- and assert-based tests: the harness's test process reports each outcome."""
        spec = {"kind": suite.kind, "budget": self.timeout}
        if suite.kind == "assert":
            spec["code"] = suite.code
            tests = 1
        else:
            spec.update(fn_name=suite.fn_name, cases=[encode(args) for args, _ in suite.cases])
            tests = len(suite.cases)
        result = self._run(harness_source(program), tests_input(spec), self._limits(tests))
        outcomes = results(result.stdout)
        failed = result.status if result.status != "ok" else "wrong_answer"
        if suite.kind == "assert":
            passed = any(line.get("passed") is True for line in outcomes)
            return ["passed" if passed else failed]
        values = {line["index"]: line for line in outcomes if isinstance(line.get("index"), int)}
        statuses: list[str] = []
        for index, (_, expected) in enumerate(suite.cases):
            line = values.get(index)
            if statuses and statuses[-1] != "passed" and self.stop_at_first_failure:
                statuses.append("skipped")
            elif line is None:
                statuses.append(failed)
            elif "error" in line:
                statuses.append("timeout" if line["error"] == "timeout" else "runtime_error")
            elif values_match(decode(line.get("value")), expected):
                statuses.append("passed")
            else:
                statuses.append("wrong_answer")
        return statuses
