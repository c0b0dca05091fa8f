"""The `k2-train` CLI: data commands, errors as one line, accelerate configs."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from k2_train.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_data_inspect_checks_every_row_and_shows_some():
    result = run("data", "inspect", "--dataset", "tiny", "--show", "1")
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("16 rows")
    assert '"role": "assistant"' in result.output


def test_data_inspect_names_the_bad_line_in_one_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"conversations": []}\n')
    result = run("data", "inspect", "--dataset", str(path))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "line 1" in line and "--skip-invalid" in line


def test_data_convert_writes_normalised_jsonl(tmp_path):
    out = tmp_path / "guru.jsonl"
    result = run("data", "convert", "--format", "guru", "--dataset", "tiny", "--output", str(out))
    assert result.exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 16 and rows[0]["data_source"] == "math__tiny_sums"


def test_data_formats_lists_both():
    assert {"am-thinking", "guru"} <= {
        line.split()[0] for line in run("data", "formats").output.splitlines()
    }


def test_an_unknown_format_says_what_is_installed():
    result = run("data", "inspect", "--format", "nope", "--dataset", "tiny")
    assert result.exit_code == 1 and "installed: am-thinking, guru" in result.output


def test_sft_refuses_a_misspelled_recipe_before_loading_anything(tmp_path):
    result = run("sft", "--recipe", "tinyy", "--output", str(tmp_path / "o"))
    assert result.exit_code == 1 and "known recipes" in result.output


def test_accelerate_configs_are_shipped_and_valid():
    names = run("accelerate-config").output.split()
    assert {"zero3", "zero3-multinode", "fsdp"} <= set(names)
    for name in names:
        path = Path(run("accelerate-config", name).output.strip())
        config = yaml.safe_load(path.read_text())
        assert config["distributed_type"] in ("DEEPSPEED", "FSDP")
        assert config["num_processes"] % config["num_machines"] == 0
    assert "shipped: " in run("accelerate-config", "zero4").output


def test_export_verl_prints_the_verl_launch_line(tmp_path):
    result = run(
        "export-verl",
        "--recipe",
        "tiny",
        "--dataset",
        "tiny",
        "--output",
        str(tmp_path),
    )
    assert result.exit_code == 0
    assert f"--config-path {tmp_path}" in result.output and "--config-name k2_grpo" in result.output


def test_domains_reach_the_guru_format_as_its_option(monkeypatch):
    from k2_train import cli as train_cli
    from k2_train.guru import GuruDataset

    recipe = train_cli.training_recipe(
        "k2-think-grpo", "grpo", None, None, None, "math,logic", None, False
    )
    assert recipe.section("data")["options"]["domains"] == ["math", "logic"]
    created = {}
    monkeypatch.setattr(
        GuruDataset, "load", lambda self, *a, **k: created.update(d=self) or iter([])
    )
    from k2_train.training import iter_rows

    list(iter_rows(recipe, "guru"))
    assert created["d"].domains == ("math", "logic")
