"""`k2-cerebras models | ping | bench` against the fake server."""

from __future__ import annotations

from click.testing import CliRunner

from k2_cerebras.cli import cli
from k2_cerebras.testing import Reply


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_models(server):
    result = run("models", "--base-url", server.url + "/v1", "--api-key", server.api_key)
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["fake-model", "fake-reasoner"]


def test_ping_with_key_from_environment(server):
    result = run("ping", "--base-url", server.url, env={"CEREBRAS_API_KEY": server.api_key})
    assert result.exit_code == 0, result.output
    assert f"ok: {server.url} answered" in result.output and "2 models" in result.output


def test_ping_bad_key_is_one_line(server):
    result = run("ping", "--base-url", server.url, "--api-key", "csk-wrong")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "rejected the API key (401)" in result.output
    assert "csk-wrong" not in result.output


def test_models_at_a_url_without_the_api(server):
    result = run("models", "--base-url", server.url + "/elsewhere", "--api-key", server.api_key)
    assert result.exit_code == 1
    assert "has no Cerebras API (404 on /v1/models); check --base-url" in result.output


def test_umbrella_k2_cerebras_command(server):
    from k2_core.cli import cli as k2_cli
    from k2_core.plugins import hook

    hook().k2_register_commands(cli=k2_cli)
    args = ["cerebras", "models", "--base-url", server.url, "--api-key", server.api_key]
    result = CliRunner().invoke(k2_cli, args)
    assert result.exit_code == 0, result.output
    assert "fake-reasoner" in result.output


def test_missing_key_is_one_line(server):
    result = run("models", "--base-url", server.url)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no Cerebras API key; set CEREBRAS_API_KEY")


def test_bench_reports_per_request_and_aggregate(server):
    server.replies = Reply("one two three four five six seven eight", chunk_delay=0.002)
    args = ["--base-url", server.url, "--api-key", server.api_key]
    result = run("bench", "--model", "fake-model", "--requests", "5", "--concurrency", "2", *args)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("k2-cerebras")]
    assert lines[0].split()[:3] == ["request", "ttft_s", "tokens"]
    rows = lines[1:6]
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "4", "5"]
    assert all(row.split()[2] == "8" for row in rows)
    assert lines[6].startswith("aggregate: 5 requests at concurrency 2, 40 tokens in")
    assert len(server.chat_requests()) == 5
    assert {r.body["max_completion_tokens"] for r in server.chat_requests()} == {256}


def test_bench_unknown_model_lists_models(server):
    result = run("bench", "--model", "nope", "--base-url", server.url, "--api-key", server.api_key)
    assert result.exit_code == 1
    assert "no model 'nope' (404); models there: fake-model, fake-reasoner" in result.output
