"""Plain dataclasses shared by every k2 package.

They carry data between plugins: requests to backends, completions back, problems to verifiers,
verdicts back, and the whole trace of a solve. `to_dict()` gives JSON-ready dicts; `from_dict()`
reads them back where a type is stored on disk (problems, completions, verdicts).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError


def _from_dict(cls, data: dict[str, Any]):
    """Build dataclass `cls` from `data`, ignoring keys it does not know (forward compatibility)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


class _Serializable:
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[arg-type]


@dataclass
class Message(_Serializable):
    """One chat message. `role` is `system`, `user` or `assistant`."""

    role: str
    content: str


@dataclass
class SamplingParams(_Serializable):
    """How to sample. `n` completions are drawn for one request, in one batch where the backend can.

    `logprobs` asks for per-token log-probabilities with that many top alternatives per token
    (0: the chosen token's only); None asks for none. Backends that cannot give them leave
    `Completion.logprobs` None.
    """

    max_tokens: int = 1024
    temperature: float = 1.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    n: int = 1
    logprobs: int | None = None

    def replace(self, **changes: Any) -> SamplingParams:
        """A copy with `changes` applied; `None` values are ignored, so CLI flags can pass through."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass
class Structured(_Serializable):
    """A constraint on a reply's text: exactly one of

    - `json_schema`: JSON matching this schema;
    - `choice`: exactly one of these strings;
    - `regex`: text that fully matches this regular expression.

    `name` labels the schema where an API wants one (OpenAI's `json_schema.name`). Local backends
    enforce the constraint token by token; OpenAI-style APIs get `response_format()` (which cannot
    say "regex", so asking one for a regex is an error).
    """

    json_schema: dict[str, Any] | None = None
    choice: list[str] | None = None
    regex: str | None = None
    name: str = "reply"

    def __post_init__(self) -> None:
        given = [
            key for key in ("json_schema", "choice", "regex") if getattr(self, key) is not None
        ]
        if len(given) != 1:
            raise InputError(
                f"a structured-output constraint needs exactly one kind, got {given or 'none'}",
                "pass one of json_schema=, choice= or regex=",
            )
        if self.choice is not None and not self.choice:
            raise InputError("a choice constraint needs at least one option", "pass choice=[...]")

    @classmethod
    def from_response_format(cls, response_format: dict[str, Any] | None) -> Structured | None:
        """The constraint an OpenAI-style `response_format` asks for (None for plain text)."""
        kind = (response_format or {}).get("type")
        if kind == "json_schema":
            spec = response_format["json_schema"]  # type: ignore[index]
            return cls(json_schema=spec.get("schema") or {}, name=spec.get("name", "reply"))
        if kind == "json_object":
            return cls(json_schema={"type": "object"})
        return None

    def response_format(self) -> dict[str, Any]:
        """This constraint as an OpenAI-style `response_format` (a choice becomes an object whose
        one key, `choice`, is an enum; `read_choice` takes the option back out of the reply)."""
        if self.regex is not None:
            raise InputError(
                "OpenAI-style APIs cannot constrain a reply to a regex",
                "use a JSON schema or a choice list, or a local backend (transformers, vllm)",
            )
        schema = self.json_schema
        if self.choice is not None:
            schema = {
                "type": "object",
                "properties": {"choice": {"type": "string", "enum": list(self.choice)}},
                "required": ["choice"],
                "additionalProperties": False,
            }
        return {"type": "json_schema", "json_schema": {"name": self.name, "schema": schema}}

    def read_choice(self, text: str) -> str:
        """The option inside a reply to `response_format()` of a choice; other text unchanged."""
        if self.choice is None:
            return text
        try:
            option = json.loads(text).get("choice")
        except (ValueError, AttributeError):
            return text
        return option if option in self.choice else text


@dataclass
class GenerationRequest(_Serializable):
    """What a backend is asked to do.

    `structured` constrains the reply (a JSON schema, a choice or a regex; see `Structured`).
    `response_format` is the OpenAI-style spelling (`{"type": "json_schema", "json_schema": {...}}`)
    for callers that speak it: OpenAI-compatible backends send it as it is, others read it through
    `constraint()`. `role` names who asks (`solver`, `planner`, `judge`) for token accounting.

    `watch`, when set, is called with each generated token as it arrives (streamed, with its
    log-probabilities when `params.logprobs` asks for them); returning False stops that completion
    there, so the tokens after it are never generated (finish reason `cancelled`). Backends that
    support it stream each of the `n` completions as its own request; the others ignore it and
    return whole completions. It is not serialised.
    """

    messages: list[Message]
    params: SamplingParams = field(default_factory=SamplingParams)
    model: str | None = None
    structured: Structured | None = None
    response_format: dict[str, Any] | None = None
    role: str = "solver"
    watch: Callable[[TokenLogprob], bool] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(dataclasses.replace(self, watch=None))
        del data["watch"]
        return data

    def constraint(self) -> Structured | None:
        """The structured-output constraint: `structured`, else what `response_format` asks for."""
        return self.structured or Structured.from_response_format(self.response_format)


@dataclass
class Usage(_Serializable):
    """Token counts. `stopped` counts completions cut short by an early stop (a request's `watch`)
    and `saved_tokens` estimates the tokens those stops did not generate (see `k2_infer.billing`).
    `calls` counts the backend calls a bill covers (0 on one completion's own usage)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    stopped: int = 0
    saved_tokens: int = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.stopped + other.stopped,
            self.saved_tokens + other.saved_tokens,
            self.calls + other.calls,
        )


@dataclass
class TokenLogprob(_Serializable):
    """One generated token: its text, its log-probability (natural log), and `top`, the most likely
    tokens at that position with their log-probabilities (as many as `SamplingParams.logprobs` asked
    for; the backend's own list, which may include the chosen token)."""

    token: str
    logprob: float
    top: dict[str, float] = field(default_factory=dict)


@dataclass
class Completion(_Serializable):
    """One generated answer.

    `finish_reason` is `stop` (EOS or a stop string), `length` (hit max_tokens), `cancelled`
    (stopped early by the request's `watch`), or `error`.
    `latency` is wall seconds for the request that produced it. `metrics` holds backend extras, e.g.
    `spec_acceptance_rate`, `spec_mean_accepted`, `time_to_first_token`, `queue_time`.
    `logprobs` has one entry per generated token when the request asked for them and the backend
    can give them; None means unavailable (not asked for, or the backend has none).
    """

    text: str
    reasoning: str | None = None
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    latency: float = 0.0
    model: str = ""
    backend: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    logprobs: list[TokenLogprob] | None = None

    @property
    def tokens_per_second(self) -> float:
        return self.usage.completion_tokens / self.latency if self.latency > 0 else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        data = dict(data)
        data["usage"] = Usage(**data.get("usage") or {})
        if data.get("logprobs") is not None:
            data["logprobs"] = [_from_dict(TokenLogprob, t) for t in data["logprobs"]]
        return _from_dict(cls, data)


@dataclass
class Problem(_Serializable):
    """One question.

    `domain` picks a verifier (`math`, `code`, `logic`, ...); `data_source` is the Guru-style routing
    key (`math__aime`, `codegen__leetcode`, ...) and wins over `domain` when a verifier claims it.
    `ground_truth` is whatever that verifier expects (an answer string, test cases, a grid).
    """

    id: str
    prompt: str
    domain: str = "math"
    data_source: str = ""
    ground_truth: Any = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return _from_dict(cls, data)


@dataclass
class Verdict(_Serializable):
    """A verifier's judgement of one response.

    `score` is in [0, 1] (partial credit allowed); `correct` is the all-or-nothing decision.
    `reason` is a short machine-friendly word (`equivalent`, `different`, `no_answer`, `timeout`,
    `unparseable`, `error`, ...); `details` holds verifier extras (per-test statuses, ...).
    """

    score: float
    correct: bool
    extracted: str | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return _from_dict(cls, data)


@dataclass
class Plan(_Serializable):
    """What a planner decided: whether the problem is hard, topics, and the plan text for the solver."""

    text: str
    topics: list[str] = field(default_factory=list)
    hard: bool = True
    usage: Usage = field(default_factory=Usage)


@dataclass
class Candidate(_Serializable):
    """One solver sample, with the answer extracted from it and any verdicts and judge votes.

    `stopped` says why a sampler stopped it mid-generation or dropped it from the vote (e.g.
    `low confidence: 1.2 < threshold 1.5`); None for a candidate kept whole. `confidence` is the
    sampler's confidence score for it, when it computed one.
    """

    index: int
    completion: Completion
    answer: str | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    votes: float = 0.0
    error: str | None = None
    stopped: str | None = None
    confidence: float | None = None


@dataclass
class Selection(_Serializable):
    """Which candidate a selector chose, and why."""

    index: int
    selector: str
    reason: str = ""
    scores: list[float] = field(default_factory=list)


@dataclass
class Result(_Serializable):
    """The whole trace of one solve.

    `usage` is the token bill per role (`planner`, `solver`, `judge`); `timings` are wall seconds per
    stage; `events` are notes worth keeping (a plan that failed to parse, a selector that fell back).
    """

    problem: Problem
    answer: str | None
    text: str
    plan: Plan | None = None
    candidates: list[Candidate] = field(default_factory=list)
    selection: Selection | None = None
    usage: dict[str, Usage] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
