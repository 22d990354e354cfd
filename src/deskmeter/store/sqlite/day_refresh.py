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
  Python (``combined.py``: one pass over the day's rows as integers). These rows are kept
  only while two hosts or more have switches: with one, its own rows answer for all hosts
  (every reader takes the one host's rows when one host has data in its range), and an
  import into a one-host store writes half the rows. The write that brings a second host
  makes the combined rows of every day; the one that leaves one host drops them.
* ``month_total``: the touched months' days added up, per scope and group (an index range
  each: measured faster than one statement over a temporary table of months).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import accumulate, islice, repeat
from operator import add, ge, le, mul

from deskmeter import limits
from deskmeter.store.day_grid import AWAY, TASK, WORKSPACE, DayGrid, Zone, day_runs, next_month
from deskmeter.store.sqlite.combined import Row, Sums, add_combined_rows
from deskmeter.store.sqlite.totals_sql import (
    ALL_HOSTS,
    COMBINED_SUMS,
    DAYS_TABLE,
    GROUPS,
    HOST_SUMS,
    MONTH_SUMS,
    OVERLAPS,
    ROW_COLUMNS,
    TABLES,
)

#: Host label numbers → their names (the combined rule's tie-break).
Names = Callable[[Iterable[int]], dict[int, str]]
#: Whether no two switches of the store overlap, asked when it matters (``refresh_days``).
Apart = Callable[[], bool]


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
    apart: Apart | None = None,
) -> None:
    """Recompute the rows of ``days`` (ordinals in ``zone``) from the switch table, inside
    the write transaction; ``known_empty``: no row of theirs exists (a rebuild); ``apart``:
    asked (only when the combined scope's rows are made) whether no two switches of the
    store overlap (``spans_apart`` of all of them): then no day needs the window pass that
    finds overlaps."""
    ordered = sorted(set(days))
    if not ordered:
        return
    before = [] if known_empty else stored_hosts(db)  # (``day_host`` is not refreshed yet)
    back = lookback(db)
    grids = _note_days(db, zone, ordered)
    if not known_empty:
        for table, grps in (("day_total", GROUPS), ("day_host", "")):
            for host in [ALL_HOSTS, *before]:
                db.execute(  # (host, grp, day, …): the primary key finds them
                    f"DELETE FROM {table} WHERE host = ?{grps} "
                    "AND day IN (SELECT day FROM temp.refresh_day)",
                    (host,),
                )
    for statement in HOST_SUMS:  # every day at once: one pass over their switches
        db.execute(statement, {"lookback": back})
    present = stored_hosts(db)
    months = _months(ordered)
    if len(present) > 1:
        if len(before) == 1:  # a second host came: the combined rows of every other day
            ordered, grids = _every_day(db, zone, ordered, before[0])
            months = _months(ordered)
        _combine(db, zone, ordered, grids, back, present, names, apart=apart)
    elif len(before) > 1:  # one host left: its own rows answer for all hosts
        db.execute(f"DELETE FROM day_total WHERE host = {ALL_HOSTS}")
        db.execute(f"DELETE FROM month_total WHERE host = {ALL_HOSTS}")
    scopes = [ALL_HOSTS] if len(present) > 1 else []
    for host in [*scopes, *sorted(set(before) | set(present))]:
        for month in months:  # (host, grp, month…): the primary key finds each part
            span = (month.toordinal(), next_month(month).toordinal() - 1)
            for grp in (TASK, WORKSPACE, AWAY):
                if not known_empty:
                    db.execute(
                        "DELETE FROM month_total WHERE host = ? AND grp = ? AND month = ?",
                        (host, grp, span[0]),
                    )
                db.execute(MONTH_SUMS, (span[0], host, grp, *span))


def _note_days(db: sqlite3.Connection, zone: Zone, ordered: Sequence[int]) -> list[DayGrid]:
    """``ordered`` (sorted days) into ``temp.refresh_day``, with their UTC bounds; their
    grids (one per run of consecutive days)."""
    grids = [DayGrid(zone, first, last) for first, last in day_runs(ordered)]
    db.execute(DAYS_TABLE)
    db.execute("DELETE FROM temp.refresh_day")
    db.executemany(
        "INSERT INTO temp.refresh_day (day, lo, hi, mixed) VALUES (?, ?, ?, 0)",
        [(d, g.lo(d), g.hi(d)) for g in grids for d in range(g.first, g.last + 1)],
    )
    return grids


def _months(ordered: Iterable[int]) -> list[date]:
    """The first days of the months of these days, in order."""
    return sorted({date.fromordinal(d).replace(day=1) for d in ordered})


def _every_day(
    db: sqlite3.Connection, zone: Zone, ordered: list[int], host: int
) -> tuple[list[int], list[DayGrid]]:
    """The refresh widened to every day of ``host`` (the one host before this write, whose
    other days are as they were): their rows of the combined scope are made with the rest."""
    days = sorted(
        {int(d) for (d,) in db.execute("SELECT day FROM day_host WHERE host = ?", (host,))}
        | set(ordered)
    )
    return days, _note_days(db, zone, days)


def _combine(
    db: sqlite3.Connection,
    zone: Zone,
    ordered: list[int],
    grids: Sequence[DayGrid],
    back: int,
    present: Sequence[int],
    names: Names,
    *,
    apart: Apart | None,
) -> None:
    """The combined scope's rows (``ALL_HOSTS``: each moment once) of the days in
    ``temp.refresh_day``: the host rows added up in SQL where no two switches overlap, the
    rest swept in Python (``combined.py``)."""
    mixed = set() if apart is not None and apart() else _mixed_days(db, zone, ordered, grids, back)
    if mixed:
        db.executemany("UPDATE temp.refresh_day SET mixed = 1 WHERE day = ?", [(d,) for d in mixed])
    db.execute(COMBINED_SUMS.format(hosts=", ".join(map(str, present))))
    for first, last in day_runs(mixed):
        part = DayGrid(zone, first, last)
        rows = fetch(db, part.bounds[0], part.bounds[-1], back)
        sums: Sums = {}
        add_combined_rows(sums, ALL_HOSTS, rows, names({r[6] for r in rows}), part)
        db.executemany(
            "INSERT INTO day_total (host, grp, day, label, ws_index, us) VALUES (?, ?, ?, ?, ?, ?)",
            [(*key, us) for key, us in sums.items() if us > 0],
        )
