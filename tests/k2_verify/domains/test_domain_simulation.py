"""The simulation verifier: CodeI/O predictions compared as normalised JSON."""

import pytest

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract


def problem(ground_truth):
    return Problem(
        id="p",
        prompt="",
        domain="simulation",
        data_source="simulation__codeio",
        ground_truth=ground_truth,
    )


@pytest.fixture
def simulation():
    return get_registry().create("verifier", "simulation")


class TestSimulationContract(VerifierContract):
    verifier_name = "simulation"
    cases = [
        (
            '```json\n{"output": {"a": 1, "b": [1.5, "x"]}}\n```',
            problem({"output": {"b": [1.5, "x"], "a": 1}}),
            True,
        ),
        ('```json\n{"output": {"a": 2}}\n```', problem({"output": {"a": 1}}), False),
    ]


@pytest.mark.parametrize(
    "response",
    [
        '<think>maybe {"output": 0}</think>\n```json\n{ "output" :  [1, 2.0, 3e0] }\n```',
        '<answer>{"output": [1.0, 2, 3]}</answer>',
        'So the result is {"output": [1, 2, 3]}.',
        '```json\n{"output": [1.0000000001, 2, 3]}\n```',
    ],
)
def test_equal_json_in_any_formatting_is_right(simulation, response):
    assert simulation.verify(response, problem('{"output": [1, 2, 3]}')).correct


def test_input_predictions_compare_the_input_key(simulation):
    truth = problem({"input": {"n": 3, "s": "ab"}})
    assert simulation.verify('```json\n{"input": {"s": "ab", "n": 3}}\n```', truth).correct
    verdict = simulation.verify('```json\n{"output": {"s": "ab", "n": 3}}\n```', truth)
    assert (verdict.correct, verdict.reason) == (False, "missing_key")


@pytest.mark.parametrize(
    "predicted",
    [
        '{"output": [1, 2]}',
        '{"output": [1, 2, 4]}',
        '{"output": "[1, 2, 3]"}',
        '{"output": [true, 2, 3]}',
    ],
)
def test_different_values_and_types_are_wrong(simulation, predicted):
    assert not simulation.verify(
        f"```json\n{predicted}\n```", problem({"output": [1, 2, 3]})
    ).correct


def test_only_the_last_json_block_counts(simulation):
    response = '```json\n{"output": 1}\n```\nNo wait:\n```json\n{"output": 2}\n```'
    assert simulation.verify(response, problem({"output": 2})).correct
    assert not simulation.verify(response, problem({"output": 1})).correct


@pytest.mark.parametrize(
    "response, reason",
    [
        ("I think it prints 3", "no_answer"),
        ('```json\n{"output": [1, 2,\n```', "no_answer"),
        ("```json\n{'output': [1, 2, 3]}\n```", "no_answer"),  # Python literals are not evaluated
        ('```json\n{"output": ' + "[" * 5000 + "]" * 5000 + "}\n```", "no_answer"),
        ('```json\n{"output": __import__("os").getcwd()}\n```', "no_answer"),
    ],
)
def test_malformed_and_adversarial_predictions_score_zero(simulation, response, reason):
    verdict = simulation.verify(response, problem({"output": [1, 2, 3]}))
    assert (verdict.score, verdict.reason) == (0.0, reason)


def test_huge_integers_compare_exactly(simulation):
    assert simulation.verify(f'{{"output": {10**40 + 1}}}', problem({"output": 10**40 + 1})).correct
    assert not simulation.verify(f'{{"output": {10**40}}}', problem({"output": 10**40 + 1})).correct
