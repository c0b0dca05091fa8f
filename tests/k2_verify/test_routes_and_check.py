"""Routing is never silent: `k2-verify routes`, unclaimed data_sources, and -g only when needed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from k2_core import UnknownNameError
from k2_core.errors import EXIT_INCORRECT
from k2_verify import verify
from k2_verify.cli import cli
from k2_verify.rewards import trl_reward


def test_routes_lists_each_prefix_and_domain_with_its_verifier():
    result = CliRunner().invoke(cli, ["routes", "--json"])
    assert result.exit_code == 0, result.output
    routes = {(r["route"], r["key"]): r["verifier"] for r in json.loads(result.output)["routes"]}
    assert routes[("data_source", "codegen__")] == "code"
    assert routes[("domain", "palindrome")] == "palindrome"


def test_an_unclaimed_data_source_is_an_error_unless_a_fallback_is_named():
    with pytest.raises(UnknownNameError, match="no verifier claims data_source 'mth__aime'"):
        verify("\\boxed{1}", "1", data_source="mth__aime")
    assert verify("\\boxed{1}", "1", data_source="mth__aime", fallback="math").correct


def test_a_reward_over_an_unclaimed_data_source_raises_before_scoring():
    (reward,) = trl_reward(workers=0)
    with pytest.raises(UnknownNameError, match="mth__x"):
        reward(prompts=["p"], completions=["\\boxed{1}"], data_source=["mth__x"], answer=["1"])
    (fallback,) = trl_reward(workers=0, fallback="math")
    assert fallback(
        prompts=["p"], completions=["\\boxed{1}"], data_source=["mth__x"], answer=["1"]
    ) == [1.0]


def test_check_needs_no_ground_truth_for_a_verifier_that_needs_none():
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", "<answer>racecar</answer>", "--domain", "palindrome"])
    assert ok.exit_code == 0 and ok.output.startswith("correct"), ok.output
    wrong = runner.invoke(cli, ["check", "<answer>abc</answer>", "--domain", "palindrome"])
    assert wrong.exit_code == EXIT_INCORRECT
    math = runner.invoke(cli, ["check", "\\boxed{1}"])
    assert math.exit_code == 1 and "needs a ground truth" in math.output


def test_check_passes_timeout_only_to_verifiers_that_take_one(k2_plugin):
    from k2_core import Verdict, hookimpl

    class NoOptions:
        name, needs_ground_truth = "no-options", True

        def verify(self, response, problem):
            return Verdict(1.0, True, response, "ok")

    class Plugin:
        @hookimpl
        def k2_register_verifiers(register):
            register("no-options", NoOptions, domains=["no-options"])

    k2_plugin(Plugin)
    result = CliRunner().invoke(
        cli, ["check", "x", "-g", "x", "--domain", "no-options", "--timeout", "2"]
    )
    assert result.exit_code == 0 and result.output.startswith("correct"), result.output
