"""The plugin tutorial (examples/k2-palindrome/README.md) works as written.

Its `bash` blocks run in one scratch folder and its `python` blocks in one namespace, in order, with
the k2 CLIs of this environment: the plugin in `check`, `batch`, `eval`, `solve --domain` and a GRPO
reward. The contract classes it defines are then run like pytest would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[2] / "examples" / "k2-palindrome" / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(language: str) -> list[str]:
    return [code for lang, code in BLOCK.findall(README.read_text()) if lang == language]


def test_the_tutorial_has_code_to_run():
    assert len(blocks("bash")) >= 3 and len(blocks("python")) >= 3


@pytest.mark.slow
def test_bash_blocks_run(tmp_path):
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
        "K2_HOME": str(tmp_path),
    }
    for script in blocks("bash"):
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (
            f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    assert "palindromes" in (tmp_path / "palindrome-run" / "report.md").read_text()


def test_python_blocks_run_and_their_contracts_pass(monkeypatch, tmp_path):
    monkeypatch.setenv("K2_HOME", str(tmp_path))
    monkeypatch.setenv("K2_FAKE_REPLIES", "")  # the README sets it; restored afterwards
    namespace: dict = {"__name__": "tutorial"}
    for code in blocks("python"):
        exec(compile(code, str(README), "exec"), namespace)
    contracts = [v for k, v in namespace.items() if k.startswith("Test") and isinstance(v, type)]
    assert {c.__name__ for c in contracts} == {"TestPalindrome", "TestPalindromes"}
    for contract in contracts:
        for name in dir(contract):
            if name.startswith("test_"):
                getattr(contract(), name)()
