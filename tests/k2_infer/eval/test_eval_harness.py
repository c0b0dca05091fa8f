"""The harness: resume, retries, errored samples, settings checks, torn lines, concurrency."""

import asyncio
import json
import threading
import time

import pytest

from k2_core import BackendError, InputError, K2Error, SamplingParams, Verdict
from k2_core.errors import RetriesExhausted
from k2_core.registry import get_registry
from k2_core.testing import FakeBackend
from k2_infer.eval.harness import EvalSettings, Evaluation
from k2_infer.eval.samples import SampleLog
from k2_infer.eval.verifying import CHEAP, TRIAL

TRUTH = {"a": "1", "b": "2"}


def settings(tmp_path, toy_data, **changes):
    values = dict(
        benchmarks=["toy"],
        output=tmp_path / "run",
        n=2,
        backend="fake",
        data={"toy": str(toy_data(TRUTH))},
        sampling=SamplingParams(max_tokens=50, stop=["</answer>"]),
        retry_delay=0.0,
    )
    return EvalSettings(**{**values, **changes})


def run(settings, backend):
    """The run's summary as `summary.json` holds it."""
    return asyncio.run(Evaluation(settings, backend).run()).to_dict()


def lines(tmp_path):
    return [json.loads(x) for x in (tmp_path / "run/samples.jsonl").read_text().splitlines()]


def test_rerun_skips_finished_samples_and_adds_new_runs(tmp_path, toy, toy_data):
    backend = FakeBackend("<answer>1</answer>")
    run(settings(tmp_path, toy_data), backend)
    assert backend.call_count == 4
    run(settings(tmp_path, toy_data), backend)
    assert backend.call_count == 4  # nothing left to do
    summary = run(settings(tmp_path, toy_data, n=3), backend)
    assert backend.call_count == 6  # only run 2 of each problem
    assert len(lines(tmp_path)) == 6
    assert summary["benchmarks"]["toy"]["avg@n"] == pytest.approx(50.0)  # a right, b wrong


def test_backend_errors_are_retried(tmp_path, toy, toy_data):
    backend = FakeBackend("<answer>1</answer>", fail_times=2)
    summary = run(settings(tmp_path, toy_data, concurrency=1), backend)
    assert summary["benchmarks"]["toy"]["status"] == "complete"
    assert lines(tmp_path)[0]["attempts"] == 3


class BrokenFor:
    """A backend that always fails for one problem's prompt."""

    name = "broken"

    def __init__(self, prompt):
        self.prompt, self.inner = prompt, FakeBackend("<answer>2</answer>")

    async def generate(self, request):
        if request.messages[-1].content == self.prompt:
            raise RetriesExhausted("server down", "start it")
        return await self.inner.generate(request)

    async def aclose(self):
        pass


def test_failing_samples_are_recorded_not_counted_wrong_then_retried(tmp_path, toy, toy_data):
    summary = run(settings(tmp_path, toy_data, retries=1), BrokenFor("question a"))
    scores = summary["benchmarks"]["toy"]
    assert scores["status"] == "incomplete" and "avg@n" not in scores
    assert scores["errored"] == 2 and scores["missing"] == 2
    errored = [s for s in lines(tmp_path) if s["status"] == "error"]
    assert {s["problem_id"] for s in errored} == {"a"}
    assert errored[0]["error"] == "RetriesExhausted: server down; start it"
    assert errored[0]["attempts"] == 2

    partial = run(settings(tmp_path, toy_data, allow_partial=True), BrokenFor("question a"))
    assert partial["benchmarks"]["toy"]["status"] == "partial"
    assert partial["benchmarks"]["toy"]["avg@n"] == 100.0  # only b, which is right

    working = FakeBackend("<answer>1</answer>")
    fixed = run(settings(tmp_path, toy_data), working)
    assert working.call_count == 2  # only a's two runs are tried again
    scores = fixed["benchmarks"]["toy"]
    assert scores["status"] == "complete" and scores["errored"] == 0
    assert scores["avg@n"] == 100.0  # a now right; b right since the first run


def test_a_failure_that_retrying_cannot_mend_stops_the_run_at_once(tmp_path, toy, toy_data):
    class Rejected(FakeBackend):
        tries = 0

        async def generate(self, request):
            Rejected.tries += 1
            raise BackendError("the server rejected the API key (401)", "set OPENAI_API_KEY")

    backend = Rejected("")
    with pytest.raises(BackendError, match="401"):
        run(settings(tmp_path, toy_data, n=4, concurrency=1, retries=3), backend)
    assert Rejected.tries == 1  # not once per sample, not once per retry
    assert not (tmp_path / "run/samples.jsonl").read_text()  # nothing recorded as errored


