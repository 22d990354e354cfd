"""The totals API's day rows as JSON text, written by SQLite from the kept day totals.

A month of day-and-task totals is ~1,500 rows: building a ``Total``, then a dict, then
encoding each in Python was most of the month totals API's time. Here SQLite sums, names,
orders and encodes the rows in one statement, and Python only splices the text in. The
rows and their order are those of ``DayTotals.day_totals`` (``totals.py``); what this
cannot answer exactly (partial days at the range's edges, a sum of an exact half
millisecond whose rounding Python decides) answers None and the caller takes that path.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from deskmeter.models import NO_TASK
from deskmeter.store.day_grid import AWAY, TASK, Zone, whole_days
from deskmeter.store.instants import to_us
from deskmeter.store.sqlite.totals import DayTotals
from deskmeter.store.sqlite.totals_sql import ALL_HOSTS

#: ``date(ordinal + this)`` is the ISO date of a ``date.toordinal()`` (0001-01-01 is 1).
JULIAN_OF_ORDINAL_0 = 1721424.5

#: (JSON array of the rows, total µs rounded per row to ms, rows on an exact half ms).
_SQL = (
    "SELECT json_group_array(json_object('period', date(d + {julian}), 'key', k, "
    "'seconds', ms / 1000.0)), SUM(ms), SUM(half) FROM ("
    "SELECT t.day AS d, {key} AS k, SUM(t.us) AS us, (SUM(t.us) + 500) / 1000 AS ms, "
    "SUM(t.us) % 1000 = 500 AS half FROM day_total AS t LEFT JOIN label AS l "
    "ON l.id = t.label WHERE t.host = ? AND t.grp = ? AND t.day BETWEEN ? AND ? "
    "GROUP BY t.day, k HAVING us > 0 ORDER BY t.day, k)"
)
_TASK_KEY = f"COALESCE(NULLIF(l.text, ''), '{NO_TASK}')"
_WORKSPACE_KEY = "CASE WHEN l.text = '' THEN 'workspace ' || (t.ws_index + 1) ELSE l.text END"


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
    and their seconds added up (rounded to ms), or None: not whole days, or a half ms."""
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
    key = _TASK_KEY if grp == TASK else _WORKSPACE_KEY
    text, ms, halves = db.execute(
        _SQL.format(julian=JULIAN_OF_ORDINAL_0, key=key), (scope, grp, first, last)
    ).fetchone()
    if halves:
        return None  # Python's round() decides an exact half: the rows' path does it
    return str(text), (ms or 0) / 1000
