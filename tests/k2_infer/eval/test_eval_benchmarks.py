"""Benchmark loaders on the shared copies, synthetic GPQA/HLE rows, and the hub path via `datasets`."""

import base64
import json
import pickle
import zlib
from pathlib import Path

import pytest

from k2_core import InputError
from k2_core.registry import get_registry
from k2_infer.eval.benchmarks import HubSource

SHARED = Path(__file__).parents[3] / "shared" / "benchmarks"
if not SHARED.exists():
    SHARED = Path("/work/shared/benchmarks")


def load(name, path=None, **kwargs):
    return get_registry().create("benchmark", name).load(str(path) if path else None, **kwargs)


@pytest.mark.parametrize(
    "path, first_id",
    [
        ("aime_2024/QwenLM__Qwen2.5-Math/test.jsonl", "60"),
        ("aime_2024/mlfoundations__evalchemy/aime24.json", "aime24-0"),
        ("aime_2024/agentica-project__rllm/aime.json", "2024-I-1"),
        ("aime_2024/QwenLM__QwQ/aime24.jsonl", "0"),
    ],
)
def test_every_aime24_copy_loads_the_same_answers(path, first_id):
    problems = load("aime24", SHARED / path)
    assert len(problems) == 30 and problems[0].id == first_id
    reference = load("aime24", SHARED / "aime_2024/QwenLM__Qwen2.5-Math/test.jsonl")
    assert sorted(int(p.ground_truth) for p in problems) == sorted(
        int(p.ground_truth) for p in reference
    )
    assert all(p.domain == "math" and p.data_source == "math__aime24" for p in problems)


def test_matharena_folders_join_answers_and_tex_statements():
    aime = load("aime25", SHARED / "aime_2025/eth-sri__matharena")
    assert len(aime) == 30 and aime[0].id == "aime_2025_I-1" and aime[15].id == "aime_2025_II-1"
    assert aime[0].ground_truth == "70" and "$17_b$" in aime[0].prompt
    evalchemy = load("aime25", SHARED / "aime_2025/mlfoundations__evalchemy/aime25.json")
    assert [p.ground_truth for p in aime] == [p.ground_truth for p in evalchemy]
    hmmt = load("hmmt25", SHARED / "hmmt_feb_2025/eth-sri__matharena")
    assert len(hmmt) == 30 and {p.id for p in hmmt} == {str(i) for i in range(1, 31)}
    assert next(p for p in hmmt if p.id == "10").ground_truth.count("sqrt{17}") == 2


def test_omni_hard_keeps_difficulty_7_and_up(tmp_path):
    problems = load(
        "omni-hard", SHARED / "omni_math/KbsdJames__omni-math-rule/test.difficulty_ge_7.jsonl"
    )
    assert len(problems) == 251 and min(p.meta["difficulty"] for p in problems) >= 7
    rows = [{"problem": f"p{d}", "answer": "1", "difficulty": d} for d in (3.0, 6.5, 7.0, 9.5)]
    path = tmp_path / "omni.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert [p.prompt for p in load("omni-hard", path)] == ["p7.0", "p9.5"]


def test_livecodebench_folder_joins_tests_with_ids_and_dates():
    problems = load("lcb-v5", SHARED / "livecodebench")
    assert len(problems) == 279
    stdin = [p for p in problems if p.meta["testtype"] == "stdin"]
    functional = [p for p in problems if p.meta["testtype"] == "functional"]
    assert (len(stdin), len(functional)) == (175, 104)
    first = problems[0]
    assert first.id == "abc365_b" and first.domain == "code"
    assert first.ground_truth[0] == {"input": "4\n8 2 5 1\n", "output": "3\n", "testtype": "stdin"}
    assert all("2024-08-01" <= p.meta["contest_date"] < "2025-02-01" for p in problems)
    assert all(p.meta["fn_name"] for p in functional)
    assert functional[0].meta["fn_name"] == "shortestDistanceAfterQueries"


def hub_row(date, tests, private):
    blob = base64.b64encode(zlib.compress(pickle.dumps(json.dumps(private)))).decode()
    return {
        "question_id": f"q-{date}",
        "question_content": "Print 1.",
        "contest_date": f"{date}T00:00:00",
        "starter_code": "",
        "public_test_cases": json.dumps(tests),
        "private_test_cases": blob,
        "metadata": "{}",
    }


def test_livecodebench_hub_rows_decode_private_tests_and_filter_the_window(tmp_path):
    public = [{"input": "", "output": "1\n", "testtype": "stdin"}]
    private = [{"input": "x", "output": "1\n", "testtype": "stdin"}]
    rows = [
        hub_row(d, public, private)
        for d in ("2024-07-31", "2024-08-01", "2025-01-31", "2025-02-01")
    ]
    path = tmp_path / "lcb.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    problems = load("lcb-v5", path)  # K2 Think's window: July 2024 onwards
    assert [p.id for p in problems] == [row["question_id"] for row in rows]
    assert problems[0].ground_truth == public + private
    assert "Question: Print 1." in problems[0].prompt and "# YOUR CODE HERE" in problems[0].prompt
    v5 = get_registry().create("benchmark", "lcb-v5", window="2024-08-01:2025-02-01")
    assert [p.id for p in v5.load(str(path))] == ["q-2024-08-01", "q-2025-01-31"]
    july = get_registry().create("benchmark", "lcb-v5", window=("2024-07-01", "2024-08-01"))
    assert [p.id for p in july.load(str(path))] == ["q-2024-07-31"]


