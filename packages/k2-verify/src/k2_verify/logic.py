"""The `logic` verifier: zebra puzzles, ordering puzzles, graph questions and ARC-AGI/BARC grids.

Every answer is read from the last `<answer>` tag (multi-line, possibly unclosed). Which puzzle a
problem is comes from its `data_source` (`..zebra..`, `..ordering..`, `..graph..`, `..arcagi..`,
`..barc..`), else `meta["puzzle"]`, else the shape of the ground truth:

| puzzle | ground truth | answer | score |
|---|---|---|---|
| zebra | `{"header": [...], "rows": [[...], ...]}` | the same JSON | fraction of matching cells |
| ordering | `["Ann", "Bob", ...]` | a list (JSON or bare names, over any lines), or one name per line / comma | 1 if the list matches |
| graph | one word or number | that word | 1 if equal, ignoring case |
| grid | `[[0, 1], [2, 3]]` | the first `[[...]]` in the answer (or rows of digits) | 1 if every cell matches |

Cells and names compare as text with case and surrounding space ignored.
"""

from __future__ import annotations

import re

from k2_core import Problem, Verdict
from k2_core.replies import after_thinking, answer_tag, balanced, last_boxed, parse_json

from .base import RuleVerifier, verdict
from .guru import structured

PUZZLE_WORDS = {
    "zebra": "zebra",
    "ordering": "ordering",
    "graph": "graph",
    "arcagi": "grid",
    "barc": "grid",
}
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")
_GRID_ROW = re.compile(r"^[\s\d,]+$")


def _cell(value: object) -> str:
    return str(value).strip().strip("'\"").strip().lower()


def puzzle_kind(problem: Problem, ground_truth: object) -> str:
    """Which puzzle `problem` is: `zebra`, `ordering`, `graph` or `grid`."""
    source = problem.data_source.lower()
    for word, kind in PUZZLE_WORDS.items():
        if word in source:
            return kind
    if problem.meta.get("puzzle") in ("zebra", "ordering", "graph", "grid"):
        return problem.meta["puzzle"]
    if isinstance(ground_truth, dict) and "rows" in ground_truth:
        return "zebra"
    if isinstance(ground_truth, list) and ground_truth and isinstance(ground_truth[0], list):
        return "grid"
    if isinstance(ground_truth, list):
        return "ordering"
    return "graph"


class LogicVerifier(RuleVerifier):
    """Scores the last `<answer>` after the reasoning against a puzzle's solution (see the table above)."""

    name = "logic"

    def check(self, response: str, problem: Problem) -> Verdict:
        truth = structured(problem.ground_truth)
        answer = answer_tag(after_thinking(response))
        if not answer:
            return verdict(0.0, None, "no_answer")
        kind = puzzle_kind(problem, truth)
        return {"zebra": _zebra, "ordering": _ordering, "graph": _graph, "grid": _grid}[kind](
            answer, truth
        )


def _zebra(answer: str, truth: object) -> Verdict:
    if not isinstance(truth, dict) or not isinstance(truth.get("rows"), list):
        return verdict(0.0, answer, "bad_ground_truth")
    start = answer.find("{")
    span = balanced(answer, start) if start >= 0 else None
    try:
        table = parse_json(span) if span else None
    except ValueError as error:
        return verdict(0.0, answer, "unparseable", error=str(error))
    if not isinstance(table, dict) or not isinstance(table.get("rows"), list):
        return verdict(0.0, answer, "unparseable")
    rows = _columns_in_order(table, truth.get("header"))
    total = matched = 0
    for index, truth_row in enumerate(truth["rows"]):
        row = rows[index] if index < len(rows) and isinstance(rows[index], list) else []
        for column, cell in enumerate(truth_row):
            total += 1
            matched += column < len(row) and _cell(row[column]) == _cell(cell)
    score = matched / total if total else 0.0
    return verdict(
        score, span, "equivalent" if score == 1.0 else "partial", cells=total, matched=matched
    )


def _columns_in_order(table: dict, header: object) -> list:
    """The table's rows with columns reordered to match `header` when both headers name the same set."""
    mine = table.get("header")
    if not (isinstance(mine, list) and isinstance(header, list)):
        return table["rows"]
    mine, header = [_cell(h) for h in mine], [_cell(h) for h in header]
    if mine == header or sorted(mine) != sorted(header):
        return table["rows"]
    order = [mine.index(name) for name in header]
    return [
        [row[i] if i < len(row) else None for i in order] if isinstance(row, list) else row
        for row in table["rows"]
    ]


def _ordering(answer: str, truth: object) -> Verdict:
    if not isinstance(truth, list):
        return verdict(0.0, answer, "bad_ground_truth")
    names = _names(answer)
    same = [_cell(n) for n in names] == [_cell(n) for n in truth]
    return verdict(1.0 if same else 0.0, names, "equivalent" if same else "different")


def _names(answer: str) -> list[str]:
    """The names of an ordering answer, however it is spread over lines.

    The first `[...]` in the answer is the list when there is one: JSON, else its inside; names are
    separated by commas and/or line breaks, with list markers (`1.`, `-`) and quotes dropped.
    """
    start = answer.find("[")
    span = balanced(answer, start) if start >= 0 else None
    if span is not None:
        try:
            listed = parse_json(span)
        except ValueError:
            listed = None
        if isinstance(listed, list):
            return [str(name) for name in listed]
        answer = span[1:-1]
    parts = re.split(r"[,\n]", answer)
    names = [_LIST_MARKER.sub("", part).strip().strip("'\"").strip() for part in parts]
    return [name for name in names if name]


def _graph(answer: str, truth: object) -> Verdict:
    word = last_boxed(answer) or answer
    word = word.strip().rstrip(".").strip()
    same = _cell(word) == _cell(truth)
    return verdict(1.0 if same else 0.0, word, "equivalent" if same else "different")


def _grid(answer: str, truth: object) -> Verdict:
    if not _is_grid(truth):
        return verdict(0.0, answer, "bad_ground_truth")
    grid = _read_grid(answer)
    if grid is None:
        return verdict(0.0, answer, "unparseable")
    if len(grid) != len(truth) or any(len(a) != len(b) for a, b in zip(grid, truth, strict=True)):
        return verdict(0.0, grid, "wrong_shape")
    same = grid == truth
    return verdict(1.0 if same else 0.0, grid, "equivalent" if same else "different")


def _is_grid(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(row, list) and all(type(c) is int for c in row) for row in value)
    )


def _read_grid(answer: str) -> list[list[int]] | None:
    """The first `[[...]]` in the answer as a grid of ints, else rows of whitespace-separated digits."""
    start = answer.find("[[")
    if start >= 0:
        try:
            grid = parse_json(balanced(answer, start) or "")
        except ValueError:
            return None
        return grid if _is_grid(grid) else None
    lines = [line for line in answer.strip().splitlines() if line.strip()]
    if lines and all(_GRID_ROW.match(line) for line in lines):
        return [[int(c) for c in line.replace(",", " ").split()] for line in lines]
    return None
