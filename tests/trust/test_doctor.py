"""Issue 23, item 19: ``deskmeter doctor`` checks the whole chain, one line each, says what to
fix, and exits 0 only when nothing failed. A real X server (Xvfb) stands behind the X11
checks; the remote is a real TCP socket on 127.0.0.1 (listening, or closed)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deskmeter.cli.context import AppContext
from deskmeter.cli.main import app
from deskmeter.store.sqlite import SQLiteStore
from tests.support.xvfb import XServer, free_display, start_x
from tests.trust.world import HOST, NOW, running, seed

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def xserver() -> Iterator[XServer]:
    server = start_x(free_display())
    yield server
    server.stop()


def setup(tmp_path: Path, *, heartbeat_age: float, remote: str | None = None) -> Path:
    db = tmp_path / "d.db"
    with SQLiteStore(db) as store:
        seed(
            store, [], running(NOW - timedelta(minutes=20), NOW - timedelta(seconds=heartbeat_age))
        )
    tasks = tmp_path / "tasks.txt"
    tasks.write_text("work/deskmeter/web\n* admin/mail\n", encoding="utf-8")
    cfg = tmp_path / "config.toml"
    text = f'timezone = "Europe/Madrid"\nhost = "{HOST}"\nstore = "{db}"\ntask_file = "{tasks}"\n'
    if remote:
        text += f'[sync]\nremote = "{remote}"\n'
    cfg.write_text(text, encoding="utf-8")
    return cfg


def doctor(cfg: Path, display: str) -> Any:
    env = {"DISPLAY": display, "XDG_SESSION_TYPE": "x11", "XDG_CURRENT_DESKTOP": "openbox"}
    return RUNNER.invoke(
        app, ["--config", str(cfg), "doctor"], obj=AppContext(clock=lambda: NOW), env=env
    )


def lines(output: str) -> dict[str, str]:
    """check name → its line."""
    found = {}
    for line in output.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] in ("ok", "warn", "FAIL", "--"):
            found[parts[1] if parts[1] != "task" else "task file"] = line
    return found


def test_all_well_exits_0_with_one_line_per_check(
    tmp_path: Path, xdg: Path, xserver: XServer
) -> None:
    result = doctor(setup(tmp_path, heartbeat_age=5), xserver.display)
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert found["store"].startswith("ok") and "readable" in found["store"]
    assert found["tracker"].startswith("ok") and "running: work/deskmeter/web" in found["tracker"]
    assert (
        found["source"].startswith("ok") and "x11 (auto: x11 session, openbox)" in found["source"]
    )
    assert found["extension"].startswith("--") and "not a GNOME session" in found["extension"]
    assert found["away"].startswith("ok") and "MIT-SCREEN-SAVER" in found["away"]
    assert found["task file"].startswith("ok") and "(2 tasks)" in found["task file"]
    assert found["sync"].startswith("--") and "no remote configured" in found["sync"]


def test_a_stopped_tracker_and_a_bad_task_file_are_failures_with_fixes(
    tmp_path: Path, xdg: Path, xserver: XServer
) -> None:
    cfg = setup(tmp_path, heartbeat_age=3600)
    (tmp_path / "tasks.txt").write_text("* a\n* b\n", encoding="utf-8")  # two current tasks
    result = doctor(cfg, xserver.display)
    assert result.exit_code == 1
    found = lines(result.output)
    assert found["tracker"].startswith("FAIL") and "start `deskmeter track`" in found["tracker"]
    assert "1h 00m ago" in found["tracker"]
    assert found["task file"].startswith("FAIL")


def test_a_tunnel_that_is_down_is_named(tmp_path: Path, xdg: Path, xserver: XServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens once this socket is closed
    cfg = setup(tmp_path, heartbeat_age=5, remote=f"mongodb://127.0.0.1:{closed}/deskmeter")
    result = doctor(cfg, xserver.display)
    assert result.exit_code == 1
    found = lines(result.output)
    assert found["sync"].startswith("ok")
    assert found["remote"].startswith("FAIL") and "the SSH tunnel is down" in found["remote"]


def test_a_reachable_remote_and_a_first_sync_still_to_do(
    tmp_path: Path, xdg: Path, xserver: XServer
) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        cfg = setup(tmp_path, heartbeat_age=5, remote=f"mongodb://u:secret@127.0.0.1:{port}/dm")
        result = doctor(cfg, xserver.display)
    assert result.exit_code == 0, result.output
    found = lines(result.output)
    assert "secret" not in result.output  # the password is never printed
    assert found["remote"].startswith("ok") and "through the tunnel" in found["remote"]
    assert found["last"].startswith("warn") and "never synced yet" in found["last"]


def test_without_a_store_it_says_to_run_track(tmp_path: Path, xdg: Path, xserver: XServer) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'store = "{tmp_path / "none.db"}"\n', encoding="utf-8")
    result = doctor(cfg, xserver.display)
    assert result.exit_code == 1
    assert "run `deskmeter track` (it creates it)" in lines(result.output)["store"]
    assert not (tmp_path / "none.db").exists()
