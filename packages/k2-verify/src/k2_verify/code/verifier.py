"""The `code` verifier: run the response's program against the problem's tests in the sandbox.

Score 1.0 only when every test passes (the Guru rule); `details` carries the fraction passed and
each test's status: `passed`, `wrong_answer`, a sandbox status (`timeout`, `runtime_error`,
`memory_limit`, `output_limit`, `killed`), or `skipped` after the first failure (the default stops
there, for speed; `stop_at_first_failure=False` runs them all).

Safe from many threads and processes at once; bounded by `timeout` seconds per response
(30 by default, as in Guru), `test_timeout` per test.
"""

from __future__ import annotations

import time

from k2_core import Problem, Verdict

from ..base import RuleVerifier, verdict
from ..sandbox import Limits, RunResult, run
from .compare import outputs_match, values_match
from .extract import extract_program
from .harness import assert_program, assertions_passed, call_program, call_results, new_token
from .tests import BadTests, Suite, read_suite


class CodeVerifier(RuleVerifier):
    """Options: `timeout` (s per response), `test_timeout` (s per test), `memory_mb`,
    `stop_at_first_failure`, `isolation` (a sandbox mechanism name, `"none"` to opt out)."""

    name = "code"
    needs_ground_truth = True

    def __init__(
        self,
        timeout: float = 30.0,
        test_timeout: float = 6.0,
        memory_mb: int = 1024,
        stop_at_first_failure: bool = True,
        isolation: str | None = None,
        **_options,
    ) -> None:
        self.timeout = timeout
        self.test_timeout = test_timeout
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
        deadline = time.monotonic() + self.timeout
        if suite.kind == "stdin":
            statuses = self._run_stdin(program, suite, deadline)
        else:
            statuses = self._run_harness(program, suite, deadline)
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

    def _limits(self, deadline: float, tests: int = 1) -> Limits:
        budget = min(self.test_timeout * tests, deadline - time.monotonic())
        return Limits(wall_time=max(budget, 0.1), memory_mb=self.memory_mb)

    def _run(self, source: str, stdin: str, limits: Limits) -> RunResult:
        return run(source, stdin, limits, self.isolation)

    def _run_stdin(self, program: str, suite: Suite, deadline: float) -> list[str]:
        statuses: list[str] = []
        for stdin, expected in suite.cases:
            if statuses and statuses[-1] != "passed" and self.stop_at_first_failure:
                statuses.append("skipped")
                continue
            if time.monotonic() >= deadline:
                statuses.append("timeout")
                continue
            result = self._run(program, stdin, self._limits(deadline))
            if result.status != "ok":
                statuses.append(result.status)
            else:
                statuses.append(
                    "passed" if outputs_match(result.stdout, expected) else "wrong_answer"
                )
        return statuses

    def _run_harness(self, program: str, suite: Suite, deadline: float) -> list[str]:
        token = new_token()
        if suite.kind == "assert":
            result = self._run(
                assert_program(program, suite.code, token), "", self._limits(deadline)
            )
            if assertions_passed(result.stdout, token):
                return ["passed"]
            return [result.status if result.status != "ok" else "wrong_answer"]
        arguments = [args for args, _ in suite.cases]
        source = call_program(program, suite.fn_name, arguments, token)
        result = self._run(source, "", self._limits(deadline, len(suite.cases)))
        results = call_results(result.stdout, token)
        statuses: list[str] = []
        for index, (_, expected) in enumerate(suite.cases):
            if statuses and statuses[-1] != "passed" and self.stop_at_first_failure:
                statuses.append("skipped")
            elif index not in results:
                statuses.append(result.status if result.status != "ok" else "wrong_answer")
            elif values_match(results[index], expected):
                statuses.append("passed")
            else:
                statuses.append("wrong_answer")
        return statuses
