"""The evaluation sets of the K2 Think report, as `Benchmark` objects registered by k2-infer.

Each benchmark loads from the Hugging Face hub by its public dataset id (through `datasets`, imported
only then; `pip install 'k2-infer[eval]'`) or, with `data=PATH`, from a local file or folder in the
formats copied under `shared/benchmarks/` (JSON Lines, a JSON array, MathArena `answers.csv` +
`problems/<id>.tex` folders). Rows become `k2_core.Problem`s whose `domain` routes them to a verifier:
`math`, `code`, `multiple_choice` or `judge`.

Choices that change scores, stated once here and in the README:
- `omni-hard` keeps Omni-MATH problems with `difficulty >= 7` (option `min_difficulty`). K2 Think's
  173-problem Omni-MATH-HARD used a filter that was not published, so its score is a reference only.
- `lcb-v5` keeps LiveCodeBench problems dated 2024-08-01 <= contest_date < 2025-02-01 when rows carry a
  date; hub rows are scored on public + private tests, the local copy on its public tests only.
- `gpqa-diamond` shuffles each question's four choices with `random.Random("gpqa-diamond:<key>")`, key =
  the Record ID (else the row index): the same order on every run and machine, recorded in
  `Problem.meta["choice_order"]` (original option index per letter; 0 is the correct answer).
- `hle` keeps text-only questions (rows whose `image` is empty) and is scored by the `judge` verifier.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import pickle
import random
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from k2_core import InputError, K2Error, Problem

Row = dict[str, Any]


@dataclass
class HubSource:
    """Where a benchmark lives on the Hugging Face hub: `load_dataset(path, name, split=split)`."""

    path: str
    split: str
    name: str | None = None
    data_files: list[str] | None = None


@dataclass
class Benchmark:
    """One evaluation set: where it comes from, how a row becomes a `Problem`, what K2 Think scored.

    `convert(rows)` turns raw rows (each with its row index) into problems, dropping rows the
    benchmark filters out. `reported` is K2 Think's published score in percent (None if it has none).
    """

    name: str
    domain: str
    hub: HubSource
    convert: Callable[[Iterable[tuple[int, Row]]], list[Problem]]
    description: str = ""
    reported: float | None = None

    def factory(self) -> Benchmark:
        """What the registry calls to build this benchmark (it takes no options)."""
        return self

    def load(self, data: str | None = None, limit: int | None = None) -> list[Problem]:
        """The benchmark's problems, from `data` (a local path) or else the hub; the first `limit`."""
        rows = read_local(Path(data)) if data else read_hub(self.hub)
        problems = self.convert(rows)
        if not problems:
            raise InputError(
                f"benchmark {self.name!r} found no problems in {data or self.hub.path}",
                "check that the file is one of the formats in the k2-infer README",
            )
        return problems[:limit] if limit else problems


# --- reading rows -------------------------------------------------------------------------------


def read_hub(hub: HubSource) -> list[tuple[int, Row]]:
    """Rows of a hub dataset, numbered. Needs `datasets` and network access (or a warm HF cache)."""
    try:
        import datasets
    except ImportError:
        raise K2Error(
            "loading benchmarks from the Hugging Face hub needs `datasets`",
            "`pip install 'k2-infer[eval]'`, or pass a local file with --data",
        ) from None
    try:
        rows = datasets.load_dataset(hub.path, hub.name, split=hub.split, data_files=hub.data_files)
    except Exception as exc:  # network, gated dataset, missing login: all need the same advice
        raise K2Error(
            f"could not load {hub.path} from the Hugging Face hub ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})",
            "log in with `hf auth login` and accept the dataset's terms if it is gated, "
            "or pass a local copy with --data",
        ) from None
    return list(enumerate(rows))


def read_local(path: Path) -> list[tuple[int, Row]]:
    """Rows of a local file (JSON Lines, JSON array) or a MathArena folder, numbered in file order."""
    if not path.exists():
        raise InputError(f"data path {str(path)!r} does not exist", "check the --data path")
    if path.is_dir():
        return list(enumerate(_read_folder(path)))
    return list(enumerate(_read_json_rows(path)))


