"""The logic verifier: zebra (partial credit), ordering, graph and ARC/BARC grids."""

import json

import pytest

from k2_core import Problem
from k2_core.registry import get_registry
from k2_core.testing.contracts import VerifierContract

ZEBRA = {"header": ["House", "Name", "Pet"], "rows": [["1", "Ann", "cat"], ["2", "Bob", "dog"]]}
GRID = [[0, 1], [2, 3]]


def problem(ground_truth, data_source="", **meta):
    return Problem(
        id="p",
        prompt="",
        domain="logic",
        data_source=data_source,
        ground_truth=ground_truth,
        meta=meta,
    )


def zebra(rows, header=("House", "Name", "Pet")):
    return json.dumps({"header": list(header), "rows": rows})


@pytest.fixture
def logic():
    return get_registry().create("verifier", "logic")


class TestLogicContract(VerifierContract):
    verifier_name = "logic"
    cases = [
        (
            f"<answer>{zebra(ZEBRA['rows'])}</answer>",
            problem(ZEBRA, "logic__zebra_puzzle_dataset"),
            True,
        ),
        (
            f"<answer>{zebra([['1', 'Bob', 'cat'], ['2', 'Ann', 'dog']])}</answer>",
            problem(ZEBRA),
            False,
        ),
        ("<answer>\n[[0, 1],\n [2, 3]]\n</answer>", problem(GRID, "simulation__arcagi1"), True),
        ("<answer>[[0, 1], [2, 4]]</answer>", problem(GRID, "simulation__barc"), False),
    ]


def test_zebra_partial_credit_is_the_fraction_of_matching_cells(logic):
    response = (
        f"<think>...</think><answer>{zebra([['1', 'Ann', 'dog'], ['2', 'Bob', 'cat']])}</answer>"
    )
    verdict = logic.verify(response, problem(ZEBRA, "logic__zebra_puzzle_dataset"))
    assert verdict.score == pytest.approx(4 / 6)
    assert not verdict.correct
    assert verdict.details == {"cells": 6, "matched": 4}


def test_zebra_ignores_case_spacing_and_column_order(logic):
    rows = [["CAT", " ann ", "1"], ["Dog", "bob", "2"]]
    response = f"<answer>{zebra(rows, header=('pet', 'name', 'house'))}</answer>"
    assert logic.verify(response, problem(json.dumps(ZEBRA))).correct


def test_zebra_missing_rows_count_as_wrong_cells(logic):
    verdict = logic.verify(f"<answer>{zebra([ZEBRA['rows'][0]])}</answer>", problem(ZEBRA))
    assert verdict.score == pytest.approx(0.5)


@pytest.mark.parametrize(
    "answer",
    ['["Ann", "Bob", "Cy"]', "Ann\nBob\nCy", "1. Ann\n2. Bob\n3. Cy", "ann, bob, cy"],
)
def test_ordering_accepts_lists_in_several_shapes(logic, answer):
    verdict = logic.verify(
        f"<answer>{answer}</answer>",
        problem(["Ann", "Bob", "Cy"], "logic__ordering_puzzle_dataset"),
    )
    assert verdict.correct, verdict


def test_ordering_must_match_exactly(logic):
    truth = problem(["Ann", "Bob", "Cy"], "logic__ordering_puzzle_dataset")
    assert not logic.verify('<answer>["Bob", "Ann", "Cy"]</answer>', truth).correct
    assert not logic.verify('<answer>["Ann", "Bob"]</answer>', truth).correct


def test_graph_answer_is_one_word_case_insensitive(logic):
    truth = problem("Paris", "logic__graph_logical_dataset")
    assert logic.verify("<answer> paris. </answer>", truth).correct
    assert logic.verify("<answer>\\boxed{PARIS}</answer>", truth).correct
    assert not logic.verify("<answer>London</answer>", truth).correct


def test_grid_reads_the_first_grid_of_the_last_answer(logic):
    truth = problem(GRID, "simulation__arcagi2")
    response = "<answer>[[9]]</answer> retry <answer>Output: [[0, 1], [2, 3]] then [[5]]</answer>"
    assert logic.verify(response, truth).correct


