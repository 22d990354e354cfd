"""Day totals cut at a configured start of day equal the reference cut, after any writes.

Hypothesis writes and replaces switches (few ids, so many writes replace an earlier one),
then asks each backend for day totals and range totals in several zones and starts of day
(midnight, 04:00, 05:45), alternating reads and writes; every answer must equal
``cut_totals`` (the reference in store/totals.py) over the switches as they are now. The
SQLite store computes them in one SQL query with the day boundaries shifted by the start of
day; MongoDB (on mongomock) goes through ``Store.totals``.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import cut_totals, local_midnight

BASE = datetime(2024, 3, 28, tzinfo=UTC)  # around Europe's DST change (31 March)
ZONES = [ZoneInfo("Europe/Madrid"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kathmandu")]
DAY_STARTS = [timedelta(0), timedelta(hours=4), timedelta(hours=5, minutes=45)]
TASKS = ["work/a", "work/b", "personal", None]

switch_strategy = st.builds(
    lambda sid, minute, minutes, task, ws: Switch(
        id=f"s{sid}",
        date=BASE + timedelta(minutes=minute),
        delta=minutes * 60.0,
        workspace_index=ws,
        workspace=f"ws{ws}",
        task_id=task,
        task=task,
        host="h",
    ),
    sid=st.integers(0, 14),
    minute=st.integers(0, 7 * 24 * 60),
    minutes=st.integers(0, 30 * 60),
    task=st.sampled_from(TASKS),
    ws=st.integers(0, 2),
)
query = st.tuples(
    st.sampled_from(ZONES),
    st.sampled_from(DAY_STARTS),
    st.integers(-2, 6),  # first day offset from BASE
    st.integers(1, 9),  # days
    st.sampled_from(["task", "workspace"]),
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.lists(switch_strategy, min_size=1, max_size=4)),
        st.tuples(st.just("read"), query),
    ),
    min_size=2,
    max_size=14,
)


def open_store(kind: str, folder: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(folder / "a.db")
    return MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )


def check(store: Store, current: dict[str, Switch], q: tuple) -> None:  # type: ignore[type-arg]
    tz, day_start, offset, days, group = q
    first = (BASE + timedelta(days=offset)).date()
    start = local_midnight(first, tz, day_start)
    end = local_midnight(first + timedelta(days=days), tz, day_start)
    everything = list(current.values())
    expected = cut_totals(everything, start, end, tz, group, "day", day_start=day_start)
    got = store.day_totals(start, end, tz, group=group, day_start=day_start)
    assert [(t.period, t.key) for t in got] == [(t.period, t.key) for t in expected]
    for a, b in zip(got, expected, strict=True):
        assert a.seconds == pytest.approx(b.seconds, abs=0.01)
    whole = cut_totals(everything, start, end, tz, group, None)
    ranged = store.range_totals(start, end, tz, group=group, day_start=day_start)
    assert {t.key: round(t.seconds, 1) for t in ranged} == {
        t.key: round(t.seconds, 1) for t in whole
    }
    # a range that does not start on a day boundary: the first day is cut at the start
    odd = start + timedelta(hours=7, minutes=13)
    assert sum(
        t.seconds for t in store.day_totals(odd, end, tz, group=group, day_start=day_start)
    ) == pytest.approx(
        sum(t.seconds for t in cut_totals(everything, odd, end, tz, group, None)), abs=0.01
    )


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps)
def test_day_totals_with_a_start_of_day_equal_the_reference(kind: str, plan: list) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(kind, Path(folder))
        current: dict[str, Switch] = {}
        try:
            for action, payload in plan:
                if action == "write":
                    store.add_switches(payload)
                    current.update({s.id: s for s in payload})
                else:
                    check(store, current, payload)
            for tz in ZONES:
                check(store, current, (tz, DAY_STARTS[1], -1, 9, "task"))
        finally:
            store.close()


def test_a_switch_before_the_start_of_day_counts_for_the_day_before(tmp_path: Path) -> None:
    """02:00-03:00 local belongs to the previous day when days start at 04:00 (SQLite's query)."""
    store = SQLiteStore(tmp_path / "s.db")
    tz = ZONES[0]
    night = datetime(2024, 5, 2, 2, 0, tzinfo=tz).astimezone(UTC)
    store.add_switch(Switch("n", night, 3600, 0, "c", "t", "t"))
    lo, hi = local_midnight(date(2024, 5, 1), tz), local_midnight(date(2024, 5, 3), tz)
    at_midnight = store.day_totals(lo, hi, tz)
    assert [(str(t.period), t.seconds) for t in at_midnight] == [("2024-05-02", 3600.0)]
    four = timedelta(hours=4)
    lo4, hi4 = (
        local_midnight(date(2024, 5, 1), tz, four),
        local_midnight(date(2024, 5, 3), tz, four),
    )
    at_four = store.day_totals(lo4, hi4, tz, day_start=four)
    assert [(str(t.period), t.seconds) for t in at_four] == [("2024-05-01", 3600.0)]
    store.close()


def test_a_zone_change_uses_its_own_days(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "z.db")
    store.add_switch(Switch("x", datetime(2024, 5, 1, 22, 30, tzinfo=UTC), 3600, 0, "c", "t", "t"))
    madrid, york = ZONES[0], ZONES[1]
    for tz, day in [(madrid, "2024-05-02"), (york, "2024-05-01"), (madrid, "2024-05-02")]:
        lo = local_midnight(date(2024, 5, 1), tz)
        hi = local_midnight(date(2024, 5, 3), tz)
        totals = store.day_totals(lo, hi, tz)
        assert [(str(t.period), t.seconds) for t in totals] == [(day, 3600.0)]
    store.close()
