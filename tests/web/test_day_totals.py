"""SQLite's in-database ``day_totals`` equals the reference cut of ``Store.totals``.

The dashboard's calendar and totals API read ``day_totals``; SQLite computes it in one
query. Hypothesis throws random histories (across midnights and both DST changes) at both
and compares them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.models import Switch
from deskmeter.store.base import Store
from deskmeter.store.sqlite import SQLiteStore

ZONES = [ZoneInfo("Europe/Madrid"), ZoneInfo("America/New_York"), ZoneInfo("UTC")]
BASE = datetime(2024, 3, 29, tzinfo=UTC)  # spans the March change; +215 days: the October one


def reference(store: SQLiteStore, start: datetime, end: datetime, tz: ZoneInfo, group: str):  # type: ignore[no-untyped-def]
    return Store.totals(store, start, end, tz, group=group, by="day")  # type: ignore[arg-type]


switch_strategy = st.builds(
    lambda n, start_min, minutes, task, ws: Switch(
        id=f"h{n}",
        date=BASE + timedelta(minutes=start_min),
        delta=minutes * 60.0,
        workspace_index=ws,
        workspace="" if ws == 3 else f"ws{ws}",
        task_id=task,
        task=task,
    ),
    st.integers(0, 10**6),
    st.sampled_from([0, 60, 1380, 1439, 3000, 312_000, 313_000]) | st.integers(0, 320_000),
    st.integers(0, 3000),
    st.sampled_from([None, "", "work/a", "work/b", "personal"]),
    st.integers(0, 3),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    switches=st.lists(switch_strategy, max_size=25, unique_by=lambda s: s.id),
    zone=st.sampled_from(ZONES),
    group=st.sampled_from(["task", "workspace"]),
    first=st.integers(-2, 220),
    days=st.integers(1, 30),
)
def test_sqlite_day_totals_equal_the_reference_cut(
    tmp_path_factory: pytest.TempPathFactory,
    switches: list[Switch],
    zone: ZoneInfo,
    group: str,
    first: int,
    days: int,
) -> None:
    store = SQLiteStore(tmp_path_factory.mktemp("dt") / "h.db")
    store.add_switches(switches)
    start = BASE + timedelta(days=first, hours=5)  # not on a midnight: clipping is exercised
    end = start + timedelta(days=days)
    fast = store.day_totals(start, end, zone, group=group)  # type: ignore[arg-type]
    slow = reference(store, start, end, zone, group)
    assert [(t.period, t.key) for t in fast] == [(t.period, t.key) for t in slow]
    for a, b in zip(fast, slow, strict=True):
        assert a.seconds == pytest.approx(b.seconds, abs=0.002)
    store.close()


def test_the_autumn_dst_day_has_25_hours_of_room(tmp_path: Path) -> None:
    madrid = ZoneInfo("Europe/Madrid")
    store = SQLiteStore(tmp_path / "fall.db")
    # 2024-10-27: 03:00 CEST becomes 02:00 CET. 22:00 UTC on the 26th is local midnight.
    store.add_switches(
        [Switch("all-day", datetime(2024, 10, 26, 22, 0, tzinfo=UTC), 25 * 3600.0, 0, "code")]
    )
    start = datetime(2024, 10, 26, 22, 0, tzinfo=UTC)
    totals = store.day_totals(start, start + timedelta(days=2), madrid)
    assert [(t.period, t.seconds) for t in totals] == [(date(2024, 10, 27), 25 * 3600.0)]
    store.close()
