"""Contract tests that third-party plugins subclass to prove they behave.

    from k2_core.testing.contracts import VerifierContract

    class TestPalindrome(VerifierContract):
        verifier_name = "palindrome"
        cases = [("<answer>abba</answer>", Problem(id="1", prompt="", domain="palindrome"), True), ...]

Each contract is a plain class (its name does not start with `Test`, so pytest only collects your
subclass). Class attributes say what to build; every `test_*` method checks one promise. The
contracts build and call a plugin the way the k2 CLIs do: by name through the registry, with only
the options those hosts pass (see `HOST_VERIFIER_OPTIONS`).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any, ClassVar

from ..protocols import Backend, Benchmark, Planner, Sampler, Selector, Verifier
from ..registry import get_registry
from ..types import (
    Candidate,
    Completion,
    GenerationRequest,
    Message,
    Plan,
    Problem,
    SamplingParams,
)
from .fake_backend import FakeBackend

# What hosts pass a verifier factory besides your `options`: k2-verify (check, batch), training
# rewards and the eval harness pass `timeout` (seconds) when, and only when, the factory has
# that parameter; a verifier without one is bounded by the host (a worker process it kills).
HOST_VERIFIER_OPTIONS = {"timeout": 5.0}

HOSTILE_RESPONSES = [
    "",
    " \n\t ",
    "x" * 100_000,
    "{" * 5000 + "}" * 5000,
    "\\boxed{" * 2000,
    "<answer>" * 1000,
    "\x00\x01\ufffd\U0001f600 ∞ √",
    "```python\nimport os; os.system('echo pwned')\n```",
]


class VerifierContract:
    """Subclass and set `verifier_name`, `cases` (response, problem, expected correct), `options`."""

    verifier_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    cases: ClassVar[list[tuple[str, Problem, bool]]] = []

    def make_verifier(self, **host_options: Any) -> Verifier:
        return get_registry().create("verifier", self.verifier_name, **self.options, **host_options)

    def host_options(self) -> dict[str, Any]:
        """The options a k2 host adds for this factory (`HOST_VERIFIER_OPTIONS` it has)."""
        factory = get_registry().entry("verifier", self.verifier_name).load()
        parameters = inspect.signature(factory).parameters
        return {k: v for k, v in HOST_VERIFIER_OPTIONS.items() if k in parameters}

    def test_is_registered(self):
        assert self.verifier_name in get_registry().names("verifier")

    def test_builds_as_the_hosts_build_it(self):
        """`k2-verify check` without flags passes nothing; `--timeout` and the pool pass timeout."""
        assert isinstance(self.make_verifier(), Verifier)
        assert isinstance(self.make_verifier(**self.host_options()), Verifier)

    def test_needs_ground_truth_is_readable_before_building(self):
        """`k2-verify check` reads it from the factory to decide whether -g is required."""
        factory = get_registry().entry("verifier", self.verifier_name).load()
        assert isinstance(getattr(factory, "needs_ground_truth", True), bool)
        built = self.make_verifier().needs_ground_truth
        assert getattr(factory, "needs_ground_truth", built) == built

    def test_cases_route_to_this_verifier(self):
        """Each case's domain / data_source finds this verifier, as every host looks it up."""
        for _, problem, _ in self.cases:
            entry = get_registry().verifier_for(problem.domain, problem.data_source or None)
            assert entry.name == self.verifier_name, (problem.domain, problem.data_source)

    def test_implements_protocol(self):
        verifier = self.make_verifier()
        assert isinstance(verifier, Verifier)
        assert isinstance(verifier.needs_ground_truth, bool)

    def test_cases_cover_both_labels(self):
        labels = {expected for _, _, expected in self.cases}
        assert labels == {True, False}, "give at least one correct and one incorrect case"

    def test_cases(self):
        verifier = self.make_verifier(**self.host_options())
        for response, problem, expected in self.cases:
            verdict = verifier.verify(response, problem)
            assert 0.0 <= verdict.score <= 1.0, verdict
            assert verdict.correct is expected, (response, verdict)
            assert verdict.reason, "a verdict says why"

    def test_deterministic(self):
        verifier = self.make_verifier()
        for response, problem, _ in self.cases:
            first = verifier.verify(response, problem).to_dict()
            assert verifier.verify(response, problem).to_dict() == first

    def test_hostile_input_gives_a_verdict(self):
        verifier = self.make_verifier()
        problem = self.cases[0][1]
        for response in HOSTILE_RESPONSES:
            verdict = verifier.verify(response, problem)
            assert 0.0 <= verdict.score <= 1.0
            if not response.strip():
                assert not verdict.correct, "an empty response is never correct"

    def test_verdict_is_json_serialisable(self):
        response, problem, _ = self.cases[0]
        json.dumps(self.make_verifier().verify(response, problem).to_dict())


