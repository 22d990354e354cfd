"""Random histories for the day-totals exactness tests, and the reference to compare with.

The reference is ``cut_totals`` over ``Store.counted_switches`` (the generic path of the
``Store`` port, which reads raw switches and applies ``store/overlap.py``): what every view
would show without the kept totals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from deskmeter.models import NO_TASK, State, Switch, Total, area_of
from deskmeter.store import Store
from deskmeter.store.edit_record import EditRecord
from deskmeter.store.totals import cut_totals, local_midnight, split_by_day

MADRID = ZoneInfo("Europe/Madrid")
#: The zones and starts of day the queries ask in (a change of either rebuilds SQLite's rows).
ZONES: tuple[tuple[ZoneInfo, timedelta], ...] = (
    (MADRID, timedelta(0)),
    (MADRID, timedelta(hours=4)),
    (ZoneInfo("America/New_York"), timedelta(0)),
    (ZoneInfo("UTC"), timedelta(hours=23, minutes=30)),
)
#: Around Madrid's autumn change (25 Oct 2026, a 25-hour day) and the spring one of 2027.
BASES = (
    datetime(2026, 10, 23, 20, 0, tzinfo=UTC),
    datetime(2027, 3, 26, 20, 0, tzinfo=UTC),
)
HOSTS = ("desk", "laptop", "pi")
TASKS = (None, "", "work/a", "work/b", "home")
WORKSPACES = ((0, "code"), (1, ""), (2, "web"), (5, ""))
SPAN_MS = 4 * 86_400_000


@st.composite
def switches(draw: Any, ids: st.SearchStrategy[int], base: datetime) -> Switch:
    number = draw(ids)
    index, name = draw(st.sampled_from(WORKSPACES))
    start = draw(st.integers(0, SPAN_MS))
    # mostly minutes, sometimes hours past midnight, now and then zero-length
    delta = draw(
        st.one_of(
            st.integers(0, 3_600_000),
            st.integers(0, 30 * 3_600_000),
            st.just(0),
        )
    )
    task = draw(st.sampled_from(TASKS))
    return Switch(
        id=f"s{number:03d}",
        date=base + timedelta(milliseconds=start),
        delta=delta / 1000,
        workspace_index=index,
        workspace=name,
        task_id=task,
        task=task,
        host=draw(st.sampled_from(HOSTS)),
        away=draw(st.booleans()),
    )


@dataclass(frozen=True)
class Step:
    kind: str  # add | delete | edit | close | query-zone
    switches: tuple[Switch, ...] = ()
    ids: tuple[str, ...] = ()
    zone: int = 0


@st.composite
def steps(draw: Any, base: datetime) -> list[Step]:
    ids = st.integers(0, 40)  # few ids: writes often replace an existing switch
    some = st.lists(switches(ids, base), min_size=1, max_size=12)
    names = st.lists(ids.map(lambda n: f"s{n:03d}"), min_size=1, max_size=6)
    step = st.one_of(
        st.builds(lambda s: Step("add", switches=tuple(s)), some),
        st.builds(lambda i: Step("delete", ids=tuple(i)), names),
        st.builds(
            lambda i, s: Step("edit", switches=tuple(s), ids=tuple(i)),
            names,
            st.lists(switches(ids, base), max_size=3),
        ),
        st.builds(lambda s: Step("close", switches=(s,)), switches(ids, base)),
        st.builds(lambda z: Step("zone", zone=z), st.integers(0, len(ZONES) - 1)),
    )
    return draw(st.lists(step, min_size=1, max_size=8))


def apply(store: Store, step: Step, number: int, queried: list[int]) -> None:
    if step.kind == "add":
        store.add_switches(list(step.switches))
    elif step.kind == "delete":
        delete = getattr(store, "delete_switches", None)
        if delete is not None:
            delete(list(step.ids))
        else:  # a backend without the maintenance delete: through an edit
            apply(store, Step("edit", ids=step.ids), number, queried)
    elif step.kind == "edit":
        at = datetime(2027, 6, 1, tzinfo=UTC)
        record = EditRecord(
            id=f"edit-{number}", at=at, who="test", op="task", start=at, end=at, path="x"
        )
        store.apply_edit(list(step.ids), list(step.switches), record)
    elif step.kind == "close":
        switch = step.switches[0]
        state = State(
            workspace_index=0,
            workspace="code",
            since=switch.end,
            heartbeat=switch.end,
            interval_id=f"open-{number}",
            host=switch.host,
        )
        store.close_interval(switch, state)
    else:
        queried.append(step.zone)
        tz, day_start = ZONES[step.zone]
        start = local_midnight(BASES[0].date(), tz, day_start)
        store.day_totals(start, start + timedelta(days=2), tz, day_start=day_start)


def reference(
    store: Store,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    day_start: timedelta,
    host: str | None,
) -> dict[str, list[Total]]:
    counted = store.counted_switches(start, end, host=host)

    def cut(group: Any, by: Any, *, away: bool = False) -> list[Total]:
        return cut_totals(counted, start, end, tz, group, by, day_start=day_start, away=away)

    return {
        "day_totals task": cut("task", "day"),
        "day_totals workspace": cut("workspace", "day"),
        "day_totals_json task": with_sum(cut("task", "day")),
        "day_totals_json workspace": with_sum(cut("workspace", "day")),
        "range_totals task": [t for t in cut("task", None) if t.seconds > 0],
        "range_totals workspace": [t for t in cut("workspace", None) if t.seconds > 0],
        "away_totals day": cut("task", "day", away=True),
        "away_totals None": cut("task", None, away=True),
        "totals week": cut("task", "week"),
        "totals month": cut("workspace", "month"),
        "totals year": cut("task", "year"),
        "day_seconds": day_sums(counted, start, end, tz, day_start),  # type: ignore[dict-item]
        "area_totals week": cut_totals(
            [replace(s, task=area_of(s.task or NO_TASK)) for s in counted],
            start,
            end,
            tz,
            "task",
            "week",
            day_start=day_start,
        ),
    }


def with_sum(rows: list[Total]) -> list[Total]:
    """The totals API's day rows and, last, their seconds added up (as the API does)."""
    return [*rows, Total(None, "seconds", round(sum([t.seconds for t in rows]), 3))]


