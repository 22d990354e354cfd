"""The month page's rows: milliseconds per local day and task, read from the kept day totals.

The calendar reads six weeks of day-and-task totals (~1,300 rows on a year of 64 tasks).
``DayTotals.day_totals`` names, groups and sorts them in SQL and builds a ``Total`` each;
the page needs none of that: it folds them into per-day maps. Here SQLite reads the rows in
key order and rounds them to milliseconds, Python names them from the label cache and puts
them straight into one map per day. The figures are those of ``day_totals`` (a day and key's
microseconds rounded to the millisecond, Python's ``round`` deciding an exact half); what
this cannot answer exactly (partial days at the range's edges, two labels that both mean
"no task") answers None and the caller takes that path.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from deskmeter.models import NO_TASK
from deskmeter.store.day_grid import TASK, WORKSPACE, Zone, whole_days
from deskmeter.store.instants import to_us
from deskmeter.store.sqlite.codec import Labels
from deskmeter.store.sqlite.totals import DayTotals
from deskmeter.store.sqlite.totals_sql import ALL_HOSTS

#: A task row's milliseconds; an exact half comes out as minus its µs (Python rounds it).
_SQL = (
    "SELECT day, label, CASE WHEN us % 1000 = 500 THEN -us ELSE (us + 500) / 1000 END "
    "FROM day_total WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? AND us >= 500 "
    "ORDER BY day"  # the key's order: no sort
)

#: The same rows as one map per day, written by SQLite: the days as a JSON array and their
#: ``{task: ms}`` objects as another (named in SQL, label 0 as "no task"), and how many rows
#: end in exactly half a millisecond (given as minus their µs: Python rounds those). Handing
#: Python two strings for ``json.loads`` (C, the task names decoded once each) costs less
#: than a tuple per row and a loop over them. ``{none}``: the labels other than 0 that also
#: mean "no task" get no name (a NULL key: not JSON), as does a label the table lacks.
_JSON_SQL = (
    "SELECT '[' || group_concat(day) || ']', '[' || group_concat(tasks) || ']', SUM(halves) "
    "FROM (SELECT day, SUM(us % 1000 = 500) AS halves, json_group_object("
    f"CASE WHEN d.label = 0 THEN '{NO_TASK}'{{none}} ELSE l.text END, "
    "CASE WHEN us % 1000 = 500 THEN -us ELSE (us + 500) / 1000 END) AS tasks "
    "FROM day_total AS d LEFT JOIN label AS l ON l.id = d.label "
    "WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? AND us >= 500 GROUP BY day)"
)
_JSON_PLAIN_SQL = _JSON_SQL.format(none="")
_JSON_NONE_SQL = _JSON_SQL.format(none=" WHEN d.label IN (?, ?) THEN NULL")

#: The days' totals (each a day's µs rounded to the ms) added up, and how many days end in
#: exactly half a millisecond (Python's round decides those: the caller's other path). Read
#: from the workspace rows: the same pieces of time as the task rows (totals_sql.py's
#: ``HOST_SUMS``, the combined scope built from them alike), so the same µs per day, in a
#: few rows a day instead of one per task.
_TOTAL_SQL = (
    "SELECT SUM((us + 500) / 1000), SUM(us % 1000 = 500) FROM (SELECT SUM(us) AS us "
    "FROM day_total WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? GROUP BY day)"
)

#: Each day's tasks' milliseconds (each rounded to the ms) added up over a range of days,
#: and how many of its rows the sum cannot take: an exact half millisecond (Python rounds
#: it), a label that also means "no task" (the two ``?`` first: added to label 0's µs
#: before rounding). Such a day is read in detail.
_DAY_SQL = (
    "SELECT day, SUM((us + 500) / 1000), SUM(us % 1000 = 500) + SUM(label IN (?, ?)) "
    "FROM day_total WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? AND us >= 500 "
    "GROUP BY day"
)
#: The labels other than 0 that mean "no task" (text unique: two at most).
_NO_TASK_SQL = f"SELECT id FROM label WHERE text IN ('', '{NO_TASK}')"

#: ``{day ordinal: {task: ms}}`` and ``{day ordinal: ms}`` (days read without their tasks).
DayTaskMs = tuple[dict[int, dict[str, int]], dict[int, int]]


def half_ms(us: int) -> int:
    """The milliseconds of ``us`` µs ending in exactly 500, as ``round(us / 1e6, 3)``."""
    return round(round(us / 1e6, 3) * 1000)


def day_task_ms(
    db: sqlite3.Connection,
    kept: DayTotals,
    labels: Labels,
    zone: Zone,
    start: datetime,
    end: datetime,
    host: int | None,
    detail: tuple[int, int] | None,
) -> DayTaskMs | None:
    """``{day ordinal: {task: ms}}`` over the whole local days ``[start, end)`` (a day's
    tasks with no whole millisecond left out) and, for the days outside ``detail`` (first
    and last ordinal; None: every day in detail), only their totals ``{day ordinal: ms}``;
    None when the range has partial days."""
    days = _whole_days(zone, start, end)
    if days is None:
        return None
    scope = _scope(db, kept, zone, start, end, host)
    if scope is None:
        return {}, {}
    first, last = days
    totals: dict[int, int] = {}
    halves: list[int] = []
    no_task = [r[0] for r in db.execute(_NO_TASK_SQL)]
    if detail is not None:
        inner = (max(first, detail[0]), min(last, detail[1]))
        for lo_day, hi_day in ((first, inner[0] - 1), (inner[1] + 1, last)):
            if hi_day < lo_day:
                continue
            params = (*(*no_task, -1, -1)[:2], scope, TASK, lo_day, hi_day)
            for day, ms, half in db.execute(_DAY_SQL, params):
                if half:
                    halves.append(day)
                else:
                    totals[day] = ms
        first, last = inner
        if halves:  # read those days' tasks too (Python rounds their halves), then sum them
            first, last = min(first, *halves), max(last, *halves)
    tasks = _json_tasks(db, scope, first, last, no_task)
    if tasks is None:
        rows = db.execute(_SQL, (scope, TASK, first, last)).fetchall()
        try:
            tasks = _fold(rows, labels.texts())
        except KeyError:  # a label this process has not seen yet
            labels.load(db, {label for _, label, _ in rows if label})
            tasks = _fold(rows, labels.texts())
    if tasks is None:
        return None
    if detail is not None and halves:
        for day in [d for d in tasks if not inner[0] <= d <= inner[1]]:
            totals[day] = sum(tasks.pop(day).values())
    return tasks, totals


def days_ms_total(
    db: sqlite3.Connection,
    kept: DayTotals,
    zone: Zone,
    start: datetime,
    end: datetime,
    host: int | None,
) -> int | None:
    """The milliseconds of the whole local days ``[start, end)`` added up, each day's rounded
    to the ms first (``day_seconds``'s values); None when the range has partial days or a
    day ends in exactly half a millisecond."""
    days = _whole_days(zone, start, end)
    if days is None:
        return None
    scope = _scope(db, kept, zone, start, end, host)
    if scope is None:
        return 0
    total, halves = db.execute(_TOTAL_SQL, (scope, WORKSPACE, *days)).fetchone()
    return None if halves else int(total or 0)


def _scope(
    db: sqlite3.Connection,
    kept: DayTotals,
    zone: Zone,
    start: datetime,
    end: datetime,
    host: int | None,
) -> int | None:
    """The kept rows to read: ``host``'s; for every host, the one host with data in the range
    or the combined rows; None when no host has any."""
    if host is not None:
        return host
    hosts = kept.hosts_in(db, zone, start, end)
    if not hosts:
        return None
    return next(iter(hosts)) if len(hosts) == 1 else ALL_HOSTS


def _json_tasks(
    db: sqlite3.Connection, scope: int, first: int, last: int, no_task: list[int]
) -> dict[int, dict[str, int]] | None:
    """``_fold``'s maps from ``_JSON_SQL``; None where that cannot say (one of ``no_task``,
    the labels other than 0 that also mean "no task", or a label the table does not hold, in
    the rows): ``_fold`` answers."""
    if no_task:  # two labels both meaning "no task" add their µs before rounding: _fold's
        sql, params = _JSON_NONE_SQL, (*no_task, -1, -1)[:2]
    else:
        sql, params = _JSON_PLAIN_SQL, ()
    days, maps, halves = db.execute(sql, (*params, scope, TASK, first, last)).fetchone()
    if days is None:
        return {}
    try:
        out: dict[int, dict[str, int]] = dict(zip(json.loads(days), json.loads(maps), strict=True))
    except ValueError:  # a label with no name here: no JSON key
        return None
    if halves:  # Python's round decides an exact half, as in _fold
        for day, tasks in list(out.items()):
            for key, ms in list(tasks.items()):
                if ms < 0:
                    rounded = half_ms(-ms)
                    if rounded:
                        tasks[key] = rounded
                    else:
                        del tasks[key]
            if not tasks:
                del out[day]
    return out


def _fold(
    rows: list[tuple[int, int, int]], names: dict[int, str]
) -> dict[int, dict[str, int]] | None:
    names[0] = NO_TASK
    other_none = {n for n, text in names.items() if n and text in ("", NO_TASK)}
    if other_none and any(label in other_none for _, label, _ in rows):
        return None  # two labels both mean "no task": their µs are added before rounding
    out: dict[int, dict[str, int]] = {}
    tasks: dict[str, int] = {}
    current = None
    for day, label, ms in rows:
        if day != current:
            current, tasks = day, {}
            out[day] = tasks
        if ms < 0:  # an exact half: Python's round decides
            rounded = half_ms(-ms)
            if rounded:
                tasks[names[label]] = rounded
            continue
        tasks[names[label]] = ms
    return {day: tasks for day, tasks in out.items() if tasks}


def _whole_days(zone: Zone, start: datetime, end: datetime) -> tuple[int, int] | None:
    """The first and last local day ordinals of ``[start, end)`` when it is made of whole
    local days, else None."""
    lo, hi = to_us(start), to_us(end)
    whole = whole_days(zone, lo, hi, strict=False) if hi > lo else None
    if whole is None or whole[2] != lo or whole[3] != hi:
        return None
    return whole[0], whole[1]
