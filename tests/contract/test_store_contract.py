"""Every backend keeps the same promises (see ``deskmeter.store.base.Store``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskmeter.models import NO_TASK, State, Switch, Task, TaskHistoryEntry, workspace_label
from deskmeter.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
MADRID = ZoneInfo("Europe/Madrid")


def sw(n: int, start: datetime, seconds: float, task: str | None = "work/a", ws: int = 0) -> Switch:
    return Switch(
        id=f"s{n:05d}",
        date=start,
        delta=seconds,
        workspace_index=ws,
        workspace=f"ws{ws}",
        task_id=task,
        task=task,
        host="box",
    )


def test_switches_round_trip_with_every_field(store: Store) -> None:
    original = Switch("abc", T0, 12.5, 3, "Mail", "t1", "work/mail", "laptop")
    store.add_switch(original)
    (back,) = store.switches()
    assert back == original
    assert back.date.tzinfo is not None and back.date.utcoffset() == timedelta(0)
    assert back.end == T0 + timedelta(seconds=12.5)


def test_an_away_stretch_is_stored_and_shown_apart_but_never_counted(store: Store) -> None:
    from dataclasses import replace

    from deskmeter.store.totals import AWAY_KEY

    late = T0.replace(hour=22)  # 23:00 Madrid: the away stretch crosses local midnight
    store.add_switches(
        [
            sw(1, late - timedelta(hours=1), 3600),
            replace(sw(2, late, 4 * 3600), away=True),
            sw(3, late + timedelta(hours=4), 1800, ws=1),
        ]
    )
    assert [s.away for s in store.switches()] == [False, True, False]
    lo, hi = T0.replace(hour=0), T0 + timedelta(days=2)
    for group in ("task", "workspace"):
        by_day = {
            (t.period, t.key): t.seconds for t in store.day_totals(lo, hi, MADRID, group=group)
        }
        assert sum(by_day.values()) == 5400.0, group
        assert by_day == {
            (t.period, t.key): t.seconds
            for t in store.totals(lo, hi, MADRID, by="day", group=group)
        }
    away = store.away_totals(lo, hi, MADRID)
    assert [(t.period, t.key, t.seconds) for t in away] == [
        (date(2026, 3, 2), AWAY_KEY, 3600.0),
        (date(2026, 3, 3), AWAY_KEY, 3 * 3600.0),
    ]


def test_writing_the_same_id_twice_replaces_instead_of_duplicating(store: Store) -> None:
    store.add_switch(sw(1, T0, 10))
    store.add_switch(sw(1, T0, 20))
    assert store.count_switches() == 1
    assert store.switches()[0].delta == 20


def test_switches_in_a_range_are_ordered_and_paginated(store: Store) -> None:
    store.add_switches(sw(n, T0 + timedelta(minutes=n), 30) for n in reversed(range(50)))
    window = store.switches(T0 + timedelta(minutes=10), T0 + timedelta(minutes=40))
    assert [s.id for s in window] == [f"s{n:05d}" for n in range(10, 40)]
    page2 = store.switches(T0, None, limit=10, offset=10)
    assert [s.id for s in page2] == [f"s{n:05d}" for n in range(10, 20)]
    newest = store.switches(order="desc", limit=3)
    assert [s.id for s in newest] == ["s00049", "s00048", "s00047"]
    assert store.count_switches(T0 + timedelta(minutes=45)) == 5
    assert store.count_switches() == 50


def test_overlapping_query_finds_an_interval_that_started_before_the_range(store: Store) -> None:
    store.add_switch(sw(1, T0 - timedelta(hours=5), 6 * 3600))  # 04:00 → 10:00
    store.add_switch(sw(2, T0 - timedelta(hours=9), 3600))  # 00:00 → 01:00, outside
    found = store.switches_overlapping(T0, T0 + timedelta(hours=1))
    assert [s.id for s in found] == ["s00001"]
    assert store.longest_switch() == 6 * 3600


def test_totals_split_an_interval_across_local_midnight(store: Store) -> None:
    # 22:30 → 01:30 Madrid time (CET, UTC+1) on 2026-03-02/03: 1.5 h each side of midnight.
    start = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    store.add_switch(sw(1, start, 3 * 3600))
    totals = store.totals(start - timedelta(days=1), start + timedelta(days=2), MADRID, by="day")
    assert [(t.period, t.key, t.seconds) for t in totals] == [
        (date(2026, 3, 2), "work/a", 5400.0),
        (date(2026, 3, 3), "work/a", 5400.0),
    ]


def test_totals_on_the_daylight_saving_day_count_real_seconds(store: Store) -> None:
    # 2026-03-29 in Madrid has 23 hours. An interval covering the whole local day lasts 23 h.
    day_start = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 CET
    day_end = datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # 00:00 CEST next day
    store.add_switch(sw(1, day_start - timedelta(hours=1), 25 * 3600))
    totals = store.totals(day_start, day_end + timedelta(hours=5), MADRID, by="day")
    by_day = {t.period: t.seconds for t in totals}
    assert by_day[date(2026, 3, 29)] == 23 * 3600
    assert by_day[date(2026, 3, 30)] == 1 * 3600  # 00:00–01:00 CEST; the range starts at 00:00 CET


def test_totals_by_week_month_and_group(store: Store) -> None:
    store.add_switch(sw(1, T0, 3600, task="work/a", ws=0))  # Mon 2 March
    store.add_switch(sw(2, T0 + timedelta(days=7), 1800, task="home/b", ws=1))  # Mon 9 March
    store.add_switch(sw(3, T0 + timedelta(days=30), 600, task=None, ws=1))  # 1 April
    lo, hi = T0 - timedelta(days=3), T0 + timedelta(days=40)
    weeks = store.totals(lo, hi, MADRID, by="week")
    assert [(t.period, t.key) for t in weeks] == [
        (date(2026, 3, 2), "work/a"),
        (date(2026, 3, 9), "home/b"),
        (date(2026, 3, 30), "(no task)"),
    ]
    months = store.totals(lo, hi, MADRID, by="month", group="workspace")
    assert [(t.period, t.key, t.seconds) for t in months] == [
        (date(2026, 3, 1), "ws0", 3600.0),
        (date(2026, 3, 1), "ws1", 1800.0),
        (date(2026, 4, 1), "ws1", 600.0),
    ]
    overall = store.totals(lo, hi, MADRID, by=None)
    assert sum(t.seconds for t in overall) == 6000.0


def test_totals_clip_to_the_requested_range(store: Store) -> None:
    store.add_switch(sw(1, T0, 7200))
    totals = store.totals(T0 + timedelta(minutes=30), T0 + timedelta(minutes=90), UTC_ZONE, by=None)
    assert [t.seconds for t in totals] == [3600.0]


UTC_ZONE = ZoneInfo("UTC")


def test_tasks_upsert_deactivate_and_history(store: Store) -> None:
    store.upsert_tasks([Task("t1", "work/a", updated=T0), Task("t2", "home/b", updated=T0)])
    store.upsert_tasks([Task("t2", "home/b", active=False, updated=T0)])
    assert [t.id for t in store.tasks()] == ["t1"]
    assert [t.id for t in store.tasks(include_inactive=True)] == ["t2", "t1"]  # by path
    store.add_task_history(
        [
            TaskHistoryEntry("t1", "work/old", T0 - timedelta(days=10)),
            TaskHistoryEntry("t1", "work/a", T0),
        ]
    )
    store.add_task_history([TaskHistoryEntry("t1", "work/a", T0)])  # idempotent
    assert len(store.task_history("t1")) == 2
    assert store.task_path_at("t1", T0 - timedelta(days=1)) == "work/old"
    assert store.task_path_at("t1", T0 + timedelta(days=1)) == "work/a"
    assert store.task_path_at("t1", T0 - timedelta(days=30)) is None


def test_state_put_get_clear(store: Store) -> None:
    assert store.get_state() is None
    state = State(2, "Code", T0, T0 + timedelta(seconds=30), "iv1", "t1", "work/a", "box")
    store.put_state(state)
    assert store.get_state() == state
    assert store.get_state("box") == state
    store.put_state(None, host="box")
    assert store.get_state() is None


def test_close_interval_writes_the_switch_and_the_new_state(store: Store) -> None:
    first = State(0, "A", T0, T0, "iv1", "t1", "work/a", "box")
    store.put_state(first)
    switch = first.closed_at(T0 + timedelta(seconds=90))
    second = State(
        1, "B", T0 + timedelta(seconds=90), T0 + timedelta(seconds=90), "iv2", host="box"
    )
    store.close_interval(switch, second)
    store.close_interval(switch, second)  # repeating after a crash changes nothing
    assert store.count_switches() == 1
    assert store.switches()[0].id == "iv1"
    assert store.switches()[0].delta == 90
    assert store.get_state() == second


def test_meta_values(store: Store) -> None:
    assert store.get_meta("k") is None
    store.set_meta("k", "1")
    store.set_meta("k", "2")
    assert store.get_meta("k") == "2"
    store.set_meta("k", None)
    assert store.get_meta("k") is None


def test_count_existing_switches_counts_only_stored_ids(store: Store) -> None:
    store.add_switches([Switch(f"{i:024x}", T0, 1.0, 0, "w") for i in range(3)])
    store.add_switch(Switch("plain-id", T0, 1.0, 0, "w"))
    ids = [f"{i:024x}" for i in range(2, 6)] + ["plain-id", "plain-id", "other"]
    assert store.count_existing_switches(ids) == 2  # 00..02 and plain-id, each once
    assert store.count_existing_switches([]) == 0


def test_swap_meta_sets_only_what_it_expected(store: Store) -> None:
    assert store.swap_meta("lease", None, "a")  # absent -> a
    assert not store.swap_meta("lease", None, "b")  # not absent any more
    assert not store.swap_meta("lease", "x", "b")  # holds a, not x
    assert store.get_meta("lease") == "a"
    assert store.swap_meta("lease", "a", "b")
    assert not store.swap_meta("lease", "a", None)
    assert store.swap_meta("lease", "b", None)
    assert store.get_meta("lease") is None
    assert store.swap_meta("lease", None, None)  # absent, expected absent


@pytest.mark.parametrize("delta", [-1.0])
def test_a_negative_duration_is_refused(delta: float) -> None:
    with pytest.raises(ValueError, match="negative delta"):
        sw(1, T0, delta)


def test_unnamed_workspaces_and_no_task_get_the_one_fallback_label(store: Store) -> None:
    unnamed = Switch("u1", T0, 600, workspace_index=2, workspace="", task=None, host="box")
    empty_task = Switch("u2", T0 + timedelta(hours=1), 300, 0, "ws0", task="", host="box")
    store.add_switches([unnamed, empty_task])
    lo, hi = T0 - timedelta(hours=1), T0 + timedelta(hours=3)
    by_day = store.day_totals(lo, hi, MADRID, group="workspace")
    assert {(t.key, t.seconds) for t in by_day} == {("workspace 3", 600.0), ("ws0", 300.0)}
    assert {t.key for t in store.day_totals(lo, hi, MADRID)} == {NO_TASK}
    assert sum(t.seconds for t in store.day_totals(lo, hi, MADRID)) == 900.0
    assert {t.key for t in store.totals(lo, hi, MADRID, group="workspace")} == {
        workspace_label(2),
        "ws0",
    }
    assert store.switches()[0].workspace_label == "workspace 3"


def test_a_state_is_live_while_its_heartbeat_is_recent(store: Store) -> None:
    store.put_state(State(0, "ws0", T0, T0 + timedelta(seconds=60), "iv", host="box"))
    state = store.get_state()
    assert state is not None
    assert state.is_live(T0 + timedelta(seconds=60 + 65), heartbeat_seconds=30)
    assert not state.is_live(T0 + timedelta(seconds=60 + 66), heartbeat_seconds=30)


def test_durations_are_kept_to_the_millisecond_and_starts_to_the_microsecond(
    store: Store,
) -> None:
    start = T0 + timedelta(microseconds=123000)
    store.add_switch(Switch("ms", start, 1.23456, 0, "ws0"))
    (back,) = store.switches()
    assert back.delta == 1.235 and back.date == start
