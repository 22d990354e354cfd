"""Recomputing the kept day totals of some days from the switch table, in one go.

``DayTotals`` (``store/sqlite/totals.py``) notes the local days a write touches and, before
the write commits, has them recomputed here: every noted day at once, however many writes
or batches noted them, so a bulk import pays for one recompute of the days it touches.

* Each host's rows: the days' UTC bounds go into a temporary table; one ``INSERT … SELECT``
  clips every switch that overlaps a day to it and adds the pieces up per host, day, task,
  workspace and away flag (one pass over the switches, by start); the task, workspace, away
  and ``day_host`` rows are sums of those.
* The combined scope ("all hosts", each moment once): on a day where no two switches overlap
  each moment belongs to one switch, so overlap.py's rule credits every piece as it is and
  the host rows are added up in SQL; only the days where switches overlap are swept in
  Python (``combined.py``: one pass over the day's rows as integers).
* ``month_total``: the touched months' days added up, per scope and group (an index range
  each: measured faster than one statement over a temporary table of months).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import accumulate, islice, repeat
from operator import add, ge, le, mul
from typing import Any

from deskmeter import limits
from deskmeter.store.day_grid import AWAY, TASK, WORKSPACE, DayGrid, Zone, day_runs, next_month
from deskmeter.store.sqlite.combined import Row, Sums, add_combined_rows
from deskmeter.store.sqlite.totals_sql import (
    ALL_HOSTS,
    COMBINED_COPY,
    COMBINED_SUMS,
    DAYS_TABLE,
    GROUPS,
    HOST_SUMS,
    INSERT_TRIGGER,
    MONTH_SUMS,
    OVERLAPS,
    ROW_COLUMNS,
    TABLES,
)

#: Host label numbers → their names (the combined rule's tie-break).
Names = Callable[[Iterable[int]], dict[int, str]]


def create_tables(db: sqlite3.Connection) -> None:
    for statement in TABLES:
        db.execute(statement)


def rows_state(db: sqlite3.Connection) -> tuple[str, int, int] | None:
    """(zone, switches, schema) of the rows, None when they were never built."""
    try:
        row = db.execute(
            "SELECT zone, switches, schema FROM day_total_state WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError:  # no such table: a file this version never wrote
        return None
    return None if row is None else (str(row[0]), int(row[1]), int(row[2]))


def rows_fresh(db: sqlite3.Connection) -> bool:
    """Whether no switch changed since the rows were brought up to date (a writer that
    does not keep them, raw SQL or an older Deskmeter, leaves the counter ahead)."""
    try:
        row = db.execute("SELECT n = seen FROM switch_change WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # no such table: built before the counter existed
        return True
    return row is None or bool(row[0])


def mark_seen(db: sqlite3.Connection) -> None:
    """The rows are up to date with every switch change so far."""
    db.execute("UPDATE switch_change SET seen = n WHERE id = 1")


def bulk_insert(db: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """``executemany(sql, rows)`` into ``switch`` with the counter's insert trigger lifted
    for the statement (it costs more than the insert itself) and the counter bumped once
    instead; inside the write transaction, so no other connection sees it lifted."""
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        ("switch_counted_insert",),
    ).fetchone()
    if found is None:
        db.executemany(sql, rows)
        return
    db.execute("DROP TRIGGER switch_counted_insert")
    db.executemany(sql, rows)
    db.execute(INSERT_TRIGGER)
    db.execute("UPDATE switch_change SET n = n + 1 WHERE id = 1")


def stored_hosts(db: sqlite3.Connection) -> list[int]:
    """The hosts that have a switch (one index seek per host)."""
    found: list[int] = []
    while True:
        row = db.execute(
            "SELECT MIN(host) FROM day_host WHERE host > ?", (found[-1] if found else -1,)
        ).fetchone()
        if row is None or row[0] is None:
            return found
        found.append(int(row[0]))


def lookback(db: sqlite3.Connection) -> int:
    """The longest switch ever written, µs (how far back a day's switches may start)."""
    row = db.execute("SELECT longest FROM switch_stats WHERE id = 1").fetchone()
    return round(limits.clamp_delta(int(row[0]) / 1000) * 1_000_000) if row else 0


def fetch(
    db: sqlite3.Connection, lo: int, hi: int, back: int, host: int | None = None
) -> list[Row]:
    """The switch rows that overlap ``[lo, hi)`` (µs), zero-length ones inside it too;
    ``back``: how far before ``lo`` one may start (``lookback``)."""
    where = "" if host is None else f" AND host = {int(host)}"
    return db.execute(
        f"SELECT {ROW_COLUMNS} FROM switch WHERE start >= ? AND start < ? "
        f"AND (start + delta * 1000 > ? OR start >= ?){where} ORDER BY start",
        (lo - back, hi, lo, lo),
    ).fetchall()


def overlap_days(db: sqlite3.Connection, grid: DayGrid, back: int) -> set[int]:
    """The days of ``grid`` on which two switches of positive length overlap."""
    lo, hi = grid.bounds[0], grid.bounds[-1]
    found: set[int] = set()
    for start, stop in db.execute(OVERLAPS, (lo - back, hi)):
        a, b = max(int(start), lo), min(int(stop), hi)
        if a < b:
            found.update(range(grid.day(a), grid.day(b - 1) + 1))
    return found


#: Noted days at least this dense in their span: their overlaps found in one pass.
_DENSE = 0.5


def _mixed_days(
    db: sqlite3.Connection, zone: Zone, days: list[int], grids: Sequence[DayGrid], back: int
) -> set[int]:
    """The noted ``days`` (sorted) on which two switches overlap: one window pass over their
    whole span when they fill most of it (a bulk import's year), else one per run."""
    if len(grids) > 1 and len(days) >= _DENSE * (days[-1] - days[0] + 1):
        return overlap_days(db, DayGrid(zone, days[0], days[-1]), back) & set(days)
    found: set[int] = set()
    for grid in grids:
        found |= overlap_days(db, grid, back)
    return found


def spans_apart(starts: Sequence[int], deltas: Sequence[int]) -> bool:
    """Whether no two of these spans (start µs, delta ms) overlap, the starts in order (one
    pass a column at a time). False may be said of spans that do not overlap (out of order,
    a zero-length one inside another): only the window pass of ``OVERLAPS`` decides then."""
    later = islice(starts, 1, None)
    if not all(map(le, starts, later)):
        return False
    ends = map(add, starts, map(mul, deltas, repeat(1000)))
    return all(map(ge, islice(starts, 1, None), accumulate(ends, max)))


def refresh_days(
    db: sqlite3.Connection,
    zone: Zone,
    days: Iterable[int],
    names: Names,
    *,
    known_empty: bool = False,
    apart: bool = False,
) -> None:
    """Recompute the rows of ``days`` (ordinals in ``zone``) from the switch table, inside
    the write transaction; ``known_empty``: no row of theirs exists (a rebuild); ``apart``:
    no two switches of the store overlap (``spans_apart`` of all of them), so no day needs
    the window pass that finds overlaps."""
    ordered = sorted(set(days))
    if not ordered:
        return
    hosts = [] if known_empty else stored_hosts(db)
    back = lookback(db)
    grids = [DayGrid(zone, first, last) for first, last in day_runs(ordered)]
    db.execute(DAYS_TABLE)
    db.execute("DELETE FROM temp.refresh_day")
    db.executemany(
        "INSERT INTO temp.refresh_day (day, lo, hi, mixed) VALUES (?, ?, ?, 0)",
        [(d, g.lo(d), g.hi(d)) for g in grids for d in range(g.first, g.last + 1)],
    )
    if not known_empty:
        for table, grps in (("day_total", GROUPS), ("day_host", "")):
            for host in [ALL_HOSTS, *hosts]:
                db.execute(  # (host, grp, day, …): the primary key finds them
                    f"DELETE FROM {table} WHERE host = ?{grps} "
                    "AND day IN (SELECT day FROM temp.refresh_day)",
                    (host,),
                )
    for statement in HOST_SUMS:  # every day at once: one pass over their switches
        db.execute(statement, {"lookback": back})
    mixed = set() if apart else _mixed_days(db, zone, ordered, grids, back)
    if mixed:
        db.executemany("UPDATE temp.refresh_day SET mixed = 1 WHERE day = ?", [(d,) for d in mixed])
    present = stored_hosts(db)
    if len(present) == 1:  # one host: its rows as they are (no sums to make)
        db.execute(COMBINED_COPY, (present[0],))
    else:
        db.execute(COMBINED_SUMS.format(hosts=", ".join(map(str, present)) or "NULL"))
    for first, last in day_runs(mixed):
        part = DayGrid(zone, first, last)
        rows = fetch(db, part.bounds[0], part.bounds[-1], back)
        sums: Sums = {}
        add_combined_rows(sums, ALL_HOSTS, rows, names({r[6] for r in rows}), part)
        db.executemany(
            "INSERT INTO day_total (host, grp, day, label, ws_index, us) VALUES (?, ?, ?, ?, ?, ?)",
            [(*key, us) for key, us in sums.items() if us > 0],
        )
    months = sorted({date.fromordinal(d).replace(day=1) for d in ordered})
    for host in [ALL_HOSTS, *sorted(set(hosts) | set(present))]:
        for month in months:  # (host, grp, month…): the primary key finds each part
            span = (month.toordinal(), next_month(month).toordinal() - 1)
            for grp in (TASK, WORKSPACE, AWAY):
                if not known_empty:
                    db.execute(
                        "DELETE FROM month_total WHERE host = ? AND grp = ? AND month = ?",
                        (host, grp, span[0]),
                    )
                db.execute(MONTH_SUMS, (span[0], host, grp, *span))