def test_grid_accepts_rows_of_digits_and_rejects_wrong_shapes(logic):
    truth = problem(GRID, "simulation__barc")
    assert logic.verify("<answer>\n0 1\n2 3\n</answer>", truth).correct
    verdict = logic.verify("<answer>[[0, 1, 0], [2, 3, 0]]</answer>", truth)
    assert (verdict.correct, verdict.reason) == (False, "wrong_shape")


def test_grid_ground_truth_may_arrive_as_numpy_like_arrays(logic):
    class Array(list):
        def tolist(self):
            return [list(row) for row in self]

    assert logic.verify(
        "<answer>[[0, 1], [2, 3]]</answer>", problem(Array(GRID), "simulation__arcagi1")
    ).correct


def test_an_unclosed_answer_tag_still_counts(logic):
    """K2 Think samples with stop `</answer>`, which servers drop."""
    assert logic.verify("<think>x</think><answer>[[0, 1], [2, 3]]", problem(GRID)).correct


@pytest.mark.parametrize(
    "response, reason",
    [
        ("the answer is Paris", "no_answer"),
        ("<answer></answer>", "no_answer"),
        ("<answer>{not json</answer>", "unparseable"),
        ("<answer>" + "[" * 10_000 + "</answer>", "unparseable"),
        ("<answer>[[__import__('os').system('echo pwned')]]</answer>", "unparseable"),
    ],
)
def test_malformed_and_adversarial_answers_score_zero_with_a_reason(logic, response, reason):
    kind = ZEBRA if "{" in response else GRID
    verdict = logic.verify(response, problem(kind))
    assert (verdict.score, verdict.reason) == (0.0, reason)


def test_a_zebra_answer_with_extra_wrong_cells_cannot_beat_the_truth(logic):
    rows = [["1", "Ann", "cat", "x"] * 50, ["2", "Bob", "dog"]]
    verdict = logic.verify(f"<answer>{zebra(rows)}</answer>", problem(ZEBRA))
    assert verdict.score == pytest.approx(1.0)  # every truth cell matched; extra cells earn nothing
    verdict = logic.verify(f"<answer>{zebra([['1'] * 300] * 30)}</answer>", problem(ZEBRA))
    assert verdict.score == pytest.approx(1 / 6)  # only house "1" is right


def test_an_answer_inside_the_reasoning_does_not_count(logic):
    truth = problem("Paris", "logic__graph_logical_dataset")
    assert (
        logic.verify("<think><answer>Paris</answer>?</think> I give up.", truth).reason
        == "no_answer"
    )


ORDERING = ["Robin", "Blue Jay", "Crow"]
# A list spread over several lines inside <answer>, as models write ordering answers. Reasoning360's
# own extraction (`<answer>(.*?)</answer>` without DOTALL) finds no answer in any of these.
MULTI_LINE = [
    '<answer>\n[\n  "Robin",\n  "Blue Jay",\n  "Crow"\n]\n</answer>',
    "<answer>\n[Robin,\nBlue Jay,\nCrow]\n</answer>",
    "<answer>\n['robin',\n 'blue jay',\n 'crow']\n</answer>",
    "<answer>The order is:\n[\n Robin,\n Blue Jay,\n Crow\n]\n</answer>",
    "<answer>\n1. Robin\n2. Blue Jay\n3. Crow\n</answer>",
]


@pytest.mark.parametrize("response", MULTI_LINE)
def test_ordering_reads_a_list_spread_over_lines(logic, response):
    verdict = logic.verify(response, problem(ORDERING, "logic__ordering_puzzle_dataset"))
    assert verdict.correct, verdict


@pytest.mark.parametrize("response", MULTI_LINE)
def test_a_wrong_order_over_lines_is_still_wrong(logic, response):
    swapped = ["Crow", "Blue Jay", "Robin"]
    verdict = logic.verify(response, problem(swapped, "logic__ordering_puzzle_dataset"))
    assert not verdict.correct and verdict.reason == "different"


def test_a_multi_line_list_missing_a_name_is_wrong(logic):
    response = "<answer>\n[Robin,\nBlue Jay]\n</answer>"
    assert not logic.verify(response, problem(ORDERING, "logic__ordering_puzzle_dataset")).correct
