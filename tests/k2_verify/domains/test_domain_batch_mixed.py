"""`k2-verify batch` routes a mixed file by each line's data_source or domain."""

import json

from click.testing import CliRunner

from k2_verify.cli import cli
from k2_verify.guru import compress

LINES = [
    {
        "id": "logic-right",
        "data_source": "logic__ordering_puzzle_dataset",
        "ground_truth": ["A", "B"],
        "response": "<answer>A, B</answer>",
    },
    {
        "id": "logic-wrong",
        "data_source": "logic__ordering_puzzle_dataset",
        "ground_truth": ["A", "B"],
        "response": "<answer>B, A</answer>",
    },
    {
        "id": "grid",
        "data_source": "simulation__barc",
        "ground_truth": compress([[1]]),
        "response": "<answer>[[1]]</answer>",
    },
    {
        "id": "codeio",
        "data_source": "simulation__codeio",
        "ground_truth": {"output": 2},
        "response": '{"output": 2.0}',
    },
    {
        "id": "table",
        "data_source": "table__multihiertt",
        "ground_truth": "1,000",
        "response": "\\boxed{1000.0004}",
    },
    {"id": "choice", "domain": "multiple_choice", "ground_truth": "B", "response": "Answer: (B)"},
    {
        "id": "hedge",
        "domain": "multiple_choice",
        "ground_truth": "B",
        "response": "Answer: (B) or Answer: (C)",
    },
    {"id": "math", "data_source": "math__aime", "ground_truth": "7", "response": "\\boxed{7}"},
]
EXPECTED = {
    "logic-right": "equivalent",
    "logic-wrong": "different",
    "grid": "equivalent",
    "codeio": "equivalent",
    "table": "equivalent",
    "choice": "equivalent",
    "hedge": "several_answers",
}


def test_batch_scores_a_mixed_file(tmp_path):
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in LINES))
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--workers", "2"])
    assert result.exit_code == 0, result.output
    verdicts = {
        row["id"]: row["verdict"] for row in map(json.loads, output.read_text().splitlines())
    }
    assert {key: verdicts[key]["reason"] for key in EXPECTED} == EXPECTED
    assert verdicts["math"]["correct"] is True
    assert [verdicts[key]["correct"] for key in EXPECTED] == [
        r == "equivalent" for r in EXPECTED.values()
    ]