def test_omni_hard_takes_a_difficulty_option_and_pins_its_revision(tmp_path):
    rows = [{"problem": f"p{d}", "answer": "1", "difficulty": d} for d in (6.5, 7.0, 9.5)]
    path = tmp_path / "omni.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    hard = get_registry().create("benchmark", "omni-hard", min_difficulty=9)
    assert [p.prompt for p in hard.load(str(path))] == ["p9.5"]
    assert hard.hub.revision == "0000b6bc8be4aa61655413073c3645ae4b3b30e8"
    with pytest.raises(InputError, match="min_dificulty"):
        get_registry().create("benchmark", "omni-hard", min_dificulty=9)


def test_a_hub_load_records_the_commit_it_read(tmp_path, monkeypatch):
    import datasets
    import huggingface_hub

    asked = {}

    class Info:
        sha = "c0ffee" * 6 + "abcd"

    monkeypatch.setattr(
        huggingface_hub.HfApi, "dataset_info", lambda api, path, revision=None: Info()
    )
    rows = [{"problem": "p", "answer": "1", "difficulty": 8}]
    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **k: asked.update(k) or rows)
    benchmark = get_registry().create("benchmark", "omni-hard")
    assert benchmark.revision is None
    benchmark.load()
    assert benchmark.revision == Info.sha and asked["revision"] == Info.sha


def test_livecodebench_private_tests_never_unpickle_objects(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    row = hub_row("2024-09-01", [], [])
    row["private_test_cases"] = base64.b64encode(zlib.compress(pickle.dumps(Evil()))).decode()
    path = tmp_path / "lcb.jsonl"
    path.write_text(json.dumps(row))
    with pytest.raises(InputError, match="builtins.print"):
        load("lcb-v5", path)


def gpqa_rows(count):
    return [
        {
            "Question": f"Which is right, number {i}?",
            "Correct Answer": f"right {i}",
            "Incorrect Answer 1": f"wrong {i}a",
            "Incorrect Answer 2": f"wrong {i}b",
            "Incorrect Answer 3": f"wrong {i}c",
            "Record ID": f"rec{i}",
            "Subdomain": "Physics",
        }
        for i in range(count)
    ]


def test_gpqa_shuffles_with_a_fixed_recorded_seed(tmp_path):
    path = tmp_path / "gpqa.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in gpqa_rows(12)))
    problems = load("gpqa-diamond", path)
    again = load("gpqa-diamond", path)
    assert [p.prompt for p in problems] == [p.prompt for p in again]
    for i, problem in enumerate(problems):
        letter = problem.ground_truth
        assert f"{letter}) right {i}" in problem.prompt
        order = problem.meta["choice_order"]
        assert sorted(order) == [0, 1, 2, 3] and order["ABCD".index(letter)] == 0
        assert problem.meta["shuffle_seed"] == f"gpqa-diamond:rec{i}"
        assert problem.domain == "multiple_choice" and problem.id == f"rec{i}"
    assert len({p.ground_truth for p in problems}) > 1, "the correct letter must move around"


def test_hle_keeps_text_only_questions(tmp_path):
    rows = [
        {"id": "t1", "question": "What?", "image": "", "answer": "42", "answer_type": "exactMatch"},
        {"id": "i1", "question": "See image", "image": "data:image/png;base64,AAAA", "answer": "x"},
        {
            "id": "t2",
            "question": "Pick",
            "image": "",
            "answer": "B",
            "answer_type": "multipleChoice",
        },
    ]
    path = tmp_path / "hle.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    problems = load("hle", path)
    assert [p.id for p in problems] == ["t1", "t2"]
    assert problems[0].domain == "judge" and problems[0].ground_truth == "42"


def test_hub_loading_goes_through_datasets(tmp_path, monkeypatch):
    pytest.importorskip("datasets", reason="the hub path needs k2-infer[eval]")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "hub"
    folder.mkdir()
    rows = [{"problem_idx": i, "problem": f"p{i}", "answer": str(i)} for i in range(1, 4)]
    (folder / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    benchmark = get_registry().create("benchmark", "aime25")
    monkeypatch.setattr(benchmark, "hub", HubSource(str(folder), "train"))
    problems = benchmark.load(limit=2)
    assert [(p.id, p.ground_truth) for p in problems] == [("1", "1"), ("2", "2")]


def test_bad_files_get_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load("aime24", tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"problem": "x", "answer": "1"}\n{oops\n')
    with pytest.raises(InputError, match="line 2"):
        load("aime24", broken)
    no_answer = tmp_path / "no_answer.jsonl"
    no_answer.write_text('{"problem": "x"}\n')
    with pytest.raises(InputError, match="row 0 has no problem text or no answer"):
        load("aime24", no_answer)
