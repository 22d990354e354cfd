"""The edit operation on every backend: split at the edges, away, add, undo exactly, the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import OFF_COMPUTER, make_edit, undo_last
from deskmeter.edits.times import parse_time
from deskmeter.models import State, Switch, Task
from deskmeter.store import Store

MADRID = ZoneInfo("Europe/Madrid")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def at(hour: float) -> datetime:
    return T0.replace(hour=0) + timedelta(hours=hour)


def sw(n: int, start: datetime, hours: float, task: str = "work/a") -> Switch:
    return Switch(f"s{n}", start, hours * 3600, 0, "Code", task, task, "box")


@pytest.fixture
def history(store: Store) -> list[Switch]:
    store.upsert_tasks([Task("work/a", "work/a"), Task("work/b", "work/b"), Task("mtg", "meeting")])
    switches = [sw(1, at(9), 2), sw(2, at(11), 1, "work/b"), sw(3, at(13), 2)]
    store.add_switches(switches)
    return switches


def totals(store: Store, day: datetime = T0) -> dict[str, float]:
    lo = day.replace(hour=0)
    return {t.key: t.seconds for t in store.totals(lo, lo + timedelta(days=1), UTC, by=None)}


def test_task_splits_switches_at_the_edges_and_undo_restores_exactly(
    store: Store, history: list[Switch]
) -> None:
    edit = make_edit(store, "task", at(10), at(13.5), "meeting", who="cli", now=NOW)
    assert totals(store) == {"work/a": 3 * 3600 - 1800, "meeting": 2.5 * 3600 - 3600 + 3600}
    after = store.switches()
    assert [(s.date, s.delta, s.task) for s in after] == [
        (at(9), 3600, "work/a"),
        (at(10), 3600, "meeting"),
        (at(11), 3600, "meeting"),
        (at(13), 1800, "meeting"),
        (at(13.5), 5400, "work/a"),
    ]
    assert all(s.task_id == "mtg" for s in after if s.task == "meeting")
    assert {s.id for s in after}.isdisjoint({"s1", "s2", "s3"})
    assert [s.id for s in edit.before] == ["s1", "s2", "s3"]
    (logged,) = store.edits()
    assert (logged.who, logged.op, logged.path, logged.undone) == ("cli", "task", "meeting", False)
    assert logged.before == tuple(history)
    undone = undo_last(store, who="api", now=NOW + timedelta(minutes=1))
    assert store.switches() == history
    assert undone.undone_by == "api"
    assert store.edits()[0].undone
    with pytest.raises(EditError, match="no edit to undo"):
        undo_last(store, who="cli", now=NOW)


def test_away_is_kept_but_not_counted(store: Store, history: list[Switch]) -> None:
    make_edit(store, "away", at(11), at(12), who="web", now=NOW)
    assert totals(store) == {"work/a": 4 * 3600}
    lo = T0.replace(hour=0)
    (away,) = store.away_totals(lo, lo + timedelta(days=1), UTC, by=None)
    assert away.seconds == 3600
    assert [s.away for s in store.switches()] == [False, True, False]


def test_add_wins_over_tracked_time_and_fills_gaps(store: Store, history: list[Switch]) -> None:
    make_edit(store, "add", at(10.5), at(14), "meeting", who="api", now=NOW, host="box")
    assert totals(store) == {"work/a": 1.5 * 3600 + 3600, "meeting": 3.5 * 3600}
    added = [s for s in store.switches() if s.task == "meeting"]
    assert [(s.date, s.delta, s.workspace, s.host) for s in added] == [
        (at(10.5), 3.5 * 3600, OFF_COMPUTER, "box")
    ]


def test_a_range_with_no_data(store: Store, history: list[Switch]) -> None:
    with pytest.raises(EditError, match="nothing was tracked"):
        make_edit(store, "task", at(16), at(17), "work/b", who="cli", now=NOW)
    with pytest.raises(EditError, match="nothing was tracked"):
        make_edit(store, "away", at(16), at(17), who="cli", now=NOW)
    assert store.edits() == []
    make_edit(store, "add", at(16), at(17), "work/b", who="cli", now=NOW)
    assert totals(store)["work/b"] == 7200


def test_the_open_interval_is_not_history_yet(store: Store, history: list[Switch]) -> None:
    store.put_state(State(0, "Code", at(15), at(15.5), "open", "work/a", "work/a", "box"))
    edit = make_edit(store, "add", at(14.5), at(17), "work/b", who="cli", now=NOW)
    assert edit.end == at(15)  # clipped at the open interval's start
    with pytest.raises(EditError, match="open interval"):
        make_edit(store, "task", at(15.5), at(16), "work/b", who="cli", now=NOW)
    with pytest.raises(EditError, match="open interval"):  # the future
        make_edit(store, "task", NOW + timedelta(hours=1), NOW + timedelta(hours=2), "work/b",
                  who="cli", now=NOW)  # fmt: skip


def test_bad_requests_change_nothing(store: Store, history: list[Switch]) -> None:
    for args, message in [
        (("task", at(12), at(11), "work/b"), "not after the start"),
        (("task", at(9), at(10), "nope/x"), "unknown task"),
        (("task", at(9), at(10), None), "needs a task path"),
        (("away", at(9), at(10), "work/b"), "takes no task path"),
        (("merge", at(9), at(10), None), "unknown edit"),
    ]:
        with pytest.raises(EditError, match=message):
            make_edit(store, *args, who="cli", now=NOW)  # type: ignore[arg-type]
    assert store.switches() == history and store.edits() == []


def test_across_midnight_and_the_dst_change(store: Store) -> None:
    """Madrid's clocks went forward on 2026-03-29 at 02:00: that day has 23 hours."""
    store.upsert_tasks([Task("work/a", "work/a"), Task("work/b", "work/b")])
    start = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)  # 22:00 local Saturday
    store.add_switch(Switch("n1", start, 6 * 3600, 0, "Code", "work/a", "work/a", "box"))
    today = date(2026, 3, 29)
    lo = parse_time("2026-03-28 23:00", MADRID, today)
    hi = parse_time("04:00", MADRID, today)  # today = the DST day
    assert (hi - lo).total_seconds() == 4 * 3600  # 23:00 → 04:00 local is 4 real hours
    make_edit(store, "task", lo, hi, "work/b", who="cli", now=datetime(2026, 4, 1, tzinfo=UTC))
    days = store.totals(start, start + timedelta(hours=6), MADRID)
    assert [(t.period, t.key, t.seconds) for t in days] == [
        (date(2026, 3, 28), "work/a", 3600),
        (date(2026, 3, 28), "work/b", 3600),
        (date(2026, 3, 29), "work/a", 3600),
        (date(2026, 3, 29), "work/b", 3 * 3600),
    ]
    with pytest.raises(EditError, match="does not exist"):
        parse_time("02:30", MADRID, today)
    assert parse_time("2026-03-29T02:30+01:00", MADRID, today) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    with pytest.raises(EditError, match="needs an offset"):
        parse_time("2026-03-29T05:30:00", MADRID, today)
    with pytest.raises(EditError, match="bad --start"):
        parse_time("noon", MADRID, today, name="--start")


def test_an_edit_is_stamped_with_its_host_and_touches_only_that_hosts_switches(
    store: Store, history: list[Switch]
) -> None:
    from dataclasses import replace

    laptop = replace(sw(9, at(9), 6), host="laptop")  # the laptop tracked the same hours
    store.add_switch(laptop)
    edit = make_edit(store, "away", at(9), at(10), who="cli", now=NOW, host="box")
    assert edit.host == "box" and store.edits()[0].host == "box"
    assert [s.id for s in edit.before] == ["s1"], "the laptop's switch is the laptop's"
    assert store.switches(host="laptop") == [laptop]
    assert {s.host for s in edit.after} == {"box"}
    # an undo on the laptop does not take the desk's edit back
    with pytest.raises(EditError, match="no edit to undo"):
        undo_last(store, who="cli", now=NOW, host="laptop")
    assert undo_last(store, who="cli", now=NOW, host="box").id == edit.id
