"""Settings come from defaults, the TOML file, the environment and flags, in that order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from deskmeter.config import ConfigError, load_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_live_under_the_xdg_directories(xdg: Path) -> None:
    settings = load_settings()
    assert settings.store == str(xdg / ".local/share/deskmeter/deskmeter.db")
    assert settings.task_file == xdg / ".config/deskmeter/tasks.txt"
    assert settings.tracker.source == "auto"
    assert settings.timezone == "UTC"


def test_the_default_config_file_is_read(xdg: Path) -> None:
    write(
        xdg / ".config/deskmeter/config.toml",
        'timezone = "Europe/Madrid"\n[workspaces]\nlabels = ["Code", "Mail"]\n',
    )
    settings = load_settings()
    assert settings.timezone == "Europe/Madrid"
    assert settings.workspace_label(1, "desktop 2") == "Mail"
    assert settings.workspace_label(2, "desktop 3") == "desktop 3"
    assert settings.workspace_label(5) == "workspace 6"


def test_environment_beats_file_and_flags_beat_environment(
    xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(xdg / "c.toml", 'store = "/from/file.db"\n[tracker]\nsource = "x11"\n')
    monkeypatch.setenv("DESKMETER_STORE", "/from/env.db")
    monkeypatch.setenv("DESKMETER_TRACKER__SOURCE", "wmctrl")
    settings = load_settings(config)
    assert settings.store == "/from/env.db"
    assert settings.tracker.source == "wmctrl"
    assert load_settings(config, store="mongodb://h/db").store == "mongodb://h/db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('timezone = "Mars/Olympus"', "bad setting timezone: unknown time zone"),
        ("[tracker]\nheartbeat_seconds = -3", "bad setting tracker.heartbeat_seconds:"),
        ('[tracker]\nsource = "telepathy"', "bad setting tracker.source:"),
        ("colour = 3", "bad setting colour: unknown setting"),
        ("[web]\nport = 99999", "bad setting web.port:"),
        ("store = ", "not valid TOML"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key(xdg: Path, text: str, expected: str) -> None:
    config = write(xdg / "bad.toml", text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_a_named_config_file_must_exist(xdg: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(xdg / "missing.toml")


def test_the_cli_prints_the_problem_and_exits_non_zero(xdg: Path) -> None:
    config = write(xdg / "bad.toml", "[tracker]\nheartbeat_seconds = 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--config", str(config), "status"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("deskmeter: error: bad setting tracker.heartbeat_seconds:")


@pytest.mark.parametrize("section", ["views.colors", "web.colors"])
def test_colours_are_read_from_views_colors_or_its_other_name_web_colors(
    xdg: Path, section: str
) -> None:
    write(
        xdg / ".config/deskmeter/config.toml",
        f'[web]\nmode = "portfolio"\n[{section}]\n"work" = "#3366cc"\n"oss/flask" = "#c00"\n',
    )
    settings = load_settings()
    assert settings.views.colors == {"work": "#3366cc", "oss/flask": "#c00"}
    assert settings.web.mode == "portfolio"  # the rest of [web] is kept


def test_web_colors_is_checked_like_views_colors(xdg: Path) -> None:
    write(xdg / ".config/deskmeter/config.toml", '[web.colors]\n"work" = "blue"\n')
    with pytest.raises(ConfigError, match="expected #rgb or #rrggbb, got 'blue'"):
        load_settings()


def test_colours_given_under_both_names_are_one_clear_error(xdg: Path) -> None:
    write(
        xdg / ".config/deskmeter/config.toml",
        '[views.colors]\n"work" = "#3366cc"\n[web.colors]\n"oss" = "#112233"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "[views.colors] and as [web.colors]" in message and "keep one" in message
    assert "\n" not in message


def test_web_colors_from_the_environment(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMETER_WEB__COLORS__work", "#abcdef")
    assert load_settings().views.colors == {"work": "#abcdef"}