def test_a_backend_missing_its_library_stops_the_run_once(tmp_path, toy, toy_data):
    class NoTorch(FakeBackend):
        tries = 0

        async def generate(self, request):
            NoTorch.tries += 1
            raise ModuleNotFoundError("No module named 'torch'")

    with pytest.raises(K2Error, match="cannot run: ModuleNotFoundError: No module named 'torch'"):
        run(settings(tmp_path, toy_data, concurrency=1), NoTorch(""))
    assert NoTorch.tries == 1


def test_the_backend_gets_the_concurrency_as_its_cap(tmp_path, toy, toy_data):
    evaluation = Evaluation(
        settings(
            tmp_path,
            toy_data,
            backend="openai",
            concurrency=64,
            backend_options={"base_url": "http://127.0.0.1:9/v1"},
        )
    )
    backend = evaluation._backend()
    assert backend.inner._limit._value == 64  # not the backend's default of 16
    asyncio.run(backend.aclose())


def test_resuming_with_other_data_under_the_same_ids_is_refused(tmp_path, toy, toy_data):
    run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))
    changed = tmp_path / "other.jsonl"
    changed.write_text((tmp_path / "toy.jsonl").read_text().replace('"1"', '"7"'))
    other = settings(tmp_path, toy_data, data={"toy": str(changed)})
    with pytest.raises(InputError, match="toy.data_digest"):
        run(other, FakeBackend("<answer>1</answer>"))
    other.force_new = True  # starts afresh, the old samples moved aside
    run(other, FakeBackend("<answer>7</answer>"))
    assert len(lines(tmp_path)) == 4
    assert list((tmp_path / "run").glob("samples.jsonl.old-*"))


def test_a_second_run_on_the_same_folder_is_refused(tmp_path, toy, toy_data):
    from k2_core.results_log import FolderLock, ResultsLogBusy

    with FolderLock(tmp_path / "run"), pytest.raises(ResultsLogBusy, match="another run"):
        run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))


@pytest.mark.parametrize(
    ("text", "match"),
    [("{not json", "not a JSON object"), ('{"benchmark": "toy"}', "lacks problem_id, run, status")],
)
def test_a_corrupt_samples_line_is_one_line_error(tmp_path, toy, toy_data, text, match):
    run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))
    with (tmp_path / "run/samples.jsonl").open("a") as file:
        file.write(text + "\n")
    with pytest.raises(InputError, match=match):
        run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))


def test_a_corrupt_run_json_is_one_line_error(tmp_path, toy, toy_data):
    (tmp_path / "run").mkdir()
    (tmp_path / "run/run.json").write_text("[1, 2")
    with pytest.raises(InputError, match="run.json is not a run identity.*--force-new"):
        run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))


def test_resuming_with_other_settings_is_refused(tmp_path, toy, toy_data):
    run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))
    changed = settings(tmp_path, toy_data, sampling=SamplingParams(max_tokens=99))
    with pytest.raises(InputError, match="different settings \\(sampling\\)"):
        run(changed, FakeBackend("<answer>1</answer>"))


def test_a_torn_last_line_is_dropped_and_the_file_stays_valid(tmp_path):
    path = tmp_path / "samples.jsonl"
    good = {"benchmark": "toy", "problem_id": "a", "run": 0, "status": "ok"}
    path.write_text(json.dumps(good) + "\n" + '{"benchmark": "toy", "problem_id": "b", "ru')
    log = SampleLog(path)
    assert log.done(("toy", "a", 0)) and not log.done(("toy", "b", 0))
    log.append({**good, "problem_id": "b"})
    log.close()
    assert [json.loads(x)["problem_id"] for x in path.read_text().splitlines()] == ["a", "b"]


def test_prompts_carry_the_system_prompt_and_runs_get_their_own_seed(tmp_path, toy, toy_data):
    backend = FakeBackend("<answer>1</answer>")
    run(settings(tmp_path, toy_data, system_prompt="Think first."), backend)
    assert {call.params.seed for call in backend.calls} == {0, 1}
    assert all(call.messages[0].content == "Think first." for call in backend.calls)
    assert all(call.params.stop == ["</answer>"] and call.params.n == 1 for call in backend.calls)