def _read_json_rows(path: Path) -> list[Row]:
    text = path.read_text(encoding="utf-8")
    lines = [text] if text.lstrip().startswith("[") else text.splitlines()
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError as exc:
            where = exc.lineno if len(lines) == 1 else number
            raise InputError(
                f"{path} is not JSON or JSON Lines (line {where}: {exc.msg})",
                "pass a .jsonl file, a JSON array, or a MathArena folder",
            ) from None
        rows.extend(parsed if isinstance(parsed, list) else [parsed])
    if not all(isinstance(row, dict) for row in rows):
        raise InputError(f"{path} does not hold one JSON object per row", "check the file")
    return rows


def _read_folder(folder: Path) -> list[Row]:
    """MathArena layout: `answers.csv` (id,answer) beside `problems/<id>.tex`, in one or more folders.

    Problem ids are `<folder>-<id>` when several contests are read together (AIME I and II).
    LiveCodeBench: the folder holding both `livecodebench.json` (public tests) and
    `livecodebench_v5.jsonl` (ids, dates, prompts), joined row by row.
    """
    answers = sorted(folder.rglob("answers.csv"))
    if answers:
        rows = []
        for answer_file in answers:
            prefix = f"{answer_file.parent.name}-" if len(answers) > 1 else ""
            with answer_file.open(encoding="utf-8", newline="") as handle:
                for record in csv.DictReader(handle):
                    tex = answer_file.parent / "problems" / f"{record['id']}.tex"
                    problem = tex.read_text(encoding="utf-8").strip() if tex.exists() else ""
                    rows.append(
                        {
                            "id": f"{prefix}{record['id']}",
                            "problem": problem,
                            "answer": record["answer"],
                        }
                    )
        return rows
    tests = sorted(folder.rglob("livecodebench.json"))
    if tests:
        rows = _read_json_rows(tests[0])
        info = sorted(folder.rglob("livecodebench_v5.jsonl"))
        if info:
            extra = _read_json_rows(info[0])
            if len(extra) != len(rows):
                raise InputError(
                    f"{tests[0]} and {info[0]} have different row counts", "use matching copies"
                )
            rows = [
                {**row, **{k: v for k, v in e.items() if k != "tests"}}
                for row, e in zip(rows, extra, strict=True)
            ]
        return rows
    files = sorted(p for p in folder.iterdir() if p.suffix in {".json", ".jsonl"})
    if len(files) != 1:
        raise InputError(
            f"cannot tell which file in {folder} holds the benchmark",
            "pass the file itself with --data",
        )
    return _read_json_rows(files[0])


def _first(row: Row, *keys: str) -> Any:
    """The value of the first of `keys` that `row` has and that is not None or empty."""
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


# --- math ---------------------------------------------------------------------------------------


def _math_id(row: Row, index: int) -> str:
    if "aime_number" in row and "problem_number" in row:  # agentica-project/rllm AIME files
        return f"{row.get('year', '')}-{'I' * int(row['aime_number'])}-{row['problem_number']}"
    found = _first(row, "id", "problem_idx", "ID", "unique_id")
    return str(found) if found is not None else str(index)


def math_rows(data_source: str, min_difficulty: float | None = None):
    """A converter for math rows of any of the shared schemas (problem/question/prompt + answer)."""

    def convert(rows: Iterable[tuple[int, Row]]) -> list[Problem]:
        problems = []
        for index, row in rows:
            if min_difficulty is not None and float(row.get("difficulty") or 0) < min_difficulty:
                continue
            text = _first(row, "problem", "question", "Problem", "prompt")
            answer = _first(row, "answer", "expected_answer", "Answer")
            if text is None or answer is None:
                raise InputError(
                    f"row {index} has no problem text or no answer (keys: {', '.join(row)})",
                    "pass a file in one of the formats in the k2-infer README",
                )
            meta = {k: row[k] for k in ("difficulty", "source", "subject", "level") if k in row}
            problems.append(
                Problem(
                    id=_math_id(row, index),
                    prompt=str(text).strip(),
                    domain="math",
                    data_source=data_source,
                    ground_truth=str(answer).strip(),
                    meta=meta,
                )
            )
        return problems

    return convert


