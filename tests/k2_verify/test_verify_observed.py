"""The observation hooks fire once per verdict wherever k2-verify scores: a registry-made verifier,
`verify()`, and `VerifyPool` (announced in the calling process, whatever the workers)."""

import pytest

from k2_core import Problem, Verdict, get_registry, hookimpl
from k2_verify import verify
from k2_verify.pool import Job, VerifyPool


def test_a_created_verifier_fires_once_per_verdict(k2_events):
    verifier = get_registry().verifier(domain="math")
    problem = Problem(id="1", prompt="2 + 2?", domain="math", ground_truth="4")
    assert verifier.verify("\\boxed{4}", problem).correct
    assert not verifier.verify("\\boxed{5}", problem).correct
    assert k2_events == [("verdict", "\\boxed{4}", True), ("verdict", "\\boxed{5}", False)]


def test_verify_fires_once_and_a_raising_verifier_still_yields_a_verdict(k2_events, k2_plugin):
    class Raises:
        name = "raises"
        needs_ground_truth = True

        def verify(self, response, problem):
            raise ValueError("bad verifier")

    class Plugin:
        @hookimpl
        def k2_register_verifiers(self, register):
            register("raises", Raises, domains=["raises"])

    k2_plugin(Plugin(), name="raising-verifier")
    assert verify("\\boxed{4}", "4").correct
    verdict = verify("x", "y", "raises")
    assert verdict == Verdict(0.0, False, None, "error", {"error": "ValueError: bad verifier"})
    assert k2_events == [("verdict", "\\boxed{4}", True), ("verdict", "x", False)]


@pytest.mark.parametrize("workers", [0, 1])
def test_pool_verdicts_fire_once_each_in_the_calling_process(k2_events, workers):
    jobs = [Job("\\boxed{4}", "4"), Job("\\boxed{5}", "4"), Job("\\boxed{1/2}", "0.5")]
    with VerifyPool(workers=workers, timeout=20.0) as pool:
        verdicts = pool.map(jobs)
    assert [v.correct for v in verdicts] == [True, False, True]
    assert sorted(k2_events) == sorted(
        [("verdict", "\\boxed{4}", True), ("verdict", "\\boxed{5}", False)]
        + [("verdict", "\\boxed{1/2}", True)]
    )
