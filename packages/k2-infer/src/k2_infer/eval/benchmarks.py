"""The evaluation sets of the K2 Think report, as `Benchmark` objects registered by k2-infer.

Each benchmark loads from the Hugging Face hub by its public dataset id (through `datasets`, imported
only then; `pip install 'k2-infer[eval]'`) or, with `data=PATH`, from a local file or folder in the
formats copied under `shared/benchmarks/` (JSON Lines, a JSON array, MathArena `answers.csv` +
`problems/<id>.tex` folders). Rows become `k2_core.Problem`s whose `domain` routes them to a verifier:
`math`, `code`, `multiple_choice` or `judge`.

Choices that change scores, stated once here and in the README:
- `omni-hard` keeps Omni-MATH problems with `difficulty >= 7` (option `min_difficulty`). K2 Think's
  173-problem Omni-MATH-HARD used a filter and an id list that were not published (neither is in the
  report, its repositories or the dataset card), so its score is a reference only; on the
  rule-gradable copy (`KbsdJames/omni-math-rule`, 2,821 rows) `difficulty >= 7` keeps 251 problems
  and no threshold gives 173 (>= 8: 134, >= 7.5: 149).
- `lcb-v5` keeps LiveCodeBench problems with `window[0] <= contest_date < window[1]` when rows carry
  a date (option `window`, either end may be None). The default is K2 Think's "July 2024 onwards"
  (`("2024-07-01", None)`); LiveCodeBench's own v5 window is `LCB_V5_WINDOW` (2024-08-01 to
  2025-02-01, the 279 problems of the shared copy). Hub rows are scored on public + private tests,
  the local copy on its public tests only.
- `gpqa-diamond` shuffles each question's four choices with `random.Random("gpqa-diamond:<key>")`, key =
  the Record ID (else the row index): the same order on every run and machine, recorded in
  `Problem.meta["choice_order"]` (original option index per letter; 0 is the correct answer).
- `hle` keeps text-only questions (rows whose `image` is empty) and is scored by the `judge` verifier.
- `scicode` is one problem per sub-step (the sub-problem score), `scicode-main` one per main problem
  (solved when every step's tests pass). See `scicode_rows` for the protocol and its differences
  from SciCode's own step-by-step runner; both need `test_data.h5` (see `scicode_h5`).

Options are keyword arguments of a benchmark's factory (`registry.create("benchmark", "lcb-v5",
window=("2024-08-01", "2025-02-01"))`). Every hub load records the commit it read in the
benchmark's `revision` (resolved through the hub before loading; a pinned `HubSource.revision` is
read as given).
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import os
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
    revision: str | None = None  # a commit to pin; None reads the newest (its commit is recorded)


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
    options: Callable[..., Callable] | None = None  # keyword options -> a converter
    revision: str | None = None  # the hub commit the last load read (None: local data)

    def factory(self, **options: Any) -> Benchmark:
        """What the registry calls to build this benchmark; options go to `self.options`."""
        if not options:
            return dataclasses.replace(self)
        if self.options is None:
            raise InputError(f"benchmark {self.name!r} takes no options", "drop the options")
        try:
            convert = self.options(**options)
        except TypeError as exc:
            raise InputError(f"benchmark {self.name!r}: {exc}", "see the k2-infer README") from None
        return dataclasses.replace(self, convert=convert)

    def load(self, data: str | None = None, limit: int | None = None) -> list[Problem]:
        """The benchmark's problems, from `data` (a local path) or else the hub; the first `limit`."""
        if data:
            rows, self.revision = read_local(Path(data)), None
        else:
            rows, self.revision = read_hub(self.hub)
        problems = self.convert(rows)
        if not problems:
            raise InputError(
                f"benchmark {self.name!r} found no problems in {data or self.hub.path}",
                "check that the file is one of the formats in the k2-infer README",
            )
        return problems[:limit] if limit else problems


# --- reading rows -------------------------------------------------------------------------------


def hub_commit(hub: HubSource) -> str | None:
    """The commit `hub.revision` (or the newest) names on the hub; None when the hub is unreachable."""
    try:
        from huggingface_hub import HfApi

        return HfApi().dataset_info(hub.path, revision=hub.revision).sha
    except Exception:  # offline or gated: the load itself reports it
        return None


