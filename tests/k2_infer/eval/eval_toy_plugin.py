"""A test plugin: the `toy` benchmark (math rows from a local file) and the `exact` verifier.

`exact` marks a response correct when its `<answer>` content equals the ground truth exactly, so tests
know every verdict in advance without k2-verify. Loaded by conftest.py and by subprocess launchers.
"""

from __future__ import annotations

import sys

from k2_core import Verdict, hookimpl
from k2_infer.eval.benchmarks import Benchmark, HubSource, math_rows

TOY = Benchmark(
    "toy", "math", HubSource("k2-tests/toy", "test"), math_rows("toy__"), "toy rows", reported=50.0
)


class ExactVerifier:
    name = "exact"
    needs_ground_truth = True

    def verify(self, response, problem):
        start = response.rfind("<answer>")
        if start < 0:
            return Verdict(0.0, False, None, "no_answer")
        answer = response[start + len("<answer>") :].split("</answer>")[0].strip()
        correct = answer == problem.ground_truth
        return Verdict(float(correct), correct, answer, "equal" if correct else "different")


@hookimpl
def k2_register_verifiers(register):
    register("exact", ExactVerifier, data_sources=["toy__"])


@hookimpl
def k2_register_benchmarks(register):
    register("toy", TOY.factory)


def register_in_worker() -> None:
    """A Ray worker's setup hook (`worker_process_setup_hook`): this plugin is no installed package."""
    from k2_core.plugins import register_plugin

    register_plugin(sys.modules[__name__], name="toy")
