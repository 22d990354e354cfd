"""Issue 23 in the terminal: ``status`` and ``report`` count up to now, say what to do before
the first ``track``, print shares that add up to 100 and edits in the user's words."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from deskmeter.cli.context import AppContext
from deskmeter.cli.main import app
from deskmeter.store.sqlite import SQLiteStore
from tests.trust.world import HOST, NOW, TODAY_SWITCHES, local, running, seed, switch

RUNNER = CliRunner()


def config(tmp_path: Path, store: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'timezone = "Europe/Madrid"\nhost = "{HOST}"\nstore = "{store}"\n'
        f'task_file = "{tmp_path / "tasks.txt"}"\n',
        encoding="utf-8",
    )
    return path


def run(cfg: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """The CLI with its clock fixed at ``NOW`` (``env``: extra environment, e.g. COLUMNS)."""
    return RUNNER.invoke(
        app,
        ["--config", str(cfg), *args],
        obj=AppContext(clock=lambda: NOW),
        catch_exceptions=False,
        env=env,
    )


def test_status_right_after_starting_counts_up_to_now(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:  # started 2m 11s ago, last heartbeat 19 s ago
        seed(store, [], running(NOW - timedelta(seconds=131), NOW - timedelta(seconds=19)))
    out = run(config(tmp_path, db), "status").output
    assert "(2m 11s)" in out
    assert "today:     2m" in out  # 131 s, not the 112 s up to the heartbeat
    assert "workspace: desktop 1\n" in out  # not "desktop 1 (#1)"


def test_report_today_counts_the_running_interval_up_to_now(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "r.db"
    with SQLiteStore(db) as store:
        seed(store, [], running(NOW - timedelta(seconds=131), NOW - timedelta(seconds=19)))
    out = run(config(tmp_path, db), "report", "today", "--format", "json").output
    assert '"seconds": 131.0' in out


def test_status_before_the_first_track_says_what_to_do(tmp_path: Path, xdg: Path) -> None:
    result = run(config(tmp_path, tmp_path / "none.db"), "status")
    assert result.exit_code == 0
    assert result.output.startswith("nothing recorded yet — run `deskmeter track`")
    assert "check --store" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_report_shares_add_up_to_100(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "p.db"
    thirds = [
        switch("x1", local(0, "09:00"), 20, "work/deskmeter/web"),
        switch("x2", local(0, "09:20"), 20, "work/deskmeter/sync"),
        switch("x3", local(0, "09:40"), 20, "admin/mail"),
    ]
    with SQLiteStore(db) as store:
        seed(store, thirds)
    out = run(config(tmp_path, db), "report", "today").output
    shares = sorted(int(m) for m in re.findall(r" (\d+)%", out))
    assert shares == [33, 33, 34]


def test_edit_and_edit_log_speak_local_time_without_ids(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "e.db"
    with SQLiteStore(db) as store:
        seed(store, TODAY_SWITCHES)
    cfg = config(tmp_path, db)
    done = run(cfg, "edit", "away", "--start", "09:10", "--end", "09:20")
    assert "09:10–09:20 marked away" in done.output
    log = run(cfg, "edit", "log").output
    assert "09:10–09:20 marked away" in log
    assert "+00:00" not in log and "07:10" not in log  # not the UTC instants
    bad = RUNNER.invoke(
        app,
        ["--config", str(cfg), "edit", "away", "--start", "09:20", "--end", "09:10"],
        obj=AppContext(clock=lambda: NOW),
    )
    assert bad.exit_code == 2
    assert "the end (" in bad.output and "09:10" in bad.output and "07:10" not in bad.output


def test_tracker_log_names_an_away_stretch_as_away(caplog: Any) -> None:
    from deskmeter.tracker.daemon import log as tracker_log

    away = switch("w", NOW - timedelta(minutes=6), 328.6 / 60, "work/x", away=True)
    caplog.set_level(logging.INFO, logger=tracker_log.name)
    from deskmeter.tracker import daemon

    daemon.log_closed(away)
    daemon.log_closed(switch("v", NOW, 2, "work/x"))
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "away: 5m 29s after work/x on code (not counted)"
    assert lines[1] == "switch: work/x on code for 2m 00s"