class BackendContract:
    """Subclass and set `backend_name` and `options` (point it at a local server or model)."""

    backend_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    prompt: ClassVar[str] = "Say hello."
    max_tokens: ClassVar[int] = 16

    def make_backend(self) -> Backend:
        return get_registry().create("backend", self.backend_name, **self.options)

    def request(self, n: int = 1) -> GenerationRequest:
        params = SamplingParams(max_tokens=self.max_tokens, temperature=1.0, n=n, seed=0)
        return GenerationRequest([Message("user", self.prompt)], params)

    def run(self, make_coro):
        async def main():
            backend = self.make_backend()
            try:
                return await make_coro(backend)
            finally:
                await backend.aclose()

        return asyncio.run(main())

    def test_implements_protocol(self):
        assert isinstance(self.make_backend(), Backend)

    def test_returns_n_completions_with_accounting(self):
        completions = self.run(lambda backend: backend.generate(self.request(n=2)))
        assert len(completions) == 2
        for completion in completions:
            assert isinstance(completion, Completion)
            assert completion.finish_reason in {"stop", "length"}
            assert 0 < completion.usage.completion_tokens <= self.max_tokens
            assert completion.usage.prompt_tokens > 0
            assert completion.latency > 0
            assert completion.backend

    def test_concurrent_requests(self):
        async def three(backend):
            return await asyncio.gather(*(backend.generate(self.request()) for _ in range(3)))

        assert [len(batch) for batch in self.run(three)] == [1, 1, 1]


class SelectorContract:
    """Subclass and set `selector_name`, `options`, and `judge_backend()` if the selector needs one.

    The selector is handed `verifier()` as the problem's verifier: None by default (a problem no
    verifier serves); override it for a selector that needs one. The pipeline calls
    `select(problem, candidates, judge_backend, verifier)` with one candidate or more; it never
    calls it with none.
    """

    selector_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}

    def judge_backend(self) -> Backend | None:
        return None

    def verifier(self) -> Verifier | None:
        return None

    def candidates(self) -> list[Candidate]:
        texts = ["<answer>4</answer>", "<answer>5</answer>", "<answer>4</answer>"]
        return [Candidate(i, Completion(t), answer=t[8:-9]) for i, t in enumerate(texts)]

    def test_implements_protocol(self):
        assert isinstance(
            get_registry().create("selector", self.selector_name, **self.options), Selector
        )

    def test_selects_a_candidate(self):
        selector = get_registry().create("selector", self.selector_name, **self.options)
        problem = Problem(id="p", prompt="What is 2 + 2?", ground_truth=None)
        candidates = self.candidates()
        selection = asyncio.run(
            selector.select(problem, candidates, self.judge_backend(), self.verifier())
        )
        assert 0 <= selection.index < len(candidates)
        assert selection.selector == self.selector_name

    def test_one_candidate_is_selected(self):
        selector = get_registry().create("selector", self.selector_name, **self.options)
        problem = Problem(id="p", prompt="What is 2 + 2?")
        selection = asyncio.run(
            selector.select(problem, self.candidates()[:1], self.judge_backend(), self.verifier())
        )
        assert selection.index == 0

    def test_candidates_are_left_as_they_were(self):
        selector = get_registry().create("selector", self.selector_name, **self.options)
        candidates = self.candidates()
        before = [c.to_dict() for c in candidates]
        problem = Problem(id="p", prompt="What is 2 + 2?")
        asyncio.run(selector.select(problem, candidates, self.judge_backend(), self.verifier()))
        assert [c.completion.text for c in candidates] == [b["completion"]["text"] for b in before]
        assert len(candidates) == len(before)


