"""The month totals API's rows written by SQLite (``store/sqlite/kept_json.py``) in the cases
that used to send a month down the slow path (issue 25): a day's sum on an exact half
millisecond (Python's ``round`` decides it), and task labels that name the same key
(no task, a task named ``""`` or ``(no task)``). Both answer from SQL now, and the answer
is still the rows' path's (``Store.day_totals_json`` over ``day_totals``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmeter.models import NO_TASK, Switch
from deskmeter.store.base import Store
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import Group

TZ = ZoneInfo("Europe/Madrid")
#: 23:00:00.0005 local on 2025-03-10: a piece of each of two days ends on a half ms.
HALF_START = datetime(2025, 3, 10, 22, 0, 0, 500, tzinfo=UTC)
MONTH = (datetime(2025, 3, 1, tzinfo=TZ), datetime(2025, 4, 1, tzinfo=TZ))
DAY_12 = datetime(2025, 3, 12, 8, tzinfo=UTC)


def switch(n: int, start: datetime, seconds: float, task: str | None, host: str) -> Switch:
    return Switch(f"{n:024x}", start, seconds, n % 2, f"ws{n % 2}", None, task, host)


def month(tasks: list[str | None]) -> list[Switch]:
    out = [
        switch(0, HALF_START, 7200.0, "half/task", "desk"),
        switch(1, HALF_START + timedelta(hours=3), 600.0, "other", "laptop"),
    ]
    out += [
        switch(n, DAY_12 + timedelta(hours=n), 900.5 + n, task, "desk")
        for n, task in enumerate(tasks, start=2)
    ]
    return out


def sql_and_reference(
    path: Path, host: str | None, group: Group, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[str, float], tuple[str, float]]:
    """The SQLite store's answer (the rows' path switched off) and the rows' path's."""
    start, end = MONTH
    with SQLiteStore(path) as store:
        reference = Store.day_totals_json(store, start, end, TZ, group=group, host=host)

        def refused(*args: object, **kwargs: object) -> tuple[str, float]:
            raise AssertionError("the month went down the rows' path")

        monkeypatch.setattr(Store, "day_totals_json", refused)
        found = store.day_totals_json(start, end, TZ, group=group, host=host)
    return found, reference


@pytest.mark.parametrize("group", ["task", "workspace"])
@pytest.mark.parametrize("host", [None, "desk", "laptop"])
def test_a_day_sum_on_an_exact_half_millisecond_is_written_by_sql_and_rounded_by_python(
    tmp_path: Path, host: str | None, group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "half.db"
    with SQLiteStore(path) as store:
        store.add_switches(month(["a", "b"]))
    found, reference = sql_and_reference(path, host, group, monkeypatch)
    assert found == reference
    if host != "laptop":
        rows = json.loads(found[0])
        assert any(row["key"] in ("half/task", "ws0") for row in rows)


@pytest.mark.parametrize("names", [[None, ""], [None, NO_TASK], ["", NO_TASK, None, "x"], [""]])
@pytest.mark.parametrize("host", [None, "desk"])
def test_task_labels_naming_the_same_key_are_added_up_as_the_rows_path_does(
    tmp_path: Path, names: list[str | None], host: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clash.db"
    with SQLiteStore(path) as store:
        store.add_switches(month(names))
    found, reference = sql_and_reference(path, host, "task", monkeypatch)
    assert found == reference
    day = [row for row in json.loads(found[0]) if row["period"] == "2025-03-12"]
    assert [row["key"] for row in day].count(NO_TASK) == 1