# --- LiveCodeBench ------------------------------------------------------------------------------

LCB_WINDOW = ("2024-08-01", "2025-02-01")
LCB_INTRO = (
    "You will be given a question (problem specification) and will generate a correct Python program "
    "that matches the specification and passes all tests.\n\nQuestion: "
)
LCB_STDIN = (
    "Read the inputs from stdin solve the problem and write the answer to stdout (do not directly "
    "test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when the "
    "python program runs, it reads the inputs, runs the algorithm and writes output to STDOUT.\n"
    "```python\n# YOUR CODE HERE\n```"
)
LCB_STARTER = (
    "You will use the following starter code to write the solution to the problem and enclose your "
    "code within delimiters.\n```python\n{starter}\n```"
)


def _lcb_tests(row: Row) -> list[Row]:
    """Test cases of a row: inline `tests` (local copy) or hub public + private test strings."""
    if isinstance(row.get("tests"), list):
        return row["tests"]
    tests = json.loads(row.get("public_test_cases") or "[]")
    private = row.get("private_test_cases")
    if private:
        tests += _decode_private_tests(private)
    return tests


class _StringsOnly(pickle.Unpickler):
    """LiveCodeBench pickles a plain JSON string; refusing every class makes loading it safe."""

    def find_class(self, module: str, name: str):
        raise InputError(f"private tests reference {module}.{name}", "the row is not plain data")


def _decode_private_tests(blob: str) -> list[Row]:
    """Private tests: plain JSON in some copies, base64(zlib(pickle(JSON string))) on the hub."""
    if blob.lstrip().startswith("["):
        return json.loads(blob)
    raw = zlib.decompress(base64.b64decode(blob))
    return json.loads(_StringsOnly(io.BytesIO(raw)).load())


def _function_name(starter_code: str) -> str | None:
    found = re.findall(r"def\s+(\w+)\s*\(\s*self", starter_code)
    return found[-1] if found else None


def lcb_rows(window: tuple[str, str] = LCB_WINDOW):
    def convert(rows: Iterable[tuple[int, Row]]) -> list[Problem]:
        problems = []
        for index, row in rows:
            date = str(row.get("contest_date") or "")[:10]
            if date and not window[0] <= date < window[1]:
                continue
            statement = _first(row, "question_content", "problem")
            if statement is None and "prompt" not in row:
                raise InputError(f"row {index} has no problem statement", "check the file")
            tests = _lcb_tests(row)
            if not tests:
                raise InputError(
                    f"row {index} of LiveCodeBench has no test cases",
                    "pass agentica-project__rllm/livecodebench.json (or the folder holding it)",
                )
            starter = row.get("starter_code") or ""
            prompt = row.get("prompt") or (
                LCB_INTRO
                + str(statement)
                + "\n\n"
                + (LCB_STARTER.format(starter=starter) if starter else LCB_STDIN)
            )
            metadata = row.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata or "{}")
            fn_name = (metadata or {}).get("func_name") or _function_name(starter)
            problems.append(
                Problem(
                    id=str(_first(row, "question_id", "global_id") or index),
                    prompt=prompt.strip(),
                    domain="code",
                    data_source="codegen__livecodebench",
                    ground_truth=tests,
                    meta={
                        "contest_date": date or None,
                        "fn_name": fn_name,
                        "starter_code": starter,
                        "testtype": tests[0].get("testtype", "stdin"),
                    },
                )
            )
        return problems

    return convert


# --- GPQA-Diamond -------------------------------------------------------------------------------

LETTERS = "ABCD"
GPQA_INSTRUCTION = (
    "Answer the following multiple choice question. Think step by step, then give the letter of the "
    "correct choice as your final answer in \\boxed{{}}.\n\n{question}\n\n{choices}"
)


