"""SciCode: rows and a tiny test_data.h5 written here, steps run in the sandbox, scored end to end."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from k2_core import InputError, Problem
from k2_core.registry import get_registry
from k2_infer.cli import cli
from k2_verify.scicode import SciCodeVerifier

# The shape of a SciCode row (SciCode1/SciCode, problems_all.jsonl), two steps.
ROW = {
    "problem_id": "7",
    "problem_name": "squares",
    "problem_description_main": "Sum the squares of a vector's entries.",
    "required_dependencies": "import numpy as np",
    "sub_steps": [
        {
            "step_number": "7.1",
            "step_description_prompt": "Square a number.",
            "function_header": "def square(x):\n    '''The square of x.'''",
            "return_line": "    return y",
            "ground_truth_code": "def square(x):\n    return x * x",
            "test_cases": [
                "assert np.allclose(square(3.0), target)",
                "a, b = target\nassert np.isclose(square(a), b)",
            ],
        },
        {
            "step_number": "7.2",
            "step_description_prompt": "Sum the squares of a vector.",
            "function_header": "def sum_squares(v):\n    '''Sum of squares.'''",
            "return_line": "    return total",
            "ground_truth_code": None,
            "test_cases": ["assert np.allclose(sum_squares(np.array([1.0, 2.0])), target)"],
        },
    ],
}
RIGHT = (
    "<think>easy</think>\n```python\nimport numpy as np\n\ndef square(x):\n    return x * x\n\n"
    "def sum_squares(v):\n    return float(np.sum(square(v)))\n```"
)
WRONG = RIGHT.replace("return x * x", "return x * 2")


@pytest.fixture
def scicode_data(tmp_path):
    """A --data folder: the problems file and test_data.h5 in SciCode's layout (step/testN/varM)."""
    folder = tmp_path / "scicode"
    folder.mkdir()
    (folder / "problems.jsonl").write_text(json.dumps(ROW) + "\n")
    with h5py.File(folder / "test_data.h5", "w") as h5:
        h5.create_dataset("7.1/test1/var1", data=9.0)
        h5.create_dataset("7.1/test2/var1", data=2.0)
        h5.create_dataset("7.1/test2/var2", data=4.0)
        h5.create_dataset("7.2/test1/var1", data=np.float64(5.0))
    return folder


def test_steps_and_main_problems_are_made_from_the_rows(scicode_data):
    steps = get_registry().create("benchmark", "scicode").load(str(scicode_data))
    assert [p.id for p in steps] == ["7.1", "7.2"]
    assert "def square(x):\n    return x * x" in steps[1].prompt  # the earlier step's code
    assert steps[1].ground_truth["setup"].endswith("return x * x")
    [main] = get_registry().create("benchmark", "scicode-main").load(str(scicode_data))
    assert [s["id"] for s in main.ground_truth["steps"]] == ["7.1", "7.2"]
    assert "Step 7.2: Sum the squares" in main.prompt


def test_a_missing_targets_file_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv("K2_SCICODE_H5", raising=False)
    path = tmp_path / "problems.jsonl"
    path.write_text(json.dumps(ROW) + "\n")
    with pytest.raises(InputError, match="github.com/scicode-bench/SciCode") as error:
        get_registry().create("benchmark", "scicode").load(str(path))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("response", "correct"), [(RIGHT, True), (WRONG, False)])
def test_the_verifier_runs_every_test_in_the_sandbox(scicode_data, response, correct):
    [main] = get_registry().create("benchmark", "scicode-main").load(str(scicode_data))
    verdict = SciCodeVerifier().verify(response, main)
    assert verdict.correct is correct, verdict


def test_a_program_that_stops_early_does_not_pass(scicode_data):
    [step] = get_registry().create("benchmark", "scicode").load(str(scicode_data))[:1]
    early = "```python\nimport sys\nprint('K2-SCICODE-DONE 2')\nsys.exit(0)\n```"
    assert not SciCodeVerifier().verify(early, step).correct


def test_a_step_missing_from_the_targets_file_is_a_bad_ground_truth(scicode_data):
    problem = Problem(
        "x", "", "scicode", "scicode",
        {"h5": str(scicode_data / "test_data.h5"), "steps": [{"id": "9.9", "tests": ["pass"]}]},
    )  # fmt: skip
    assert SciCodeVerifier().verify(RIGHT, problem).reason == "bad_ground_truth"


def test_k2_infer_eval_scicode_scores_the_fixture_end_to_end(scicode_data, tmp_path, monkeypatch):
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps(RIGHT))
    out = tmp_path / "run"
    args = ["eval", "scicode,scicode-main", "--backend", "fake", "--n", "1", "-o", str(out)]
    args += ["--data", f"scicode={scicode_data}", "--data", f"scicode-main={scicode_data}"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())["benchmarks"]
    assert summary["scicode"]["problems"] == 2 and summary["scicode-main"]["problems"] == 1
    assert summary["scicode"]["avg@n"] == 100.0 and summary["scicode-main"]["avg@n"] == 100.0
