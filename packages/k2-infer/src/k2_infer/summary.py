"""A short human summary of one solve, for `k2-infer solve` to print on stderr.

    plan      easy: no plan
    candidate #1  answer '42'   96 tokens  3.1 s
    candidate #2  answer '49'   88 tokens  3.1 s
    select    tournament: judge (2 of 2 replies usable): #1 beat #2 (2-0)
    chosen    #1
    stages    plan 0.9 s, 31 tokens | sample 3.2 s, 184 tokens | select 0.7 s, 4 tokens | total 4.8 s
    fallbacks none
    note      the embedded 135M model shows the pipeline at work, not reliable answers (it gets
              7 * 6 wrong even greedily); for real ones: --backend cerebras, or --base-url URL

The `note` is printed only when the embedded model answered. Every other line comes from the `Result`: nothing is re-derived, so the summary says what the pipeline did,
including which stage fell back and why (`Result.events`).
"""

from __future__ import annotations

from k2_core import Result

EMBEDDED_NOTE = (
    "note      the embedded 135M model shows the pipeline at work, not reliable answers (it gets\n"
    "          7 * 6 wrong even greedily); for real ones: --backend cerebras, or --base-url URL"
)
# Which role's tokens each stage spends.
STAGES = {"plan": "planner", "sample": "solver", "select": "judge"}
EASY = "judged the problem easy"  # the pipeline's event for a planner that chose not to plan


def _fallbacks(result: Result) -> list[str]:
    """The events that say a stage did not do its job (an easy problem's missing plan is no fault)."""
    return [event for event in result.events if EASY not in event]


def _plan_line(result: Result) -> str:
    if result.plan is not None:
        return f"topics: {'; '.join(result.plan.topics)}"
    if any(EASY in event for event in result.events):
        return "easy: no plan"
    failed = [event for event in result.events if event.startswith("no plan:")]
    return failed[0] if failed else "no planner"


def _candidate_line(candidate) -> str:
    if candidate.error:
        return f"#{candidate.index + 1}  failed: {candidate.error}"
    completion = candidate.completion
    answer = repr(candidate.answer) if candidate.answer is not None else "no answer"
    tokens = completion.usage.completion_tokens
    return f"#{candidate.index + 1}  answer {answer}  {tokens} tokens  {completion.latency:.1f} s"


def _stages_line(result: Result) -> str:
    parts = []
    for stage, role in STAGES.items():
        if stage not in result.timings:
            continue
        usage = result.usage.get(role)
        tokens = f", {usage.completion_tokens} tokens" if usage else ""
        parts.append(f"{stage} {result.timings[stage]:.1f} s{tokens}")
    if "total" in result.timings:
        parts.append(f"total {result.timings['total']:.1f} s")
    return " | ".join(parts)


def summary(result: Result) -> str:
    """The lines above for `result` (no trailing newline)."""
    lines = [f"plan      {_plan_line(result)}"]
    lines += [f"candidate {_candidate_line(c)}" for c in result.candidates]
    if result.selection is not None:
        selection = result.selection
        lines.append(f"select    {selection.selector}: {selection.reason}")
        lines.append(f"chosen    #{selection.index + 1}")
    lines.append(f"stages    {_stages_line(result)}")
    lines.append(f"fallbacks {'; '.join(_fallbacks(result)) or 'none'}")
    if any(
        c.completion is not None and c.completion.model == "embedded" for c in result.candidates
    ):
        lines.append(EMBEDDED_NOTE)
    return "\n".join(lines)
