"""Pre-aggregated day totals (store/aggregates.py) equal the reference cut after any writes.

Hypothesis writes, replaces and re-times switches, then asks for day and range totals in
several zones and starts of day, alternating reads and writes so cached days must be
invalidated; every answer must equal ``cut_totals`` over the switches as they are now.
Both backends: SQLite (triggers) and MongoDB (on mongomock; writes through the store and
through sync's sink).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.documents import switch_to_doc
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import cut_totals, local_midnight
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import invalidate_switches

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
    sid=st.integers(0, 14),  # few ids: many writes replace an earlier switch
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
    # a range that does not start on a day boundary: the edges are cut directly
    odd = start + timedelta(hours=7, minutes=13)
    assert sum(
        t.seconds for t in store.day_totals(odd, end, tz, group=group, day_start=day_start)
    ) == pytest.approx(
        sum(t.seconds for t in cut_totals(everything, odd, end, tz, group, None)), abs=0.01
    )


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps)
def test_cached_day_totals_equal_the_reference_after_any_writes(kind: str, plan: list) -> None:  # type: ignore[type-arg]
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


def test_a_zone_change_uses_its_own_days(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "z.db")
    store.add_switch(Switch("x", datetime(2024, 5, 1, 22, 30, tzinfo=UTC), 3600, 0, "c", "t", "t"))
    madrid, york = ZONES[0], ZONES[1]
    for tz, day in [(madrid, "2024-05-02"), (york, "2024-05-01"), (madrid, "2024-05-02")]:
        lo = local_midnight(datetime(2024, 5, 1).date(), tz)
        hi = local_midnight(datetime(2024, 5, 3).date(), tz)
        totals = store.day_totals(lo, hi, tz)
        assert [(str(t.period), t.seconds) for t in totals] == [(day, 3600.0)]
    store.close()


def test_sync_sink_writes_keep_the_remote_days_exact() -> None:
    client = mongomock.MongoClient(tz_aware=True)
    store = MongoStore("mongodb://mongomock.invalid/d", client=client, database="d")
    tz = ZONES[0]
    lo, hi = local_midnight(BASE.date(), tz), local_midnight(BASE.date() + timedelta(days=3), tz)
    first = Switch("y", BASE + timedelta(hours=10), 3600, 0, "c", "t", "work/a")
    store.add_switch(first)
    assert sum(t.seconds for t in store.day_totals(lo, hi, tz)) == 3600
    # the sink replaces the document directly in the collection (as sync does)
    moved = Switch("y", BASE + timedelta(days=1, hours=10), 7200, 0, "c", "t", "work/a")
    doc = switch_to_doc(moved)
    invalidate_switches(store.db, [DocChange("switch", "y", doc)])
    store.db.switch.replace_one({"_id": "y"}, doc, upsert=True)
    totals = store.day_totals(lo, hi, tz)
    assert [(t.period, t.seconds) for t in totals] == [((BASE + timedelta(days=1)).date(), 7200)]
    store.close()
