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
        '{"output": "[1, 2, 4]"}',
        '{"output": [true, 2, 3]}',
        '{"output": ["1", 2, 3]}',
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


# Guru's CodeI/O ground truths come as a fragment, `"output": {...}`, and models often answer with a
# bare ```json fence and no <answer> tag. Reasoning360's codeio reward reads the first fence, takes
# its "output" (or "input", or the whole object), wraps the fragment in braces, and reads JSON inside
# strings and "true"/"false" on both sides before comparing.
FRAGMENT = '"output": {"answer": "true", "path": "[1, 2]", "cost": 3.5}'


@pytest.mark.parametrize(
    "response",
    [
        '<think>run it</think>\n```json\n{"output": {"answer": true, "path": [1, 2], "cost": 3.5}}\n```',
        '```json\n{"answer": true, "path": [1, 2], "cost": 3.50}\n```',
        '```json {"output": {"cost": 3.5, "path": "[1,2]", "answer": "true"}}```',
        '<answer>{"output": {"answer": true, "path": [1, 2], "cost": 3.5}}</answer>',
    ],
)
def test_a_fenced_answer_matches_a_fragment_ground_truth(simulation, response):
    verdict = simulation.verify(response, problem(FRAGMENT))
    assert verdict.correct, verdict


@pytest.mark.parametrize(
    "response",
    [
        '```json\n{"output": {"answer": false, "path": [1, 2], "cost": 3.5}}\n```',
        '```json\n{"answer": true, "path": [2, 1], "cost": 3.5}\n```',
        '```json\n{"input": {"answer": true, "path": [1, 2], "cost": 3.5}}\n```',
        "The output is answer=true, path=[1, 2], cost=3.5.",
    ],
)
def test_a_wrong_fenced_answer_against_a_fragment_is_wrong(simulation, response):
    assert not simulation.verify(response, problem(FRAGMENT)).correct


def test_an_input_fragment_is_read_the_same_way(simulation):
    truth = problem('"input": {"upper_limit": 2719}')
    assert simulation.verify('```json\n{"input": {"upper_limit": 2719}}\n```', truth).correct
    assert simulation.verify('```json\n{"upper_limit": 2719}\n```', truth).correct
    assert not simulation.verify('```json\n{"upper_limit": 2924}\n```', truth).correct
