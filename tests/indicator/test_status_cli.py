"""The real command, ``deskmeter status --follow/--format``, as a bar runs it: a child process
on the private session bus, its stdout read line by line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmeter.cli.context import AppContext
from deskmeter.cli.main import app
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import WorkspaceChanged
from tests.gnome.shell import PrivateBus
from tests.indicator.harness import LiveTracker, parse_waybar_line

ROOT = Path(__file__).resolve().parents[2]
#: The child takes "now" from the system clock, so only the form of the elapsed time is known.
ELAPSED = r"(\d+h \d\dm|\d+m)"


def command(bus: PrivateBus, *args: str) -> list[str]:
    return [sys.executable, "-m", "deskmeter", "status", *args]


def env_for(bus: PrivateBus, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "DESKMETER_"))}
    env.update(
        DBUS_SESSION_BUS_ADDRESS=bus.address,
        HOME=str(home),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    return env


def test_follow_waybar_prints_a_json_line_per_change_and_exits_when_the_bus_goes(
    live: LiveTracker, session_bus: PrivateBus, tmp_path: Path
) -> None:
    proc = subprocess.Popen(
        command(session_bus, "--follow", "--format", "waybar"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env_for(session_bus, tmp_path),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = parse_waybar_line(proc.stdout.readline())
        assert first["text"] == "Deskmeter not running"
        tracker = live.start()
        tracker.step(WorkspaceChanged(0))
        while True:
            line = parse_waybar_line(proc.stdout.readline())
            if line["alt"] == "tracking":
                break
        assert re.fullmatch(rf"work/a \u00b7 {ELAPSED}", line["text"]), line
        session_bus.stop()  # the session ends: the command says so and exits
        assert proc.wait(20) == 1
        assert proc.stderr is not None
        assert "the session bus closed" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_format_without_follow_prints_one_line_and_exits(
    session_bus: PrivateBus, tmp_path: Path
) -> None:
    result = subprocess.run(
        command(session_bus, "--format", "i3blocks"), capture_output=True, text=True,
        env=env_for(session_bus, tmp_path), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '{"name":"deskmeter","full_text":"Deskmeter not running",'
        '"short_text":"Deskmeter not running","color":"#888888"}'
    ]


def test_an_unknown_format_is_a_one_line_error(session_bus: PrivateBus, tmp_path: Path) -> None:
    result = subprocess.run(
        command(session_bus, "--follow", "--format", "lemonbar"), capture_output=True,
        text=True, env=env_for(session_bus, tmp_path), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "deskmeter: error: unknown format 'lemonbar': use one of waybar, i3bar, i3blocks, "
        "text, json"
    ]
    assert result.stdout == ""


def test_no_session_bus_is_a_one_line_error(tmp_path: Path, session_bus: PrivateBus) -> None:
    env = env_for(session_bus, tmp_path)
    env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path}/no-bus"
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "status", "--follow", "--format", "waybar"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("deskmeter: error: cannot connect to the session bus")


def test_i3bar_asks_for_clicks_and_a_click_on_the_block_opens_the_task_menu(
    live: LiveTracker, session_bus: PrivateBus, tmp_path: Path
) -> None:
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    env = env_for(session_bus, tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'store = "{tmp_path / "t.db"}"\ntask_file = "{tmp_path / "tasks.txt"}"\n')
    seen = tmp_path / "menu-saw.txt"
    # The menu program: keeps what it was shown and picks work/b (as a user would in rofi).
    env.update(DESKMETER_CONFIG=str(config), DESKMETER_MENU=f"sh -c 'cat > {seen}; echo work/b'")
    proc = subprocess.Popen(
        command(session_bus, "--follow", "--format", "i3bar"), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert json.loads(proc.stdout.readline()) == {"version": 1, "click_events": True}
        assert proc.stdout.readline().strip() == "["
        assert json.loads(proc.stdout.readline())[0]["name"] == "deskmeter"
        # What i3bar writes: an endless array of click events, one per line.
        proc.stdin.write('[\n{"name":"other","button":1}\n')
        proc.stdin.write(',{"name":"deskmeter","instance":null,"button":1,"x":10,"y":5}\n')
        proc.stdin.flush()
        live.pump(timeout=30)  # the SetTask the menu's choice sent
        assert live.tracker is not None and live.tracker.tasks.current is not None
        assert live.tracker.tasks.current.path == "work/b"
        assert seen.read_text().splitlines() == ["work/a", "work/b"]
    finally:
        proc.kill()
        proc.wait()


def test_the_commands_line_takes_now_from_the_cli_clock(
    live: LiveTracker, session_bus: PrivateBus, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process (typer's runner) with the CLI's injected clock: the exact time is known."""
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus.address)
    later = clock.now() + timedelta(hours=1, minutes=5, seconds=59)
    result = CliRunner().invoke(
        app, ["status", "--format", "waybar"], obj=AppContext(clock=lambda: later)
    )
    assert result.exit_code == 0, result.output
    assert parse_waybar_line(result.output.strip())["text"] == "work/a \u00b7 1h 05m"
