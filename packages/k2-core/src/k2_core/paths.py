"""Where k2 keeps files on the user's machine."""

from __future__ import annotations

import os
from pathlib import Path


def k2_home() -> Path:
    """The k2 home folder: `$K2_HOME`, else `~/.cache/k2`. Created on first use."""
    home = Path(os.environ.get("K2_HOME") or Path.home() / ".cache" / "k2")
    home.mkdir(parents=True, exist_ok=True)
    return home


def config_file() -> Path:
    """The user config file: `$K2_CONFIG`, else `config.toml` in the k2 home folder."""
    return Path(os.environ.get("K2_CONFIG") or k2_home() / "config.toml")
