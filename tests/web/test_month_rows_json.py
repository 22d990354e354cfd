"""The month page's rows as SQLite writes them in JSON (``store/sqlite/month_rows.py``) equal
the reference path's, whatever the task names hold (quotes, backslashes, control
characters, any script) and when a task's label also means "no task" (issue 25, reads)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.sqlite import SQLiteStore
from tests.web.conftest import MADRID

START = datetime(2025, 3, 1, tzinfo=MADRID)
END = datetime(2025, 3, 10, tzinfo=MADRID)
ODD_NAMES = ['work/"quoted"', "work\\back\\slash", "ünï/cödé 📅", "tab\there/new\nline", "a/{}[],:"]


def switches(tasks: list[str | None], first: datetime) -> list[Switch]:
    """A switch per hour from ``first`` (UTC), cycling through ``tasks``, with microseconds
    in the durations so that the kept totals are not whole milliseconds."""
    return [
        Switch(
            id=f"{n:024x}",
            date=first + timedelta(hours=n, microseconds=137 * n),
            delta=1800.0 + n / 1000 + 0.0005,
            workspace_index=0,
            workspace="",
            task_id=f"t{n % len(tasks)}",
            task=tasks[n % len(tasks)],
            host="box",
        )
        for n in range(24 * 6)
    ]


@pytest.mark.parametrize("detail", [None, (date(2025, 3, 4), date(2025, 3, 6))])
def test_task_names_that_json_must_escape_come_back_as_written(
    tmp_path: Path, detail: tuple[date, date] | None
) -> None:
    store = SQLiteStore(tmp_path / "odd.db")
    store.add_switches(switches([*ODD_NAMES, None], datetime(2025, 3, 2, 8, tzinfo=UTC)))
    fast = store.day_task_ms(START, END, MADRID, detail=detail)
    assert fast == Store.day_task_ms(store, START, END, MADRID, detail=detail)
    tasks, _ = fast
    assert {key for day in tasks.values() for key in day} >= set(ODD_NAMES)


def test_a_task_named_as_no_task_is_added_to_no_task_as_the_reference_does(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "none.db")
    store.add_switches(switches(["(no task)", None, "work/a"], datetime(2025, 3, 2, 8, tzinfo=UTC)))
    fast = store.day_task_ms(START, END, MADRID)
    assert fast == Store.day_task_ms(store, START, END, MADRID)
    tasks, _ = fast
    assert any("(no task)" in day for day in tasks.values())
