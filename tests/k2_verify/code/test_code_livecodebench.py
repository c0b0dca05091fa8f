"""The code verifier on real LiveCodeBench public tests, with reference programs written for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k2_core import Problem
from k2_verify.code import CodeVerifier

DATA = (
    Path(__file__).resolve().parents[3].parent
    / "shared/benchmarks/livecodebench/agentica-project__rllm/livecodebench.json"
)

# row index -> (start of the problem statement, a correct program). Wrong programs are derived below.
STDIN_SOLUTIONS = {
    0: (
        "You are given an integer sequence A=(A_1,\\ldots,A_N) of length N. Here, A_1",
        "n = int(input())\na = list(map(int, input().split()))\nprint(a.index(sorted(a)[-2]) + 1)\n",
    ),
    1: (
        "You are given an integer Y between 1583 and 2023.",
        "y = int(input())\nleap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)\n"
        "print(366 if leap else 365)\n",
    ),
    13: (
        "You are given a horizontally written text.",
        "n = int(input())\ns = [input() for _ in range(n)]\nfor j in range(max(map(len, s))):\n"
        "    row = ''.join(s[i][j] if j < len(s[i]) else '*' for i in reversed(range(n)))\n"
        "    print(row.rstrip('*'))\n",
    ),
    16: (
        "A mayoral election is being held",
        "n, t, a = map(int, input().split())\nprint('Yes' if max(t, a) > n // 2 else 'No')\n",
    ),
    21: (
        "In the Kingdom of AtCoder, residents are required to shout",
        "a, b, c = map(int, input().split())\n"
        "asleep = b <= a < c if b < c else (a >= b or a < c)\nprint('No' if asleep else 'Yes')\n",
    ),
    23: (
        "A real number X is given to the third decimal place.",
        "s = input().strip()\nif '.' in s:\n    s = s.rstrip('0').rstrip('.')\nprint(s)\n",
    ),
    27: (
        "There is a stack of N cards",
        "n, k = map(int, input().split())\na = input().split()\nprint(*(a[-k:] + a[:-k]))\n",
    ),
    36: (
        "You are given two integers A and B.\nHow many integers x",
        "a, b = map(int, input().split())\nprint(1 if a == b else 3 if (a + b) % 2 == 0 else 2)\n",
    ),
    37: (
        "Takahashi has a piano with 100 keys",
        "hands, total = {}, 0\nfor _ in range(int(input())):\n    key, hand = input().split()\n"
        "    if hand in hands:\n        total += abs(int(key) - hands[hand])\n"
        "    hands[hand] = int(key)\nprint(total)\n",
    ),
}

FUNCTIONAL_SOLUTIONS = {
    5: """
class Solution:
    def shortestDistanceAfterQueries(self, n: int, queries: List[List[int]]) -> List[int]:
        roads = [[i + 1] for i in range(n - 1)] + [[]]
        answer = []
        for u, v in queries:
            roads[u].append(v)
            distance = [-1] * n
            distance[0] = 0
            queue = deque([0])
            while queue:
                city = queue.popleft()
                for nxt in roads[city]:
                    if distance[nxt] < 0:
                        distance[nxt] = distance[city] + 1
                        queue.append(nxt)
            answer.append(distance[n - 1])
        return answer
""",
    7: """
class Solution:
    def finalPositionOfSnake(self, n: int, commands: List[str]) -> int:
        moves = {"UP": (-1, 0), "DOWN": (1, 0), "LEFT": (0, -1), "RIGHT": (0, 1)}
        i = j = 0
        for command in commands:
            i, j = i + moves[command][0], j + moves[command][1]
        return i * n + j
""",
    9: """
class Solution:
    def winningPlayerCount(self, n: int, pick: List[List[int]]) -> int:
        counts = Counter(map(tuple, pick))
        return len({x for (x, y), c in counts.items() if c > x})
""",
    10: """
class Solution:
    def minFlips(self, grid: List[List[int]]) -> int:
        rows = sum(r[j] != r[-1 - j] for r in grid for j in range(len(r) // 2))
        cols = sum(c[i] != c[-1 - i] for c in zip(*grid) for i in range(len(c) // 2))
        return min(rows, cols)
""",
}


@pytest.fixture(scope="module")
def rows():
    if not DATA.exists():
        pytest.skip(f"LiveCodeBench copy not found at {DATA}")
    return json.loads(DATA.read_text())


def response(program: str) -> str:
    return f"<think>Let me think.</think>\nHere is my solution:\n```python\n{program}```\n"


@pytest.mark.parametrize("index", sorted(STDIN_SOLUTIONS))
def test_stdin_reference_programs_pass_and_wrong_ones_fail(rows, index):
    start, program = STDIN_SOLUTIONS[index]
    row = rows[index]
    assert row["problem"].startswith(start) and row["tests"][0]["testtype"] == "stdin"
    problem = Problem(
        id=str(index), prompt=row["problem"], domain="code", ground_truth=row["tests"]
    )
    verifier = CodeVerifier()
    right = verifier.verify(response(program), problem)
    assert right.correct and right.score == 1.0, right
    assert right.details["tests"] == ["passed"] * len(row["tests"])
    wrong = verifier.verify(
        response(f"print({row['tests'][0]['output'].strip()!r} + 'x')\n"), problem
    )
    assert not wrong.correct and wrong.score == 0.0
    assert wrong.reason == "wrong_answer"


@pytest.mark.parametrize("index", sorted(FUNCTIONAL_SOLUTIONS))
def test_functional_reference_programs_pass_and_wrong_ones_fail(rows, index):
    row = rows[index]
    assert row["tests"][0]["testtype"] == "functional"
    problem = Problem(
        id=str(index),
        prompt=row["problem"],
        domain="code",
        ground_truth=json.dumps(row["tests"]),
        meta={"starter_code": row["starter_code"]},
    )
    verifier = CodeVerifier()
    program = FUNCTIONAL_SOLUTIONS[index]
    right = verifier.verify(response(program), problem)
    assert right.correct, right
    assert right.details["passed"] == len(row["tests"])
    off_by_one = (
        program.replace("return ", "return 1 + ", 1)
        if index != 5
        else program.replace("answer.append(distance[n - 1])", "answer.append(distance[n - 1] + 1)")
    )
    wrong = verifier.verify(response(off_by_one), problem)
    assert not wrong.correct and wrong.details["tests"][0] in {"wrong_answer", "runtime_error"}