def read_hub(hub: HubSource) -> tuple[list[tuple[int, Row]], str]:
    """Rows of a hub dataset, numbered, and the commit read (its name when it cannot be resolved).

    Needs `datasets` and network access (or a warm HF cache).
    """
    try:
        import datasets
    except ImportError:
        raise K2Error(
            "loading benchmarks from the Hugging Face hub needs `datasets`",
            "`pip install 'k2-infer[eval]'`, or pass a local file with --data",
        ) from None
    revision = hub_commit(hub) or hub.revision
    try:
        rows = datasets.load_dataset(
            hub.path, hub.name, split=hub.split, data_files=hub.data_files, revision=revision
        )
    except Exception as exc:  # network, gated dataset, missing login: all need the same advice
        raise K2Error(
            f"could not load {hub.path} from the Hugging Face hub ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})",
            "log in with `hf auth login` and accept the dataset's terms if it is gated, "
            "or pass a local copy with --data",
        ) from None
    return list(enumerate(rows)), revision or "main"


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

LCB_V5_WINDOW = ("2024-08-01", "2025-02-01")  # LiveCodeBench's own v5 window
LCB_WINDOW = ("2024-07-01", None)  # K2 Think's "July 2024 onwards"
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


def lcb_rows(window: tuple[str | None, str | None] | str = LCB_WINDOW):
    """A LiveCodeBench converter keeping `window[0] <= contest_date < window[1]` (None: open end).

    `window` may be written `"2024-08-01:2025-02-01"` (either side may be empty).
    """
    if isinstance(window, str):
        start, _, end = window.partition(":")
        window = (start or None, end or None)
    low, high = window

    def convert(rows: Iterable[tuple[int, Row]]) -> list[Problem]:
        problems = []
        for index, row in rows:
            date = str(row.get("contest_date") or "")[:10]
            if date and ((low and date < low) or (high and date >= high)):
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


# --- SciCode -----------------------------------------------------------------------------------

SCICODE_H5_ENV = "K2_SCICODE_H5"
SCICODE_STEP_PROMPT = """Write the Python function for the next step of a scientific computing \
problem.

Problem:
{problem}

Dependencies (already imported; use no others):
```python
{dependencies}
```
{earlier}
Next step:
{step}

Write this function, complete, in one ```python block (no tests, no example usage):
```python
{header}
{return_line}
```"""
SCICODE_EARLIER = """
Code of the earlier steps (already defined; do not repeat it):
```python
{code}
```
"""
SCICODE_MAIN_PROMPT = """Write Python code that solves this scientific computing problem in \
steps, one function per step.

Problem:
{problem}

Dependencies (already imported; use no others):
```python
{dependencies}
```

{steps}

Write every function, complete, in one ```python block (no tests, no example usage)."""
SCICODE_MAIN_STEP = """Step {number}: {step}
```python
{header}
{return_line}
```"""


def scicode_h5(data: str | None) -> str:
    """The path of SciCode's `test_data.h5`: `$K2_SCICODE_H5`, else beside the `--data` file."""
    places = [Path(os.environ[SCICODE_H5_ENV])] if os.environ.get(SCICODE_H5_ENV) else []
    if data:
        base = Path(data)
        places.append((base if base.is_dir() else base.parent) / "test_data.h5")
    for place in places:
        if place.is_file():
            return str(place)
    raise InputError(
        "SciCode needs its numeric targets, test_data.h5, which is not on the hub"
        + (f" (looked at {', '.join(map(str, places))})" if places else ""),
        "download it from the link in step 3 of github.com/scicode-bench/SciCode's README and set "
        f"{SCICODE_H5_ENV}=PATH (or put it beside the --data file)",
    )


def _tests(step: Row) -> list[str]:
    tests = step.get("test_cases") or []
    return list(tests.tolist() if hasattr(tests, "tolist") else tests)


