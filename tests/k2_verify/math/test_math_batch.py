"""`k2-verify batch` and `k2-verify check`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_verify.batch import run_batch
from k2_verify.cli import cli


def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def item(i, response, truth, **extra):
    return json.dumps({"id": i, "response": response, "ground_truth": truth, **extra})


def read(path):
    """Output records by id; a line without a usable id by `line-N`, its input line number."""
    records = map(json.loads, path.read_text().splitlines())
    return {
        str(r["id"]) if r.get("id") is not None else f"line-{r['input_line']}": r for r in records
    }


@pytest.fixture
def batch_input(tmp_path):
    path = tmp_path / "in.jsonl"
    write_lines(
        path,
        [
            item(1, "\\boxed{4}", "4"),
            item(2, "\\boxed{5}", "4", extra="kept"),
            item(3, "<answer>x = 2</answer>", "2", data_source="math__aime"),
            "this is not json",
            json.dumps({"id": 5, "response": "1"}),
            item(6, "1", "1", domain="alchemy"),
            json.dumps([1, 2]),
            "",
        ],
    )
    return path


def test_batch_scores_every_line_and_keeps_the_input(batch_input, tmp_path):
    out = tmp_path / "out.jsonl"
    summary = run_batch(batch_input, out, workers=1, timeout=5)
    records = read(out)
    assert set(records) == {"1", "2", "3", "line-4", "5", "6", "line-7"}
    assert records["1"]["verdict"]["correct"] is True
    assert records["2"]["verdict"]["correct"] is False
    assert records["2"]["extra"] == "kept"
    assert records["3"]["verdict"]["reason"] == "equivalent"
    assert set(records["1"]["verdict"]) >= {"correct", "score", "extracted", "reason"}
    for bad in ("line-4", "5", "6", "line-7"):
        assert records[bad]["verdict"]["reason"] == "bad_input"
    assert "ground_truth" in records["5"]["verdict"]["details"]["error"]
    assert "alchemy" in records["6"]["verdict"]["details"]["error"]
    assert (summary.scored, summary.correct, summary.skipped) == (7, 2, 0)


def test_batch_resumes_by_id_after_an_interruption(batch_input, tmp_path):
    out = tmp_path / "out.jsonl"
    done = {"id": 1, "response": "old", "verdict": {"correct": False, "reason": "kept"}}
    out.write_text(json.dumps(done) + "\n" + '{"id": 2, "respo', encoding="utf-8")  # cut mid-line
    summary = run_batch(batch_input, out, workers=1, timeout=5)
    records = read(out)  # every line parses: the cut line was dropped before appending
    assert records["1"]["verdict"]["reason"] == "kept"
    assert records["2"]["verdict"]["correct"] is False
    assert (summary.skipped, summary.scored) == (1, 6)
    again = run_batch(batch_input, out, workers=1, timeout=5)
    assert (again.skipped, again.scored) == (7, 0)


def test_batch_gives_slow_items_a_timeout_verdict(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    slow = "\\boxed{" + "5000!" * 200 + "}"  # about 15 s of multiplication, far past the 2 s limit
    write_lines(source, [item("slow", slow, "1"), item("ok", "7", "7")])
    run_batch(source, out, workers=2, timeout=1.0)
    records = read(out)
    assert records["slow"]["verdict"]["reason"] == "timeout"
    assert records["ok"]["verdict"]["correct"] is True


def test_batch_command(batch_input, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(batch_input), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 3, result.output  # some lines were bad input
    assert "scored 7 (2 correct" in result.output
    assert len(out.read_text().splitlines()) == 7


def test_batch_command_without_input_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "nope.jsonl"), "-o", "out.jsonl"])
    assert result.exit_code == 1
    assert "no input file" in result.output
    assert "Traceback" not in result.output


def test_check_command():
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--ground-truth", "0.5", "so \\boxed{\\frac12}"])
    assert (result.exit_code, result.output.split()[0]) == (0, "correct")
    result = runner.invoke(cli, ["check", "-g", "3", "--json", "1 or 3"])
    verdict = json.loads(result.output)
    assert (verdict["correct"], verdict["reason"]) == (False, "hedged")
    assert result.exit_code == 4  # a wrong answer
    result = runner.invoke(cli, ["check", "-g", "12", "-"], input="<answer>12</answer>")
    assert result.output.startswith("correct")


def test_check_command_unknown_domain():
    result = CliRunner().invoke(cli, ["check", "-g", "1", "--domain", "alchemy", "1"])
    assert result.exit_code == 1
    assert "no verifier for domain 'alchemy'" in result.output
