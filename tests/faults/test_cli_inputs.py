"""Every k2 CLI, fed bad input: one `Error:` line, no traceback, the documented exit status, quickly.

Exit statuses (k2_core.errors): 0 done, 1 failed (a K2Error), 2 bad usage (click), 3 done but
some input lines were bad, 4 `k2-verify check` found the answer wrong.
"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from k2_cerebras.cli import cli as k2_cerebras
from k2_core.cli import cli as k2
from k2_core.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INCORRECT, EXIT_USAGE
from k2_infer.cli import cli as k2_infer
from k2_train.cli import cli as k2_train
from k2_verify.cli import cli as k2_verify

CLIS = {"k2": k2, "k2-verify": k2_verify, "k2-infer": k2_infer, "k2-train": k2_train}
CLIS["k2-cerebras"] = k2_cerebras
OUT = "{tmp}/out"

CASES = [
    # k2-verify
    ("k2-verify", "check x -g 1 --timeout 0", EXIT_USAGE, "positive, finite"),
    ("k2-verify", "check x -g 1 --timeout nan", EXIT_USAGE, "positive, finite"),
    ("k2-verify", "check 3 -g 4", EXIT_INCORRECT, None),
    ("k2-verify", "check 1 -g 1 --domain alchemy", EXIT_FAILED, "no verifier for domain"),
    ("k2-verify", "batch {tmp}/missing.jsonl -o {tmp}/o.jsonl", EXIT_FAILED, "no input file"),
    ("k2-verify", "batch {input} -o /dev/full", EXIT_FAILED, "not a regular file"),
    ("k2-verify", "batch {input} -o {input}/x.jsonl", EXIT_FAILED, "cannot write"),
    ("k2-verify", "batch {input} -o /sys/x.jsonl", EXIT_FAILED, "cannot write"),
    ("k2-verify", "batch {input} -o {tmp}", EXIT_USAGE, "directory"),
    ("k2-verify", "batch {input} -o {tmp}/o.jsonl --timeout -1", EXIT_USAGE, "positive"),
    ("k2-verify", "batch {input} -o {tmp}/o.jsonl --workers -1", EXIT_USAGE, "x>=0"),
    ("k2-verify", "batch {bad} -o {tmp}/o.jsonl --workers 0", EXIT_FAILED, "no line could"),
    ("k2-verify", "batch {mixed} -o {tmp}/o.jsonl --workers 0", EXIT_BAD_INPUT, None),
    ("k2-verify", "run {input} --timeout inf", EXIT_USAGE, "positive, finite"),
    # k2-infer
    ("k2-infer", f"eval , -o {OUT}", EXIT_USAGE, "at least one benchmark"),
    ("k2-infer", f"eval aime2 -o {OUT}", EXIT_USAGE, "did you mean 'aime25'"),
    ("k2-infer", f"eval aime24 -o {OUT} --n 0", EXIT_USAGE, "--n"),
    ("k2-infer", f"eval aime24 -o {OUT} --limit 0", EXIT_USAGE, "--limit"),
    ("k2-infer", f"eval aime24 -o {OUT} --limit -1", EXIT_USAGE, "--limit"),
    ("k2-infer", f"eval aime24 -o {OUT} --max-tokens 0", EXIT_USAGE, "--max-tokens"),
    ("k2-infer", f"eval aime24 -o {OUT} --max-tokens 1000000000", EXIT_USAGE, "--max-tokens"),
    ("k2-infer", f"eval aime24 -o {OUT} --retries -1", EXIT_USAGE, "--retries"),
    ("k2-infer", f"eval aime24 -o {OUT} --concurrency 0", EXIT_USAGE, "--concurrency"),
    ("k2-infer", f"eval aime24 -o {OUT} --timeout -1", EXIT_USAGE, "--timeout"),
    ("k2-infer", f"eval aime24 -o {OUT} --recipe {{tmp}}/no.toml", EXIT_FAILED, "not found"),
    ("k2-infer", f"eval aime24 -o {OUT} --recipe {{loop}}", EXIT_FAILED, "extends itself"),
    ("k2-infer", f"eval aime24 -o {OUT} --recipe {{typo}}", EXIT_FAILED, "must be a number"),
    ("k2-infer", f"eval aime24 -o {OUT} --recipe {{latin1}}", EXIT_FAILED, "not UTF-8"),
    ("k2-infer", "eval aime24 -o {input}/x --data {aime}", EXIT_FAILED, "cannot write"),
    ("k2-infer", "solve x --hard-timeout -1", EXIT_USAGE, "--hard-timeout"),
    ("k2-infer", "solve x --max-tokens 0", EXIT_USAGE, "--max-tokens"),
    # k2-train
    ("k2-train", "data convert --dataset tiny --output {tmp}/x.txt", EXIT_FAILED, ".jsonl"),
    ("k2-train", "export-verl --dataset tiny --output {input}/x", EXIT_FAILED, "cannot write"),
    ("k2-train", "sft --max-steps 0 --output {tmp}/sft", EXIT_USAGE, "--max-steps"),
    ("k2-train", "grpo --num-generations 1 --output {tmp}/g", EXIT_USAGE, "--num-generations"),
    ("k2-train", "data inspect --dataset tiny --limit 0", EXIT_USAGE, "--limit"),
    # k2-cerebras, k2
    ("k2-cerebras", "bench --requests 0", EXIT_USAGE, "--requests"),
    ("k2", "no-such-command", EXIT_USAGE, "No such command"),
]


@pytest.fixture
def files(tmp_path):
    good = {"id": "a", "response": "\\boxed{4}", "ground_truth": "4"}
    (tmp_path / "in.jsonl").write_text(json.dumps(good) + "\n")
    (tmp_path / "bad.jsonl").write_text("not json\n[1]\n")
    (tmp_path / "mixed.jsonl").write_text(json.dumps(good) + "\nnot json\n")
    (tmp_path / "aime.jsonl").write_text('{"id": "1", "problem": "1 + 0?", "answer": "1"}\n')
    (tmp_path / "loop.toml").write_text(f'extends = "{tmp_path}/loop.toml"\n')
    (tmp_path / "typo.toml").write_text('extends = "k2-think"\n[sampling]\ntop_p = "high"\n')
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    return {
        "tmp": tmp_path,
        "input": tmp_path / "in.jsonl",
        "bad": tmp_path / "bad.jsonl",
        "mixed": tmp_path / "mixed.jsonl",
        "aime": tmp_path / "aime.jsonl",
        "loop": tmp_path / "loop.toml",
        "typo": tmp_path / "typo.toml",
        "latin1": tmp_path / "latin1.toml",
    }


@pytest.mark.parametrize(
    ("cli", "args", "code", "says"), CASES, ids=[c[0] + " " + c[1] for c in CASES]
)
def test_bad_input_is_one_line_with_its_exit_status(files, cli, args, code, says):
    argv = [part.format(**files) for part in args.split(" ")]
    start = time.perf_counter()
    result = CliRunner().invoke(CLIS[cli], argv)
    assert time.perf_counter() - start < 20
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    if code in (EXIT_FAILED, EXIT_USAGE):
        assert len(errors) == 1, result.output
        assert says in errors[0]
    elif says:
        assert says in result.output