def gpqa_rows(rows: Iterable[tuple[int, Row]]) -> list[Problem]:
    problems = []
    for index, row in rows:
        options = [row.get("Correct Answer")] + [
            row.get(f"Incorrect Answer {i}") for i in (1, 2, 3)
        ]
        if row.get("Question") is None or any(option is None for option in options):
            raise InputError(
                f"GPQA row {index} lacks Question / Correct Answer / Incorrect Answer 1-3",
                "use the columns of Idavidrein/gpqa",
            )
        key = str(row.get("Record ID") or index)
        seed = f"gpqa-diamond:{key}"
        order = [0, 1, 2, 3]
        random.Random(seed).shuffle(order)
        choices = "\n".join(f"{LETTERS[i]}) {str(options[o]).strip()}" for i, o in enumerate(order))
        problems.append(
            Problem(
                id=key,
                prompt=GPQA_INSTRUCTION.format(
                    question=str(row["Question"]).strip(), choices=choices
                ),
                domain="multiple_choice",
                data_source="gpqa_diamond",
                ground_truth=LETTERS[order.index(0)],
                meta={
                    "choice_order": order,
                    "shuffle_seed": seed,
                    "subdomain": row.get("Subdomain"),
                },
            )
        )
    return problems


# --- HLE ----------------------------------------------------------------------------------------


def hle_rows(rows: Iterable[tuple[int, Row]]) -> list[Problem]:
    problems = []
    for index, row in rows:
        if row.get("image"):
            continue  # text-only subset
        if row.get("question") is None or row.get("answer") is None:
            raise InputError(
                f"HLE row {index} lacks question or answer", "use the columns of cais/hle"
            )
        problems.append(
            Problem(
                id=str(row.get("id") or index),
                prompt=str(row["question"]).strip(),
                domain="judge",
                data_source="hle",
                ground_truth=str(row["answer"]).strip(),
                meta={"answer_type": row.get("answer_type"), "category": row.get("category")},
            )
        )
    return problems


# --- the registered set ------------------------------------------------------------------------

LCB_FILES = ["test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl"]

BENCHMARKS = [
    Benchmark(
        "aime24",
        "math",
        HubSource("HuggingFaceH4/aime_2024", "train"),
        math_rows("math__aime24"),
        "AIME 2024 I and II, 30 problems",
        reported=90.83,
    ),
    Benchmark(
        "aime25",
        "math",
        HubSource("MathArena/aime_2025", "train"),
        math_rows("math__aime25"),
        "AIME 2025 I and II, 30 problems",
        reported=81.24,
    ),
    Benchmark(
        "hmmt25",
        "math",
        HubSource("MathArena/hmmt_feb_2025", "train"),
        math_rows("math__hmmt25"),
        "HMMT February 2025, 30 problems",
        reported=73.75,
    ),
    Benchmark(
        "omni-hard",
        "math",
        HubSource("KbsdJames/Omni-MATH", "test"),
        math_rows("math__omni_math", min_difficulty=7.0),
        "Omni-MATH problems with difficulty >= 7",
        reported=60.73,
    ),
    Benchmark(
        "math500",
        "math",
        HubSource("HuggingFaceH4/MATH-500", "test"),
        math_rows("math__math500"),
        "MATH-500, 500 problems",
    ),
    Benchmark(
        "lcb-v5",
        "code",
        HubSource("livecodebench/code_generation_lite", "train", data_files=LCB_FILES),
        lcb_rows(),
        "LiveCodeBench v5, 2024-08-01 to 2025-02-01, stdin and functional tests",
        reported=63.97,
    ),
    Benchmark(
        "gpqa-diamond",
        "multiple_choice",
        HubSource("Idavidrein/gpqa", "train", name="gpqa_diamond"),
        gpqa_rows,
        "GPQA-Diamond, 198 questions, choices shuffled per question with a fixed seed (gated)",
        reported=71.08,
    ),
    Benchmark(
        "hle",
        "judge",
        HubSource("cais/hle", "test"),
        hle_rows,
        "Humanity's Last Exam, text-only questions, scored by the judge verifier (gated)",
        reported=9.95,
    ),
]
