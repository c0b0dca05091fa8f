"""How `solve` picks its backend, and backend options from the CLI and recipes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from k2_core import InputError, UnavailableError, hookimpl
from k2_core.registry import Entry
from k2_core.testing.fake_backend import FakeBackend
from k2_infer import api
from k2_infer.cli import cli


@pytest.fixture(autouse=True)
def no_user_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("K2_HOME", str(tmp_path))
    for name in ("K2_CONFIG", "K2_BACKEND", "K2_MODEL", "K2_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_a_base_url_without_a_backend_means_openai(monkeypatch):
    assert api.choose_backend(None, None, "http://127.0.0.1:8000/v1") == "openai"
    assert api.choose_backend("vllm", None, "http://x") == "vllm"
    assert api.choose_backend(None, None, None) is None
    monkeypatch.setenv("K2_BACKEND", "cerebras")
    assert api.choose_backend(None, None, None) == "cerebras"
    assert api.default_recipe("cerebras", None) == api.DEFAULT_RECIPE


def _missing(names):
    return property(lambda entry: ["a_module"] if entry.name in names else [])


def test_the_embedded_model_runs_on_llamacpp_else_transformers_else_says_what_to_install(
    monkeypatch,
):
    monkeypatch.setattr(Entry, "missing", _missing(set()))
    assert api.embedded_backend() == "llamacpp"
    monkeypatch.setattr(Entry, "missing", _missing({"llamacpp"}))
    assert api.embedded_backend() == "transformers"
    monkeypatch.setattr(Entry, "missing", _missing({"llamacpp", "transformers"}))
    with pytest.raises(UnavailableError, match=r"k2-infer\[local\]"):
        api.embedded_backend()


def test_backend_options_are_checked_against_the_backend(k2_plugin):
    seen = {}

    def strict(model=None, dtype="float32"):
        seen["dtype"] = dtype
        return FakeBackend("<answer>4</answer>")

    class Plugin:
        @hookimpl
        def k2_register_backends(register):
            register("strict", strict)

    k2_plugin(Plugin)
    result = api.solve(
        "What is 2 + 2?", backend="strict", planner="none", backend_options={"dtype": "bfloat16"}
    )
    assert result.answer == "4" and seen == {"dtype": "bfloat16"}
    with pytest.raises(InputError, match="has no option 'timeout'"):
        api.solve("What is 2 + 2?", backend="strict", backend_options={"timeout": 3})


def test_solve_cli_takes_backend_options_and_a_domain():
    result = CliRunner().invoke(
        cli,
        [
            "solve",
            "Give a palindrome",
            "--backend",
            "fake",
            "--planner",
            "none",
            "--selector",
            "verifier",
            "--domain",
            "palindrome",
            "--backend-option",
            'replies=["<answer>abc</answer>", "<answer>noon</answer>"]',
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "noon"


def test_solve_help_speaks_to_each_backend():
    text = CliRunner().invoke(cli, ["solve", "-h"]).output
    assert "CEREBRAS_API_KEY" in text and "OPENAI_API_KEY" in text
    assert "without /v1" in text and "Examples:" in text
