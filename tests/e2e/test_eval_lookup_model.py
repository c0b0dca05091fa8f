"""A "model" that solves nothing but looks the answers up scores 0 on `k2-infer eval lcb-v5`.

Every reply is one program that searches the disk for the benchmark file and prints the expected
output (stdin problems), answers any method through `Solution.__getattr__` (functional problems),
and prints forged harness lines before exiting. Without isolation the lookup works, which proves
that the attack is real; in the sandbox it finds nothing.
"""

import asyncio
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from k2_core.testing import FakeBackend
from k2_infer.eval.harness import EvalSettings, Evaluation

SHARED = Path("/work/shared/benchmarks/livecodebench")
pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/benchmarks")

LOOKUP = """```python
import json, os, sys

def tests():
    for root in ("/tmp", "/var/tmp", "/work", "/home", "/root"):
        for folder, _, files in os.walk(root):
            for name in files:
                if name.startswith("livecodebench") and name.endswith(".json"):
                    try:
                        rows = json.load(open(os.path.join(folder, name)))
                    except (OSError, ValueError):
                        continue
                    for row in rows:
                        yield from json.loads(row["tests"]) if isinstance(row["tests"], str) else row["tests"]

class Solution:
    def __getattr__(self, name):
        def answer(*args):
            wanted = "\\n".join(json.dumps(a) for a in args)
            for test in tests():
                if test["input"].strip() == wanted:
                    return json.loads(test["output"])
        return answer

stdin = sys.stdin.read()
for test in tests():
    if stdin and test["input"] == stdin:
        print(test["output"])
        break
else:  # a functional test: forge the harness's lines
    print('{"passed": true}')
    print('{"index": 0, "value": 0}')
sys.stdout.flush()
os._exit(0)
```"""


@pytest.fixture
def readable_folder():
    """A folder any user may read (the unisolated run is `nobody` when we are root)."""
    folder = Path(tempfile.mkdtemp(dir="/var/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def problems_subset(tmp_path: Path) -> Path:
    tests = json.loads((SHARED / "agentica-project__rllm/livecodebench.json").read_text())
    info = (SHARED / "QwenLM__QwQ/livecodebench_v5.jsonl").read_text().splitlines()
    stdin_rows = [i for i, row in enumerate(tests) if not row["starter_code"]][:2]
    call_rows = [i for i, row in enumerate(tests) if row["starter_code"]][:2]
    rows = stdin_rows + call_rows
    subset = tmp_path / "lcb"
    subset.mkdir(mode=0o755)
    (subset / "livecodebench.json").write_text(json.dumps([tests[i] for i in rows]))
    (subset / "livecodebench_v5.jsonl").write_text("\n".join(info[i] for i in rows))
    return subset


def evaluate(tmp_path: Path, subset: Path, name: str) -> dict:
    settings = EvalSettings(
        ["lcb-v5"], tmp_path / name, n=1, backend="fake", data={"lcb-v5": str(subset)}
    )
    backend = FakeBackend(lambda request, index: LOOKUP)
    return asyncio.run(Evaluation(settings, backend).run()).to_dict()["benchmarks"]["lcb-v5"]


def test_a_lookup_model_scores_zero_in_the_sandbox(tmp_path, readable_folder, monkeypatch):
    subset = problems_subset(readable_folder)
    for path in subset.iterdir():
        path.chmod(0o644)
    monkeypatch.setenv("K2_SANDBOX_ISOLATION", "none")
    unisolated = evaluate(tmp_path, subset, "none")
    assert unisolated["avg@n"] > 0  # the lookup works on the host: the attack is real
    monkeypatch.delenv("K2_SANDBOX_ISOLATION")
    isolated = evaluate(tmp_path, subset, "sandbox")
    assert isolated["status"] == "complete"
    assert isolated["avg@n"] == 0.0
