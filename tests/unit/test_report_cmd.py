"""``deskmeter report``, ``status``'s total for today, read-only opening, and --help texts."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from deskmeter.cli.context import AppContext
from deskmeter.cli.main import app
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from tests.support.clock import TEST_NOW

RUNNER = CliRunner()


def seeded(tmp_path: Path) -> str:
    """Madrid (UTC+2 in May). 1 May 2026 is a Friday."""
    path = tmp_path / "r.db"
    with SQLiteStore(path) as store:
        store.add_switches(
            [
                # 00:30–01:30 local on 1 May: before a 04:00 day start, so 30 April then
                Switch(
                    "a", datetime(2026, 4, 30, 22, 30, tzinfo=UTC), 3600, 0, "Code", "t", "work/x"
                ),
                Switch(
                    "b", datetime(2026, 5, 1, 7, 0, tzinfo=UTC), 5400, 1, "Mail", None, "meetings"
                ),
                Switch("c", datetime(2026, 5, 1, 9, 0, tzinfo=UTC), 7200, 0, "Code", "t", "work/y"),
                Switch("d", datetime(2026, 5, 4, 9, 0, tzinfo=UTC), 1800, 0, "Code", "t", "work/x"),
            ]
        )
    return str(path)


def config(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Madrid"\n' + extra, encoding="utf-8")
    return str(path)


def run(*args: str, now: datetime | None = None) -> Any:
    """The CLI in process; ``now`` is its clock (the system's when None)."""
    obj = None if now is None else AppContext(clock=lambda: now)
    return RUNNER.invoke(app, list(args), obj=obj, catch_exceptions=False)


def test_report_by_task_as_json(tmp_path: Path, xdg: Path) -> None:
    store, cfg = seeded(tmp_path), config(tmp_path)
    result = run(
        "--config",
        cfg,
        "--store",
        store,
        "report",
        "--start",
        "2026-05-01",
        "--end",
        "2026-05-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {r["key"]: r["seconds"] for r in body["rows"]} == {
        "work/y": 7200,
        "meetings": 5400,
        "work/x": 3600,
    }
    assert body["total_seconds"] == 16200


def test_report_by_area_and_by_day_and_csv(tmp_path: Path, xdg: Path) -> None:
    store, cfg = seeded(tmp_path), config(tmp_path)
    area = run(
        "--config",
        cfg,
        "--store",
        store,
        "report",
        "--start",
        "2026-04-27",
        "--end",
        "2026-05-10",
        "--by",
        "area",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(area.output)))
    assert rows[0] == ["area", "seconds", "hours"]
    assert rows[1:] == [["work", "12600", "3.50"], ["meetings", "5400", "1.50"]]
    days = run(
        "--config",
        cfg,
        "--store",
        store,
        "report",
        "--start",
        "2026-04-27",
        "--end",
        "2026-05-10",
        "--by",
        "day",
        "--format",
        "json",
    )
    assert [(r["key"], r["seconds"]) for r in json.loads(days.output)["rows"]] == [
        ("2026-05-01", 16200),
        ("2026-05-04", 1800),
    ]


