"""Where Deskmeter keeps its files, following the XDG base directory specification."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / fallback


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "deskmeter"


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "deskmeter"


def default_config_file() -> Path:
    return config_dir() / "config.toml"


def default_store() -> Path:
    return data_dir() / "deskmeter.db"


def default_task_file() -> Path:
    return config_dir() / "tasks.txt"
