"""The real command, ``deskmeter status --follow/--format``, as a bar runs it: a child process
on the private session bus, its stdout read line by line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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
