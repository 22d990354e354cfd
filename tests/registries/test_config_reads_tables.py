"""The configuration checks ``[tracker] source`` and ``presence`` against the registries as
they are when it runs: a row added at test time is accepted, and every refusal lists it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from deskmeter.config import ConfigError, Settings, load_settings


def test_a_workspace_source_added_to_the_table_is_a_valid_setting(added_source: str) -> None:
    assert Settings(tracker={"source": added_source}).tracker.source == added_source
    with pytest.raises(
        ValidationError, match=rf"unknown workspace source 'kde' \(.*, {added_source}\)"
    ):
        Settings(tracker={"source": "kde"})


def test_without_its_row_the_same_source_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown workspace source 'teletype'"):
        Settings(tracker={"source": "teletype"})


def test_a_presence_source_added_to_the_table_is_a_valid_setting(added_presence: str) -> None:
    assert Settings(tracker={"presence": added_presence}).tracker.presence == added_presence
    refused = rf"source 'idle' \(one of: auto, none, x11, mutter, wayland, {added_presence}\)"
    with pytest.raises(ValidationError, match=refused):
        Settings(tracker={"presence": "idle"})


def test_presence_refuses_logind_which_has_its_own_switch() -> None:
    with pytest.raises(
        ValidationError, match=r"unknown presence source 'logind' \(one of: auto, none, x11"
    ):
        Settings(tracker={"presence": "logind"})


def test_a_bad_choice_in_the_file_is_one_line_in_our_words(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[tracker]\nsource = "kde"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert message.startswith(
        "bad setting tracker.source: unknown workspace source 'kde' (one of: auto, x11, wmctrl,"
    )
    assert "Value error" not in message
    assert "\n" not in message


def test_the_cli_prints_a_config_error_as_one_clean_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[tracker]\npresence = "telepathy"\n')
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--config", str(config), "status"],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "deskmeter: error: bad setting tracker.presence: unknown presence source 'telepathy' "
        "(one of: auto, none, x11, mutter, wayland) (got 'telepathy')"
    )
    assert "Value error" not in result.stderr
