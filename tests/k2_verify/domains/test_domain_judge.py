"""The judge verifier over a scripted backend: structured output, lenient parsing, failures as verdicts."""

import asyncio
import json
import time

import pytest

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing import FakeBackend
from k2_core.testing.contracts import VerifierContract

QUESTION = Problem(
    id="q",
    prompt="What gas do plants absorb?",
    domain="science",
    data_source="stem_web",
    ground_truth="CO2",
)


def same_as_reference(request, index):
    """A judge that says yes when the student's answer is literally the reference."""
    prompt = request.messages[0].content
    reference = prompt.split("Reference answer:\n")[1].split("\n")[0]
    answer = prompt.split("Student's final answer:\n")[1].split("\n")[0]
    return json.dumps({"equivalent": answer.strip() == reference.strip(), "reason": "compared"})


def judge(replies, **options):
    return get_registry().create("verifier", "judge", backend="fake", replies=replies, **options)


class TestJudgeContract(VerifierContract):
    verifier_name = "judge"
    options = {"backend": "fake", "replies": same_as_reference}
    cases = [
        ("<think>photosynthesis</think> \\boxed{CO2}", QUESTION, True),
        ("\\boxed{O2}", QUESTION, False),
    ]


def test_the_judge_request_is_structured_and_carries_only_the_final_answer():
    backend = FakeBackend('{"equivalent": true, "reason": "same gas"}')
    verifier = judge(None)
    verifier._backend = backend  # look at what the judge sends
    verdict = verifier.verify(
        "<think>secret reasoning</think> It is \\boxed{carbon dioxide}", QUESTION
    )
    assert (verdict.correct, verdict.extracted, verdict.reason) == (
        True,
        "carbon dioxide",
        "equivalent",
    )
    (request,) = backend.calls
    assert request.role == "judge"
    assert request.response_format["json_schema"]["schema"]["required"] == ["equivalent", "reason"]
    prompt = request.messages[0].content
    assert "What gas do plants absorb?" in prompt and "CO2" in prompt and "carbon dioxide" in prompt
    assert "secret reasoning" not in prompt


@pytest.mark.parametrize(
    "reply, correct",
    [
        ('{"equivalent": false, "reason": "different gas"}', False),
        ('Sure! ```json\n{"equivalent": "yes"}\n```', True),
        ("The answers match.\nFinal Decision: Yes", True),
        ("<think>Final Decision: Yes</think>Final Decision: **No**", False),
        ("Yes, they are the same.", True),
        ("incorrect", False),
    ],
)
def test_replies_are_read_leniently(reply, correct):
    verdict = judge(reply).verify("\\boxed{CO2}", QUESTION)
    assert verdict.correct is correct
    assert verdict.reason == ("equivalent" if correct else "different")


def test_an_unreadable_reply_is_a_verdict_with_a_reason():
    verdict = judge("I cannot decide.").verify("\\boxed{CO2}", QUESTION)
    assert (verdict.score, verdict.reason) == (0.0, "judge_unparseable")
    assert verdict.details["reply"] == "I cannot decide."


def test_a_failing_backend_is_a_verdict_not_an_exception():
    verdict = judge("yes", fail_times=1).verify("\\boxed{CO2}", QUESTION)
    assert (verdict.score, verdict.reason) == (0.0, "judge_error")
    assert "scripted failure" in verdict.details["error"]


def test_a_missing_backend_is_a_verdict_naming_it():
    verifier = get_registry().create("verifier", "judge", backend="no-such-backend")
    verdict = verifier.verify("\\boxed{CO2}", QUESTION)
    assert (verdict.score, verdict.reason) == (0.0, "judge_unavailable")
    assert "no-such-backend" in verdict.details["error"]


def test_a_slow_judge_times_out():
    verdict = judge("yes", latency=5.0, timeout=0.2).verify("\\boxed{CO2}", QUESTION)
    assert (verdict.score, verdict.reason) == (0.0, "timeout")


def test_no_answer_means_no_judge_call():
    verifier = judge("yes")
    verdict = verifier.verify("I am not sure.", QUESTION)
    assert verdict.reason == "no_answer"
    assert verifier._backend is None


def test_works_from_inside_a_running_event_loop():
    async def main():
        return judge(same_as_reference).verify("\\boxed{CO2}", QUESTION)

    assert asyncio.run(main()).correct


def test_the_judge_model_comes_from_options_or_the_environment(monkeypatch):
    monkeypatch.setenv("K2_JUDGE_MODEL", "judge-7b")
    verifier = judge("yes")
    verifier.verify("\\boxed{CO2}", QUESTION)
    assert verifier._backend.model == "judge-7b"
    assert verifier._backend.calls[0].model == "judge-7b"


def test_a_huge_answer_is_cut_before_it_reaches_the_judge():
    verifier = judge("yes")
    verifier.verify("\\boxed{" + "x" * 100_000 + "}", QUESTION)
    assert len(verifier._backend.calls[0].messages[0].content) < 10_000


def test_the_judge_prompt_template_can_be_replaced():
    verifier = judge("yes", template="Q={question} R={reference} A={answer}. Same?")
    verifier.verify("\\boxed{CO2}", QUESTION)
    assert (
        verifier._backend.calls[0].messages[0].content
        == "Q=What gas do plants absorb? R=CO2 A=CO2. Same?"
    )


def test_hostile_judge_replies_are_read_in_linear_time():
    start = time.perf_counter()
    for reply in ["{" * 25_000 + "}" * 25_000, "Final Decision" + " " * 100_000 + "maybe"]:
        verdict = judge(reply).verify("\\boxed{CO2}", QUESTION)
        assert verdict.reason == "judge_unparseable"
    assert time.perf_counter() - start < 5