def scicode_rows(rows: Iterable[tuple[int, Row]], *, h5: str, main: bool) -> list[Problem]:
    """SciCode problems (`problem_id`, `problem_description_main`, `required_dependencies`,
    `sub_steps: [{step_number, step_description_prompt, function_header, return_line, test_cases,
    ground_truth_code}]`) as k2 problems.

    `main=False`: one problem per step; its prompt and its setup carry the earlier steps' reference
    code when the rows have it (`ground_truth_code`), so each step is scored on its own (SciCode's
    runner instead builds on the model's own earlier steps). `main=True`: one problem per main
    problem, every step's function in one response, solved when every step's tests pass.
    """
    problems = []
    for index, row in rows:
        steps = list(row.get("sub_steps") or [])
        if not steps or row.get("problem_description_main") is None:
            raise InputError(
                f"SciCode row {index} has no sub_steps or problem_description_main",
                "use the rows of SciCode1/SciCode or SciCode's problems_all.jsonl",
            )
        pid = str(row.get("problem_id") or index)
        description = str(row["problem_description_main"]).strip()
        dependencies = str(row.get("required_dependencies") or "").strip()
        meta = {"problem_id": pid, "problem_name": row.get("problem_name")}
        if main:
            listed = "\n\n".join(
                SCICODE_MAIN_STEP.format(
                    number=step["step_number"],
                    step=str(step["step_description_prompt"]).strip(),
                    header=step["function_header"],
                    return_line=step.get("return_line") or "",
                )
                for step in steps
            )
            truth = {
                "h5": h5,
                "setup": dependencies,
                "steps": [{"id": str(s["step_number"]), "tests": _tests(s)} for s in steps],
            }
            prompt = SCICODE_MAIN_PROMPT.format(
                problem=description, dependencies=dependencies, steps=listed
            )
            problems.append(Problem(pid, prompt, "scicode", "scicode", truth, meta))
            continue
        earlier: list[str] = []
        for step in steps:
            code = "\n\n".join(earlier)
            prompt = SCICODE_STEP_PROMPT.format(
                problem=description,
                dependencies=dependencies,
                earlier=SCICODE_EARLIER.format(code=code) if code else "",
                step=str(step["step_description_prompt"]).strip(),
                header=step["function_header"],
                return_line=step.get("return_line") or "",
            )
            step_id = str(step["step_number"])
            truth = {
                "h5": h5,
                "setup": "\n\n".join([dependencies, code]).strip(),
                "steps": [{"id": step_id, "tests": _tests(step)}],
            }
            problems.append(
                Problem(step_id, prompt, "scicode", "scicode", truth, {**meta, "step": step_id})
            )
            if step.get("ground_truth_code"):
                earlier.append(str(step["ground_truth_code"]).strip())
    return problems


@dataclass
class SciCodeBenchmark(Benchmark):
    """SciCode: its rows from the hub or `--data`, its targets from `test_data.h5` (`scicode_h5`)."""

    main: bool = False

    def load(self, data: str | None = None, limit: int | None = None) -> list[Problem]:
        h5 = scicode_h5(data)
        self.convert = lambda rows: scicode_rows(rows, h5=h5, main=self.main)
        return super().load(data, limit)


# --- the registered set ------------------------------------------------------------------------

OMNI_REVISION = "0000b6bc8be4aa61655413073c3645ae4b3b30e8"  # KbsdJames/Omni-MATH, test.jsonl
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
        HubSource("KbsdJames/Omni-MATH", "test", revision=OMNI_REVISION),
        math_rows("math__omni_math", min_difficulty=7.0),
        "Omni-MATH problems with difficulty >= 7 (K2's 173-problem list is unpublished)",
        reported=60.73,
        options=lambda min_difficulty=7.0: math_rows("math__omni_math", float(min_difficulty)),
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
        "LiveCodeBench v5 from July 2024 (K2 Think's window), stdin and functional tests",
        reported=63.97,
        options=lambda window=LCB_WINDOW: lcb_rows(window),
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
    SciCodeBenchmark(
        "scicode",
        "scicode",
        HubSource("SciCode1/SciCode", "test"),
        lambda rows: [],  # set at load, once test_data.h5 is found
        "SciCode sub-problems (65 problems, 288 steps), each step run against its tests",
        reported=39.2,
    ),
    SciCodeBenchmark(
        "scicode-main",
        "scicode",
        HubSource("SciCode1/SciCode", "test"),
        lambda rows: [],
        "SciCode main problems: solved when every step's tests pass",
        reported=12.0,
        main=True,
    ),
]
