"""k2-train's built-in plugin: registers what this package provides, like any third-party plugin."""

from __future__ import annotations

from pathlib import Path

from k2_core import hookimpl

RECIPE_DIR = Path(__file__).parent / "recipe_files"


@hookimpl
def k2_register_commands(cli):
    from .cli import cli as group

    cli.add_command(group, name="train")


@hookimpl
def k2_register_datasets(register):
    from .am_thinking import AmThinkingDataset
    from .guru import GuruDataset

    register(
        "am-thinking",
        AmThinkingDataset,
        description="AM-Thinking-v1-Distilled SFT conversations",
    )
    register(
        "guru",
        GuruDataset,
        description="Guru RL prompts with data_source and ground truth",
    )


@hookimpl
def k2_register_recipes(register):
    for path in sorted(RECIPE_DIR.glob("*.toml")):
        register(path.stem, path)