class SamplerContract:
    """Subclass and set `sampler_name`, `options` (e.g. `{"n": 4}`) and `replies` (what the fake
    solver answers, in turn; its words carry log-probabilities, `logprob(text)`, for samplers that
    read confidence).

    The pipeline calls `await sampler.sample(request, backend, verifier=..., on_candidate=...)`
    and puts the candidates it returns to the selectors, leaving out those whose `stopped` says
    why the sampler stopped or dropped them.
    """

    sampler_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    replies: ClassVar[list[str]] = ["<answer>4</answer>", "<answer>5</answer>"]

    @staticmethod
    def logprob(text: str) -> float:
        return -1.0

    def make_sampler(self) -> Sampler:
        return get_registry().create("sampler", self.sampler_name, **self.options)

    def sample(self, request: GenerationRequest | None = None, **keywords: Any) -> list[Candidate]:
        backend = FakeBackend({"solver": self.replies}, logprob=self.logprob)
        request = request or self.request()
        return asyncio.run(self.make_sampler().sample(request, backend, **keywords))

    def request(self) -> GenerationRequest:
        return GenerationRequest([Message("user", "What is 2 + 2?")], SamplingParams(seed=1))

    def test_implements_protocol(self):
        sampler = self.make_sampler()
        assert isinstance(sampler, Sampler)
        assert sampler.name == self.sampler_name

    def test_candidates_are_numbered_and_usable(self):
        candidates = self.sample()
        assert candidates, "a sampler returns at least one candidate (or raises)"
        assert [c.index for c in candidates] == list(range(len(candidates)))
        assert any(c.error is None for c in candidates)
        json.dumps([c.to_dict() for c in candidates])

    def test_every_candidate_is_reported_once(self):
        reported: list[int] = []
        candidates = self.sample(on_candidate=lambda c: reported.append(c.index))
        assert sorted(reported) == [c.index for c in candidates]

    def test_a_stopped_candidate_says_why_and_gave_no_answer_if_cut(self):
        for candidate in self.sample():
            if candidate.completion.finish_reason == "cancelled":
                assert candidate.stopped, "a trace stopped mid-generation says why"
                assert candidate.answer is None
            assert candidate.stopped is None or isinstance(candidate.stopped, str)

    def test_the_request_is_left_as_it_was(self):
        request = self.request()
        before = request.to_dict()
        self.sample(request)
        assert request.to_dict() == before


class PlannerContract:
    """Subclass and set `planner_name`, `options`, and `replies` (what the fake model answers).

    The pipeline calls `await planner.plan(problem, backend)` with the solver's (or the planner's)
    backend and puts the returned `Plan.text` in the solver prompt; None means no plan.
    """

    planner_name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    replies: ClassVar[Any] = "A short plan: try small cases first."
    problem: ClassVar[Problem] = Problem(
        id="p", prompt="What is the sum of the first 10 odd numbers?", ground_truth="100"
    )

    def make_planner(self) -> Planner:
        return get_registry().create("planner", self.planner_name, **self.options)

    def plan(self, replies: Any = None) -> Plan | None:
        async def main():
            backend = FakeBackend(self.replies if replies is None else replies)
            try:
                return await self.make_planner().plan(self.problem, backend)
            finally:
                await backend.aclose()

        return asyncio.run(main())

    def test_is_registered(self):
        assert self.planner_name in get_registry().names("planner")

    def test_implements_protocol(self):
        assert isinstance(self.make_planner(), Planner)

    def test_returns_a_plan_or_none(self):
        plan = self.plan()
        assert plan is None or (isinstance(plan, Plan) and isinstance(plan.text, str))
        if plan is not None:
            json.dumps(plan.to_dict())

    def test_a_model_that_talks_nonsense_still_gives_a_plan_or_none(self):
        for reply in ("", "{", "}}}}", "x" * 10_000):
            plan = self.plan(reply)
            assert plan is None or isinstance(plan.text, str)


class BenchmarkContract:
    """Subclass and set `benchmark_name` and `data` (a local file or folder the benchmark reads).

    `k2-infer eval NAME --data PATH --limit K` calls `load(PATH, K)`, scores each problem with the
    verifier its `domain`/`data_source` routes to, and writes a report from `name`, `domain` and,
    when the benchmark has them, `description` and `reported` (K2 Think's score in percent).
    """

    benchmark_name: ClassVar[str]
    data: ClassVar[str | None] = None
    limit: ClassVar[int] = 2

    def make_benchmark(self) -> Benchmark:
        return get_registry().create("benchmark", self.benchmark_name)

    def load(self, limit: int | None = None) -> list[Problem]:
        return self.make_benchmark().load(self.data, limit)

    def test_is_registered(self):
        assert self.benchmark_name in get_registry().names("benchmark")

    def test_implements_protocol(self):
        benchmark = self.make_benchmark()
        assert isinstance(benchmark, Benchmark)
        assert isinstance(benchmark.name, str) and isinstance(benchmark.domain, str)
        assert isinstance(getattr(benchmark, "description", ""), str)
        reported = getattr(benchmark, "reported", None)
        assert reported is None or 0 <= reported <= 100

    def test_problems_are_well_formed(self):
        problems = self.load()
        assert problems, "the benchmark loads at least one problem from `data`"
        ids = [p.id for p in problems]
        assert len(set(ids)) == len(ids), "problem ids are unique (samples are keyed by them)"
        for problem in problems:
            assert isinstance(problem, Problem) and problem.prompt.strip()
            json.dumps(problem.to_dict())

    def test_limit_takes_the_first_problems(self):
        everything = self.load()
        first = self.load(self.limit)
        assert [p.id for p in first] == [p.id for p in everything[: self.limit]]

    def test_every_problem_has_a_verifier(self):
        """What the harness does first: find the verifier for each problem's route."""
        for problem in self.load():
            get_registry().verifier_for(
                problem.domain or self.make_benchmark().domain, problem.data_source or None
            )
