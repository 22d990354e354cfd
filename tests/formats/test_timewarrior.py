"""Timewarrior, for real: what ``timew export`` writes imports with ``timew summary``'s totals,
and what ``deskmeter export --format timewarrior`` writes is what ``timew export`` writes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deskmeter.models import Switch
from tests.formats.conftest import Deskmeter, Timewarrior

DAY = datetime(2026, 1, 5, tzinfo=UTC)


def summary_seconds(timew: Timewarrior) -> int:
    """The grand total of ``timew summary`` over the fixture's days, in seconds."""
    text = timew("summary", "2026-01-04T00:00:00Z", "-", "2026-01-08T00:00:00Z")
    last = [line for line in text.splitlines() if line.strip()][-1]
    hours, minutes, seconds = (int(x) for x in re.findall(r"(\d+):(\d\d):(\d\d)", last)[-1])
    return hours * 3600 + minutes * 60 + seconds


def test_timew_export_imports_with_timew_summary_totals_and_tag_rule(
    timew: Timewarrior, deskmeter: Deskmeter, tmp_path: Path
) -> None:
    timew.track("2026-01-05T09:00:00Z", "2026-01-05T10:30:00Z", "two words", "work/deskmeter")
    timew.track("2026-01-05T11:00:00Z", "2026-01-05T11:20:15Z", "mail")
    timew.track("2026-01-05T12:00:00Z", "2026-01-05T12:05:00Z")
    timew.track("2026-01-06T08:00:00Z", "2026-01-06T08:45:30Z", "admin", "zeta")
    exported = tmp_path / "timew.json"
    exported.write_text(timew("export"))

    result = deskmeter.cli("import", str(exported))
    assert "(Timewarrior)" in result.stdout and "4 new" in result.stdout

    assert deskmeter.report_total() == summary_seconds(timew) == 5400 + 1215 + 300 + 2730
    # tags → task: a tag that is a path wins over the first tag; else the first tag
    assert deskmeter.task_seconds() == {
        "work/deskmeter": 5400.0,
        "mail": 1215.0,
        None: 300.0,
        "admin": 2730.0,
    }
    again = deskmeter.cli("import", str(exported))
    assert "0 new, 4 already there" in again.stdout
    assert deskmeter.report_total() == summary_seconds(timew)


def test_an_open_timew_interval_is_skipped_and_reported(
    timew: Timewarrior, deskmeter: Deskmeter, tmp_path: Path
) -> None:
    timew.track("2026-01-05T09:00:00Z", "2026-01-05T09:30:00Z", "done")
    timew("start", "2026-01-05T10:00:00Z", "running")  # still open: no end in the export
    exported = tmp_path / "timew.json"
    exported.write_text(timew("export"))
    assert any("end" not in item for item in json.loads(exported.read_text()))
    result = deskmeter.cli("import", str(exported))
    assert "1 new" in result.stdout and "1 skipped" in result.stdout
    assert "still open" in result.stderr
    assert deskmeter.task_seconds() == {"done": 1800.0}


def test_timewarrior_export_is_what_timew_export_writes_and_reimports_to_the_same_totals(
    timew: Timewarrior, deskmeter: Deskmeter, tmp_path: Path
) -> None:
    store = deskmeter.store()
    store.add_switches(
        [
            Switch("a1", DAY + timedelta(hours=9), 3600, 0, "code", "t1", "work/deskmeter", "desk"),
            Switch("a2", DAY + timedelta(hours=10), 900.4, 1, "mail", None, None, "desk"),
            Switch("a3", DAY + timedelta(hours=11), 1200, 0, "code", "t2", "home/taxes", "desk"),
            Switch("a4", DAY + timedelta(hours=12), 600, 0, "code", None, None, "desk", away=True),
        ]
    )
    store.close()
    ours = tmp_path / "ours.json"
    deskmeter.cli("export", "--format", "timewarrior", "--output", str(ours))
    intervals = json.loads(ours.read_text())

    # Feed each interval to the real Timewarrior; its own export must equal ours.
    for item in intervals:
        timew.track(item["start"], item["end"], *item.get("tags", []))
    assert timew.export() == intervals
    assert summary_seconds(timew) == 3600 + 900 + 1200  # away is not work; whole seconds

    fresh = Deskmeter(tmp_path / "again.db", deskmeter.env)
    fresh.cli("import", str(ours))
    assert fresh.task_seconds() == {"work/deskmeter": 3600.0, None: 900.0, "home/taxes": 1200.0}


def test_timewarrior_export_without_switches_is_an_empty_array(deskmeter: Deskmeter) -> None:
    deskmeter.store().close()
    result = deskmeter.cli("export", "--format", "timewarrior")
    assert json.loads(result.stdout) == []
