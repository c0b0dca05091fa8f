"""The `math` verifier through `k2_verify.verify`: routing, hooks, verdicts, adversarial input, time."""

from __future__ import annotations

import threading
import time

import pytest

from k2_core import Problem, UnknownNameError, hookimpl
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract
from k2_verify import verify

SLOW = "\\boxed{" + "5000!" * 58 + "}"  # exact products of ~1M digits: seconds of big-int work


def math_problem(truth):
    return Problem(id="p", prompt="", domain="math", ground_truth=truth)


class TestMathVerifierContract(VerifierContract):
    verifier_name = "math"
    cases = [
        ("<think>hmm</think>So $\\boxed{\\frac{1}{2}}$.", math_problem("0.5"), True),
        ("<answer>x = 3</answer>", math_problem("3"), True),
        ("The answer is 12.", math_problem("13"), False),
        ("\\boxed{1} or \\boxed{2}", math_problem("1"), False),
    ]


def test_routes_by_domain_and_by_data_source():
    registry = get_registry()
    assert registry.verifier_for("math").name == "math"
    assert registry.verifier_for(None, "math__aime_repeated_8x").name == "math"
    assert verify("\\boxed{7}", "7", data_source="math__aime").correct


def test_an_unknown_domain_is_a_clear_error():
    with pytest.raises(UnknownNameError, match="no verifier for domain 'alchemy'"):
        verify("\\boxed{7}", "7", "alchemy")


def test_every_verdict_reaches_the_observation_hook(k2_plugin):
    seen = []

    class Observer:
        @hookimpl
        def k2_on_verdict(self, problem, response, verdict):
            seen.append((problem.ground_truth, response, verdict.correct))

    k2_plugin(Observer(), name="observer")
    verify("\\boxed{4}", "4")
    verify("\\boxed{5}", "4")
    assert seen == [("4", "\\boxed{4}", True), ("4", "\\boxed{5}", False)]


def test_verdict_fields():
    verdict = verify("<think>..</think>\\boxed{\\dfrac{3}{4}}", "0.75")
    assert (verdict.score, verdict.correct, verdict.extracted, verdict.reason) == (
        1.0,
        True,
        "\\dfrac{3}{4}",
        "equivalent",
    )
    assert verdict.details["how"] == "boxed"


@pytest.mark.parametrize(
    "truth, correct", [(["7", "seven"], True), (7, True), (["8", "9"], False), (None, False)]
)
def test_ground_truth_forms(truth, correct):
    assert verify("\\boxed{7}", truth).correct is correct


def test_missing_ground_truth_is_a_verdict_not_an_error():
    assert verify("\\boxed{7}", None).reason == "no_ground_truth"


@pytest.mark.parametrize(
    "response, correct, reason",
    [
        ("It is \\boxed{1} or maybe \\boxed{2}.", False, "hedged"),
        ("First \\boxed{\\frac12}, that is \\boxed{0.5}.", True, "equivalent"),
        ("", False, "no_answer"),
        ("<think>still thinking about \\boxed{1}", False, "no_answer"),
    ],
)
def test_several_boxes_and_no_boxes(response, correct, reason):
    verdict = verify(response, "0.5" if "frac" in response else "1")
    assert (verdict.correct, verdict.reason) == (correct, reason)


def test_several_boxes_may_answer_a_question_in_parts():
    assert verify("(a) \\boxed{3} (b) \\boxed{5}", "3, 5").correct


@pytest.mark.parametrize(
    "response",
    [
        "\\boxed{10^{10^{10^{10}}}}",
        "x" * 100_000,
        "\\boxed{" + "x" * 100_000 + "}",
        "\\boxed{" + "{" * 5000 + "1" + "}" * 5000 + "}",
        "\\boxed{" * 2000,
        "\\boxed{" + "(" * 3000 + "1" + ")" * 3000 + "}",
        "\\boxed{" + "2^{" * 500 + "2" + "}" * 500 + "}",
        "The answer is " * 20_000,  # every cue states nothing: each is tried once, briefly
        "\\begin{align*} x &= 2 \\\\ " * 5000,  # blocks never closed
        "```\n" * 20_000,
        "Hope this helps!\n" * 20_000,
        "the answer to a b c d e f g h " * 10_000,
        "1/" * 6000,  # a fraction or a division: one reading only (two were exponential)
        "1 or " * 3000 + "x",
        "$1$, " * 3000 + "x",
        "1," * 6000,
        "9" * 12_000,
    ],
)
def test_adversarial_input_gets_a_verdict_in_time(response):
    start = time.monotonic()
    verdict = verify(response, "1", timeout=2.0)
    assert time.monotonic() - start < 10  # bounded: the timeout plus process start-up at most
    assert not verdict.correct
    assert verdict.reason in {"timeout", "unparseable", "no_answer", "different"}


def test_a_slow_comparison_times_out_and_the_next_one_works():
    start = time.monotonic()
    verdict = verify(SLOW, "1", timeout=0.3)
    assert verdict.reason == "timeout"
    assert time.monotonic() - start < 5
    assert verify(
        "\\boxed{2^{10}}", "1024", timeout=0.3 + 5
    ).correct  # the stuck worker was replaced


def test_set_operations_are_computed_in_the_timed_worker():
    alternating = "".join(
        f"({i},{i + 1}) \\cup " if i % 2 else f"[{i},{i}.5] \\setminus " for i in range(16)
    )  # under 300 characters, yet sympy takes most of a second over it
    start = time.monotonic()
    verdict = verify(f"\\boxed{{{alternating}(0,1)}}", "\\{1, 2\\}", timeout=0.1)
    assert verdict.reason == "timeout"
    assert time.monotonic() - start < 5
    assert verify("\\boxed{(0,3) \\setminus \\{1\\}}", "(0,1) \\cup (1,3)").correct


def test_timeout_from_a_thread():
    verdicts = []
    thread = threading.Thread(target=lambda: verdicts.append(verify(SLOW, "1", timeout=0.3)))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert verdicts[0].reason == "timeout"


def test_concurrent_threads_get_their_own_verdicts():
    results = {}

    def run(n):
        results[n] = verify(f"\\boxed{{2^{{{n}}}}}", str(2**n)).correct

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {n: True for n in range(8)}