def test_concurrency_is_bounded(tmp_path, toy, toy_data):
    class Counting(FakeBackend):
        in_flight = peak = 0

        async def generate(self, request):
            Counting.in_flight += 1
            Counting.peak = max(Counting.peak, Counting.in_flight)
            try:
                return await super().generate(request)
            finally:
                Counting.in_flight -= 1

    run(
        settings(tmp_path, toy_data, n=8, concurrency=3),
        Counting("<answer>1</answer>", latency=0.01),
    )
    assert Counting.peak == 3


def test_unknown_benchmark_names_what_is_installed(tmp_path, toy, toy_data):
    with pytest.raises(K2Error) as error:
        Evaluation(settings(tmp_path, toy_data, benchmarks=["aime42"], data={}))
    assert "no benchmark 'aime42'" in str(error.value) and "aime24" in str(error.value)


def test_k2_pipeline_samples_record_the_chosen_answer_and_token_bill(tmp_path, toy, toy_data):
    backend = FakeBackend(
        {"planner": '{"hard": false, "topics": []}', "solver": "<answer>1</answer>", "*": "A"}
    )
    summary = run(settings(tmp_path, toy_data, pipeline="k2", n=1), backend)
    assert summary["benchmarks"]["toy"]["avg@n"] == pytest.approx(50.0)  # a right, b wrong
    sample = lines(tmp_path)[0]
    assert sample["response"] == "<answer>1" and sample["status"] == "ok"
    assert sample["usage"]["solver"]["completion_tokens"] > 0
    assert any(call.role == "planner" for call in backend.calls)


def test_a_verifier_that_cannot_grade_makes_an_errored_sample(tmp_path, toy, toy_data, monkeypatch):
    def unavailable(self, response, problem):
        return Verdict(0.0, False, None, "judge_unavailable", {"error": "no judge server"})

    monkeypatch.setattr(get_registry().entry("verifier", "exact").factory, "verify", unavailable)
    summary = run(settings(tmp_path, toy_data), FakeBackend("<answer>1</answer>"))
    assert summary["benchmarks"]["toy"]["status"] == "incomplete"
    assert summary["benchmarks"]["toy"]["errored"] == 4
    assert lines(tmp_path)[0]["error"].startswith("verifier judge_unavailable")


def test_a_verifier_that_blocks_never_runs_on_the_event_loop(tmp_path, toy, toy_data, monkeypatch):
    exact = get_registry().entry("verifier", "exact").factory
    verify, threads = exact.verify, []

    def blocking(self, response, problem):
        time.sleep(2 * CHEAP)  # too slow to be moved onto the loop
        threads.append(threading.get_ident())
        return verify(self, response, problem)

    monkeypatch.setattr(exact, "verify", blocking)
    summary = run(settings(tmp_path, toy_data, n=2 * TRIAL), FakeBackend("<answer>1</answer>"))
    assert summary["benchmarks"]["toy"]["avg@n"] == pytest.approx(50.0)  # a right, b wrong
    assert len(threads) == 4 * TRIAL and threading.get_ident() not in threads


def test_duplicate_problem_ids_are_refused(tmp_path, toy):
    data = tmp_path / "dup.jsonl"
    data.write_text(
        '{"id": "a", "problem": "x", "answer": "1"}\n{"id": "a", "problem": "y", "answer": "2"}\n'
    )
    with pytest.raises(InputError, match="problem id 'a' more than once"):
        Evaluation(EvalSettings(["toy"], tmp_path / "run", backend="fake", data={"toy": str(data)}))


def test_progress_line_shows_counts_accuracy_and_errors():
    import io

    from k2_infer.eval.progress import Progress

    stream = io.StringIO()
    progress = Progress(4, stream=stream, every=3600)
    progress.update(True)
    progress.update(False)
    progress.update(False, errored=True)
    progress.close()
    line = stream.getvalue().strip()
    assert line.startswith("eval 3/4 samples · accuracy 50.0% · 1 errored")
    assert "ETA" in line and line.count("\n") == 0


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"n": 0}, "n must be"),
        ({"concurrency": 0}, "concurrency must be"),
        ({"limit": 0}, "limit must be at least 1"),
        ({"limit": -1}, "limit must be at least 1"),  # would drop the last problem
        ({"retries": -1}, "retries must be 0 or more"),
        ({"benchmarks": []}, "no benchmark given"),
    ],
)
def test_settings_that_would_sample_nothing_are_refused(tmp_path, toy, toy_data, change, match):
    with pytest.raises(InputError, match=match):
        Evaluation(settings(tmp_path, toy_data, **change))
