"""The totals API's day rows as JSON text, written by SQLite from the kept day totals.

A month of day-and-task totals is ~1,000 rows: building a ``Total``, then a dict, then
encoding each in Python was most of the month totals API's time. Here SQLite names, orders
and encodes the rows in one statement, and Python only splices the text in. The rows and
their order are those of ``DayTotals.day_totals`` (``totals.py``); partial days at the
range's edges answer None and the caller takes that path.

Task rows are one per (day, label) already (the primary key), so they are read in key order
without grouping unless two labels name the same key on a day (no task: label 0, a task
named ``""`` or ``(no task)``): then they are added up per key as workspace rows always are.
A sum on an exact half millisecond is rounded by Python (``round``), as the rows' path does:
SQLite writes its microseconds as a marker that is replaced here.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from deskmeter.models import NO_TASK
from deskmeter.store.day_grid import AWAY, TASK, Zone, whole_days
from deskmeter.store.instants import to_us
from deskmeter.store.sqlite.totals import DayTotals
from deskmeter.store.sqlite.totals_sql import ALL_HOSTS

#: ``date(ordinal + this)`` is the ISO date of a ``date.toordinal()`` (0001-01-01 is 1).
JULIAN_OF_ORDINAL_0 = 1721424.5

#: The rows as JSON: (array text, ms added up over the rows not on a half ms, rows on one).
#: ``{rows}`` gives (d: day, k: key, us: µs) in order, ``us`` > 0.
_JSON = (
    "SELECT json_group_array(json_object('period', date(d + {julian}), 'key', k, "
    "'seconds', CASE WHEN h THEN 'H' || us ELSE ms / 1000.0 END)), "
    "SUM(CASE WHEN h THEN 0 ELSE ms END), SUM(h) "
    "FROM (SELECT d, k, us, (us + 500) / 1000 AS ms, us % 1000 = 500 AS h FROM ({rows}))"
)
_WHERE = (
    "FROM day_total AS t LEFT JOIN label AS l ON l.id = t.label WHERE t.host = ? "
    "AND t.grp = ? AND t.day BETWEEN ? AND ?"
)
#: Rows summed per (day, key): workspaces (several indexes may share a name), clashing keys.
_GROUPED = (
    "SELECT t.day AS d, {key} AS k, SUM(t.us) AS us " + _WHERE + " GROUP BY t.day, k "
    "HAVING us > 0 ORDER BY t.day, k"
)
#: Task rows as they are kept (one per day and label), in key order.
_UNGROUPED = (
    "SELECT t.day AS d, {key} AS k, t.us AS us " + _WHERE + " AND t.us > 0 ORDER BY t.day, k"
)
_TASK_KEY = f"COALESCE(NULLIF(l.text, ''), '{NO_TASK}')"
_WORKSPACE_KEY = "CASE WHEN l.text = '' THEN 'workspace ' || (t.ws_index + 1) ELSE l.text END"

_TASK_ROWS = _JSON.format(julian=JULIAN_OF_ORDINAL_0, rows=_UNGROUPED.format(key=_TASK_KEY))
_GROUPED_ROWS = {
    key: _JSON.format(julian=JULIAN_OF_ORDINAL_0, rows=_GROUPED.format(key=key))
    for key in (_TASK_KEY, _WORKSPACE_KEY)
}
#: The labels whose task key is ``NO_TASK``, as label 0's (no task) is.
_NO_TASK_LABELS = "SELECT id FROM label WHERE text IN ('', ?)"
#: A day of the range on which two of those labels have task rows.
_CLASH = (
    "SELECT 1 FROM day_total WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? "
    "AND label IN ({labels}) GROUP BY day HAVING COUNT(*) > 1 LIMIT 1"
)
#: A row's seconds on an exact half ms, as ``_JSON`` marks it (its µs). Only a member named
#: ``seconds`` matches: a quote inside a key's text is escaped.
_HALF = re.compile(r'"seconds":"H(\d+)"')


def day_rows_json(
    db: sqlite3.Connection,
    kept: DayTotals,
    zone: Zone,
    start: datetime,
    end: datetime,
    grp: int,
    host: int | None,
) -> tuple[str, float] | None:
    """The rows ``[{"period", "key", "seconds"}, ...]`` of ``kept.day_totals`` as JSON text
    and their seconds added up (rounded to ms), or None: not whole days."""
    lo, hi = to_us(start), to_us(end)
    whole = whole_days(zone, lo, hi, strict=False) if hi > lo else None
    if whole is None or grp == AWAY:
        return None
    first, last, first_lo, last_hi = whole
    if first_lo != lo or last_hi != hi:
        return None  # partial days at the edges: cut from the switches by the rows' path
    if host is None:
        hosts = kept.hosts_in(db, zone, start, end)
        if not hosts:
            return "[]", 0.0
        scope = next(iter(hosts)) if len(hosts) == 1 else ALL_HOSTS
    else:
        scope = host
    args = (scope, grp, first, last)
    if grp != TASK:
        sql = _GROUPED_ROWS[_WORKSPACE_KEY]
    elif keys_clash(db, args):
        sql = _GROUPED_ROWS[_TASK_KEY]
    else:
        sql = _TASK_ROWS
    text, ms, halves = db.execute(sql, args).fetchone()
    text, ms = str(text), ms or 0
    if halves:
        text, ms = python_rounded_halves(text, ms)
    return text, ms / 1000


def keys_clash(db: sqlite3.Connection, args: tuple[int, int, int, int]) -> bool:
    """Whether two task labels of the range name the same key on one day (``NO_TASK``)."""
    labels = [0] + [int(r[0]) for r in db.execute(_NO_TASK_LABELS, (NO_TASK,))]
    if len(labels) == 1:
        return False
    sql = _CLASH.format(labels=", ".join("?" * len(labels)))
    return db.execute(sql, (*args, *labels)).fetchone() is not None


def python_rounded_halves(text: str, ms: int) -> tuple[str, int]:
    """``text`` with each half-ms marker replaced by Python's ``round`` of its seconds, and
    ``ms`` with those rounded milliseconds added."""
    added = 0

    def seconds(match: re.Match[str]) -> str:
        nonlocal added
        value = round(int(match[1]) / 1e6, 3)
        added += round(value * 1000)
        return f'"seconds":{value!r}'

    text = _HALF.sub(seconds, text)
    return text, ms + added
