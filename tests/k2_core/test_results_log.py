"""k2_core.results_log: append-only JSONL with torn-line repair in place and one writer at a time."""

import io
import json
import os
from pathlib import Path

import pytest

from k2_core import InputError, K2Error
from k2_core.results_log import (
    ResultsLog,
    ResultsLogBusy,
    StdoutLog,
    open_log,
    read_records,
    staged,
    write_atomic,
)


def test_records_append_and_are_there_when_reopened(tmp_path):
    path = tmp_path / "deep" / "log.jsonl"
    with ResultsLog(path) as log:
        assert log.existing == []
        log.append({"id": 1, "text": "é"})
        log.append({"id": 2})
        assert read_records(path) == [{"id": 1, "text": "é"}, {"id": 2}], "on disk before close"
    with ResultsLog(path) as log:
        assert [r["id"] for r in log.existing] == [1, 2]
        log.append({"id": 3})
    assert [r["id"] for r in read_records(path)] == [1, 2, 3]


def test_a_torn_last_line_is_cut_off_in_place(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps({"id": 1}) + "\n" + '{"id": 2, "te')
    inode = os.stat(path).st_ino
    assert read_records(path) == [{"id": 1}], "a reader skips it and changes nothing"
    assert path.read_text().endswith('"te')
    with ResultsLog(path) as log:
        assert log.existing == [{"id": 1}]
        log.append({"id": 3})
    assert path.read_text().splitlines() == ['{"id": 1}', '{"id": 3}']
    assert os.stat(path).st_ino == inode, "truncated in place, not rewritten"


def test_a_second_writer_is_refused_in_one_line(tmp_path):
    path = tmp_path / "log.jsonl"
    with ResultsLog(path) as log:
        log.append({"id": 1})
        with pytest.raises(ResultsLogBusy) as error:
            ResultsLog(path)
        assert "being written by another run" in str(error.value)
        assert "\n" not in str(error.value)
    with ResultsLog(path) as again:  # free once the first writer closed
        assert again.existing == [{"id": 1}]


def test_a_broken_line_in_the_middle_is_reported_not_skipped(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"id": 1}\nnot json\n{"id": 3}\n')
    with pytest.raises(InputError, match="line 2 is not a JSON object"):
        ResultsLog(path)
    path.write_text('{"id": 1}\n')
    with ResultsLog(path) as log:  # the refused open let go of its lock
        assert log.existing == [{"id": 1}]


def test_only_regular_files_are_outputs(tmp_path):
    with pytest.raises(InputError, match="not a regular file.*`-` for stdout"):
        ResultsLog(Path("/dev/full"))
    (tmp_path / "a-file").touch()
    with pytest.raises(K2Error, match="cannot write .*Not a directory"):
        ResultsLog(tmp_path / "a-file" / "log.jsonl")
    assert isinstance(open_log("-"), StdoutLog)


def test_a_non_utf8_line_is_reported_not_a_traceback(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"id": 1}\n\xff\xfe\n')
    with pytest.raises(InputError, match="line 2 is not a JSON object"):
        ResultsLog(path)


def test_stdout_log_streams_each_record_and_a_closed_pipe_is_one_line():
    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    stream = io.StringIO()
    StdoutLog(stream).append({"id": 1})
    assert stream.getvalue() == '{"id": 1}\n'
    with pytest.raises(K2Error, match="cannot write stdout: Broken pipe"):
        StdoutLog(Closed()).append({"id": 1})


def test_a_rewrite_is_all_or_nothing(tmp_path):
    path = tmp_path / "report.md"
    write_atomic(path, "old")
    with pytest.raises(RuntimeError), staged(path) as staging:
        staging.write_text("half of the ne")
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no staging file left
    write_atomic(path, "new")
    assert path.read_text() == "new"
