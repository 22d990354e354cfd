"""Issue 21, item 6: ``deskmeter export`` cuts days as ``report`` does.

Its ``--start``/``--end`` go through ``dates.parse_date`` against the configured day (time
zone and ``[views] day_starts_at``), not a midnight of its own: with days starting at 04:00,
``today`` at 02:30 is the day before, and a day runs from 04:00 to 04:00. The CLI runs in
process with its clock injected (``AppContext(clock=...)``), on a real SQLite store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmeter.cli.context import AppContext
from deskmeter.cli.main import app
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore

RUNNER = CliRunner()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def files(tmp_path: Path, xdg: Path) -> tuple[str, str]:
    """A store (Madrid is UTC+2 in May) and a config with days starting at 04:00."""
    store = tmp_path / "x.db"
    with SQLiteStore(store) as opened:
        opened.add_switches(
            [
                # 03:00 local on 30 April: before 04:00, so the 29th's
                Switch("p", at(2026, 4, 30, 1, 0), 600, 0, "Code", "t", "work/p"),
                # 10:00 local on 30 April
                Switch("q", at(2026, 4, 30, 8, 0), 600, 0, "Code", "t", "work/q"),
                # 01:00 local on 1 May: still the 30th's
                Switch("r", at(2026, 4, 30, 23, 0), 600, 0, "Code", "t", "work/r"),
                # 10:00 local on 1 May
                Switch("s", at(2026, 5, 1, 8, 0), 600, 0, "Code", "t", "work/s"),
            ]
        )
    config = tmp_path / "config.toml"
    config.write_text(
        'timezone = "Europe/Madrid"\n[views]\nday_starts_at = "04:00"\n', encoding="utf-8"
    )
    return str(config), str(store)


def exported(files: tuple[str, str], now: datetime, *args: str) -> list[str]:
    config, store = files
    result = RUNNER.invoke(
        app,
        ["--config", config, "--store", store, "export", "--format", "json", *args],
        obj=AppContext(clock=lambda: now),
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return [record["id"] for record in json.loads(result.stdout)]


def test_today_before_the_day_start_is_the_day_before(files: tuple[str, str]) -> None:
    # 02:30 local on 1 May: the day that runs is 30 April (04:00 to 04:00)
    now = at(2026, 5, 1, 0, 30)
    assert exported(files, now, "--start", "today", "--end", "today") == ["q", "r"]
    assert exported(files, now, "--start", "yesterday", "--end", "yesterday") == ["p"]


def test_an_offset_counts_from_the_configured_today(files: tuple[str, str]) -> None:
    # 01:30 local on 8 May: still 7 May, so -7d is 30 April from 04:00
    now = at(2026, 5, 7, 23, 30)
    assert exported(files, now, "--start", "-7d") == ["q", "r", "s"]


def test_a_named_day_runs_from_its_day_start_to_the_next(files: tuple[str, str]) -> None:
    now = at(2026, 5, 7, 12, 0)
    assert exported(files, now, "--start", "2026-04-30", "--end", "2026-04-30") == ["q", "r"]
    assert exported(files, now, "--end", "2026-04-29") == ["p"]


def test_a_bad_date_is_one_clear_line(files: tuple[str, str]) -> None:
    config, store = files
    result = RUNNER.invoke(
        app,
        ["--config", config, "--store", store, "export", "--start", "fortnight"],
        obj=AppContext(clock=lambda: at(2026, 5, 7, 12, 0)),
    )
    assert result.exit_code == 2
    assert "not a date: 'fortnight'" in result.output