def test_the_day_start_moves_a_night_to_the_day_before(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    cfg = config(tmp_path, '[views]\nday_starts_at = "04:00"\n')
    days = run(
        "--config",
        cfg,
        "--store",
        store,
        "report",
        "--start",
        "2026-04-27",
        "--end",
        "2026-05-10",
        "--by",
        "day",
        "--format",
        "json",
    )
    assert [(r["key"], r["seconds"]) for r in json.loads(days.output)["rows"]] == [
        ("2026-04-30", 3600),
        ("2026-05-01", 12600),
        ("2026-05-04", 1800),
    ]


def test_report_table_and_goals(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    cfg = config(
        tmp_path,
        '[[goals]]\npath = "work"\nper = "day"\ntarget_hours = 4\n'
        '[[goals]]\npath = "meetings"\nper = "day"\nmax_percent = 20\n',
    )
    args = ["--config", cfg, "--store", store, "report", "--start", "2026-05-01", "--end"]
    # the clock on that day (noon in Madrid): the day is not over, the target "not yet"
    during = AppContext(clock=lambda: datetime(2026, 5, 1, 10, 0, tzinfo=UTC))
    result = RUNNER.invoke(app, [*args, "2026-05-01"], obj=during, catch_exceptions=False)
    out = result.output
    assert "total 4h 30m" in out
    # shares that add up to 100: 44.4 + 33.3 + 22.2 → 45 + 33 + 22 (largest remainder)
    assert "work/y" in out and "2h 00m" in out and "2.00" in out and "45%" in out
    assert "goal work (target per day): 3.0 h of 4 h a day — not yet" in out
    # the next day the day is over: the target was missed
    after = AppContext(clock=lambda: datetime(2026, 5, 2, 10, 0, tzinfo=UTC))
    later = RUNNER.invoke(app, [*args, "2026-05-01"], obj=after, catch_exceptions=False)
    assert "goal work (target per day): 3.0 h of 4 h a day — missed" in later.output
    assert "goal meetings (cap per day): 33 % of the day, at most 20 % — OVER" in out


def test_timesheet_in_local_time_and_decimal_hours(tmp_path: Path, xdg: Path) -> None:
    store, cfg = seeded(tmp_path), config(tmp_path)
    result = run(
        "--config",
        cfg,
        "--store",
        store,
        "report",
        "--timesheet",
        "--start",
        "2026-05-01",
        "--end",
        "2026-05-04",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == [
        "date",
        "first_start",
        "last_end",
        "total_hours",
        "work/y",
        "meetings",
        "work/x",
    ]
    assert rows[1] == ["2026-05-01", "00:30", "13:00", "4.50", "2.00", "1.50", "1.00"]
    assert rows[2] == ["2026-05-04", "11:00", "11:30", "0.50", "0.00", "0.00", "0.50"]


def test_relative_dates_and_bad_dates(tmp_path: Path, xdg: Path) -> None:
    store, cfg = seeded(tmp_path), config(tmp_path)
    now = TEST_NOW
    ok = run(
        "--config", cfg, "--store", store, "report", "--start", "-7d", "--format", "json", now=now
    )
    assert ok.exit_code == 0
    body = json.loads(ok.output)
    today = now.astimezone(ZoneInfo("Europe/Madrid")).date()  # the config's zone, days at 00:00
    assert body["start"] == (today - timedelta(days=7)).isoformat()
    assert body["end"] == today.isoformat()
    bad = run("--config", cfg, "--store", store, "report", "--start", "someday")
    assert bad.exit_code == 2
    assert "expected YYYY-MM-DD, today" in bad.output


def test_status_shows_todays_total(tmp_path: Path, xdg: Path) -> None:
    store = tmp_path / "s.db"
    # the tests' day at noon (TZ=UTC here): five minutes back is the same day at any date
    now = TEST_NOW.replace(hour=12, minute=0, second=0)
    with SQLiteStore(store) as s:
        s.add_switch(Switch("n", now - timedelta(minutes=5), 120, 0, "Code", "t", "work/x"))
        s.add_switch(Switch("y", now - timedelta(days=1), 600, 0, "Code", "t", "work/x"))
    result = run("--store", str(store), "status", "--json", now=now)
    assert json.loads(result.output)["today_seconds"] == pytest.approx(120, abs=1e-6)
    assert "today:     2m" in run("--store", str(store), "status", now=now).output


@pytest.mark.parametrize("command", ["status", "report", "export", "sync status"])
def test_read_only_commands_never_create_a_store(tmp_path: Path, xdg: Path, command: str) -> None:
    missing = tmp_path / "typo" / "nothere.db"
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--store", str(missing), *command.split()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "no store at" in result.stderr and "nothing was created" in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def _commands(group: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            found += _commands(sub, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(get_command(app)), ids=lambda p: " ".join(p) or "root")
def test_help_keeps_every_word(path: tuple[str, ...]) -> None:
    """Bracketed hints such as [config web.host] must survive (no rich markup)."""
    result = RUNNER.invoke(app, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert " ." not in result.output.replace("...", "")
    assert "[/" not in result.output
    command = get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    for param in command.params:
        text = getattr(param, "help", None) or ""
        for part in text.split("["):
            if "]" in part:
                hint = part.split("]", 1)[0]
                flat = " ".join(result.output.split())
                assert f"[{hint}]" in flat, (hint, path)
