"""Prometheus metrics for one server (its own registry, so several servers can share a process).

`k2_serve_requests_total{mode,status}`, `k2_serve_request_seconds{mode}`,
`k2_serve_tokens_total{role,kind}` (every upstream call the pipeline made, per role; pass-through
requests count as role `passthrough` when the upstream reports usage), `k2_serve_in_flight` and
`k2_serve_queued`.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from k2_core import Usage


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "k2_serve_requests",
            "Chat completion requests answered, by mode and HTTP status.",
            ["mode", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "k2_serve_request_seconds",
            "Wall seconds from request to last byte, by mode.",
            ["mode"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
        )
        self.tokens = Counter(
            "k2_serve_tokens",
            "Tokens billed by the upstream, by role (planner, solver, judge, passthrough) and kind.",
            ["role", "kind"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "k2_serve_in_flight", "Requests being worked on now.", registry=self.registry
        )
        self.queued = Gauge(
            "k2_serve_queued", "Requests waiting for a slot.", registry=self.registry
        )
        # each labelled child looked up once: `labels()` costs more than the count itself
        self._per_request: dict[tuple[str, int], tuple[Counter, Histogram]] = {}
        self._per_role: dict[str, tuple[Counter, Counter]] = {}

    def record(self, mode: str, status: int, seconds: float) -> None:
        if (mode, status) not in self._per_request:
            children = (self.requests.labels(mode, str(status)), self.latency.labels(mode))
            self._per_request[mode, status] = children
        count, latency = self._per_request[mode, status]
        count.inc()
        latency.observe(seconds)

    def count_tokens(self, role: str, prompt: int, completion: int) -> None:
        if role not in self._per_role:
            children = (self.tokens.labels(role, "prompt"), self.tokens.labels(role, "completion"))
            self._per_role[role] = children
        prompt_total, completion_total = self._per_role[role]
        prompt_total.inc(prompt)
        completion_total.inc(completion)

    def bill(self, usage: dict[str, Usage]) -> None:
        for role, tokens in usage.items():
            self.count_tokens(role, tokens.prompt_tokens, tokens.completion_tokens)

    def render(self) -> bytes:
        return generate_latest(self.registry)
