"""The month totals API's day rows written as JSON by SQLite equal the rows' path (issue 25).

``/api/v1/totals?by=day`` (the default) takes the rows as JSON text from the store when no
open interval counts in the range; the answer must be the one built row by row from
``Store.day_totals`` (the path it takes with a running tracker or cut task paths), for
every host and all hosts, with non-ASCII task names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.config import Settings
from deskmeter.models import Switch
from deskmeter.reports.service import Reports
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
FIRST = datetime(2025, 3, 1, 6, 0, 0, 250_000, tzinfo=UTC)


def month_of_switches() -> list[Switch]:
    return [
        Switch(
            f"{n:024x}",
            FIRST + timedelta(hours=7 * n, minutes=n % 13),
            600.0 + 37.123 * n,
            n % 3,
            f"ws{n % 3}",
            None,
            f"área{n % 4}/tâche{n % 9}" if n % 5 else None,
            "desk" if n % 2 else "laptop",
            away=n % 11 == 0,
        )
        for n in range(110)
    ]


@pytest.mark.parametrize("group", ["task", "workspace"])
@pytest.mark.parametrize("host", [None, "desk", "laptop"])
def test_sql_written_day_rows_equal_the_rows_built_in_python(
    tmp_path: Path, host: str | None, group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "month.db"
    with SQLiteStore(path) as store:
        store.add_switches(month_of_switches())
    settings = Settings(store=str(path), timezone="Europe/Madrid", task_file=tmp_path / "t.txt")
    with SQLiteStore(path) as store:
        client = create_app(settings, store=store, clock=lambda: NOW).test_client()
        query = f"start=2025-03-01&end=2025-03-31&group={group}" + (f"&host={host}" if host else "")
        answer = client.get(f"/api/v1/totals?{query}")
        assert answer.status_code == 200
        body = answer.get_json()
        start = datetime(2025, 3, 1, tzinfo=settings.tz)
        end = datetime(2025, 4, 1, tzinfo=settings.tz)
        rows = store.day_totals(start, end, settings.tz, group=group, host=host)  # type: ignore[arg-type]
    assert rows, "the fixture has totals in the month"
    assert body["totals"] == [
        {"period": t.period.isoformat(), "key": t.key, "seconds": t.seconds}
        for t in rows
        if t.period is not None
    ]
    assert body["seconds"] == round(sum([t.seconds for t in rows]), 3)
    assert all(type(row["seconds"]) is float for row in body["totals"])
    assert date.fromisoformat(body["totals"][0]["period"]) >= date(2025, 3, 1)
    # and the whole body is the one the rows' path writes (SQL rows switched off)
    monkeypatch.setattr(Reports, "day_totals_json", lambda *args, **kwargs: None)
    with SQLiteStore(path) as store:
        client = create_app(settings, store=store, clock=lambda: NOW).test_client()
        assert client.get(f"/api/v1/totals?{query}").get_json() == body