def parsed(written: tuple[str, float]) -> list[Total]:
    """``Store.day_totals_json``'s text and sum read back as ``with_sum`` gives them."""
    text, seconds = written
    rows = [
        Total(date.fromisoformat(row["period"]), row["key"], row["seconds"])
        for row in json.loads(text)
    ]
    assert all(type(t.seconds) is float for t in rows), text  # 3600.0, never 3600
    return [*rows, Total(None, "seconds", seconds)]


def day_sums(
    counted: list[Any], start: datetime, end: datetime, tz: ZoneInfo, day_start: timedelta
) -> dict[date, float]:
    """Seconds counted per day, every key together, cut piece by piece."""
    sums: dict[date, float] = {}
    for switch in counted:
        lo, hi = max(switch.date, start), min(switch.end, end)
        if switch.away or hi <= lo:
            continue
        for day, seconds in split_by_day(lo, hi, tz, day_start):
            sums[day] = sums.get(day, 0.0) + seconds
    return {day: round(seconds, 3) for day, seconds in sums.items() if round(seconds, 3) > 0}


def answers(
    store: Store,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    day_start: timedelta,
    host: str | None,
) -> dict[str, list[Total]]:
    kw: dict[str, Any] = {"day_start": day_start, "host": host}
    return {
        "day_totals task": store.day_totals(start, end, tz, group="task", **kw),
        "day_totals workspace": store.day_totals(start, end, tz, group="workspace", **kw),
        "day_totals_json task": parsed(store.day_totals_json(start, end, tz, group="task", **kw)),
        "day_totals_json workspace": parsed(
            store.day_totals_json(start, end, tz, group="workspace", **kw)
        ),
        "range_totals task": store.range_totals(start, end, tz, group="task", **kw),
        "range_totals workspace": store.range_totals(start, end, tz, group="workspace", **kw),
        "away_totals day": store.away_totals(start, end, tz, by="day", **kw),
        "away_totals None": store.away_totals(start, end, tz, by=None, **kw),
        "totals week": store.totals(start, end, tz, group="task", by="week", **kw),
        "totals month": store.totals(start, end, tz, group="workspace", by="month", **kw),
        "totals year": store.totals(start, end, tz, group="task", by="year", **kw),
        "day_seconds": store.day_seconds(start, end, tz, **kw),  # type: ignore[dict-item]
        "area_totals week": store.area_totals(start, end, tz, by="week", **kw),
    }


def ranges(base: datetime, tz: ZoneInfo, day_start: timedelta) -> list[tuple[datetime, datetime]]:
    """Whole days, a range that starts and ends mid-day, one inside a day, and an empty one."""
    first: date = base.astimezone(tz).date() - timedelta(days=1)
    lo = local_midnight(first, tz, day_start)
    hi = local_midnight(first + timedelta(days=7), tz, day_start)
    return [
        (lo, hi),
        (lo + timedelta(hours=30, milliseconds=17), hi - timedelta(hours=13, minutes=5)),
        (lo + timedelta(days=2, hours=1), lo + timedelta(days=2, hours=9)),
        (lo + timedelta(days=2), lo + timedelta(days=2)),
        # whole months in the middle (SQLite adds those up from its month rows)
        (lo - timedelta(days=62, hours=5), hi + timedelta(days=70, hours=3)),
    ]
