"""Day totals kept ready in SQLite: derived data, maintained in the transaction of every write.

**What.** ``day_total`` holds, per local day, the microseconds of each task, of each workspace
and away, in two kinds of scope: each host's own switches as they are (``host`` = the host's
label number), and every host combined with each moment counted once (``host`` 0, the rule of
``store/overlap.py``). ``day_host`` says which hosts have a switch on which day (how many), so
"which hosts have data in this range" and ``last_switch_ends`` are index look-ups.

**Why.** The dashboard's month, week and year pages and the all-time Tasks page sum days; at
ten years (330,000 switches) summing the switches for every request is too slow, summing a few
rows per day is not.

**How it stays exact.** Every write that changes switches (insert, replace, delete, edit,
``close_interval``) notes the local days the old and the new rows touch; before the
transaction commits, those days are *recomputed from the switch table* (the same transaction
sees its own writes): nothing is added or subtracted incrementally, so a replaced row's old
pieces cannot be left behind. Sums are integer microseconds (switch starts are microseconds,
lengths milliseconds, day boundaries whole seconds), so no rounding accumulates.

The combined scope is the rule of ``overlap.py`` applied to the switches that overlap the day,
always as for several hosts: the credit of a moment depends only on the intervals that cover
it, so a day's share of a range's combined total is the same whatever the range. (When a
range has one host only, the reference counts that host's switches as they are; the query
then reads that host's rows, which differ only where a host's away time overlaps itself.)
Its rows are kept only while two hosts or more have switches: with one, no query reads them.

**Zones.** The rows are cut for one (time zone, start of day), recorded in
``day_total_state``. A query in another zone rebuilds the rows for it when the store is
writable (one pass over the switches, a few seconds at 330,000), or, read-only, is answered by
the live query. ``day_total_state`` also records how many switches the rows reflect and the
schema version: on open, a mismatch (a migration, or an older Deskmeter that wrote switches
without maintaining the rows) rebuilds them.

A range's partial days (a range ending now, or starting mid-day) are computed from the
switches for those parts only.

**Where.** The tables and the SQL: ``totals_sql.py``; the recompute of the noted days
(all at once per write, however many batches noted them): ``day_refresh.py``; the
combined scope swept over integer rows: ``combined.py``; periods: ``periods.py``.
"""

from __future__ import annotations

import bisect
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import repeat
from operator import add, floordiv, mul, sub
from typing import Any

from deskmeter.models import NO_TASK, Total, area_of, workspace_label
from deskmeter.store.day_grid import (
    AWAY,
    TASK,
    DayGrid,
    Zone,
    fold,
    whole_days,
)
from deskmeter.store.instants import from_us, to_us
from deskmeter.store.sqlite.codec import Labels
from deskmeter.store.sqlite.combined import Row, Sums, add_combined_rows, compute_rows
from deskmeter.store.sqlite.day_refresh import (
    Apart,
    create_tables,
    fetch,
    lookback,
    mark_seen,
    refresh_days,
    rows_fresh,
    rows_state,
    stored_hosts,
)
from deskmeter.store.sqlite.periods import month_parts, period_of
from deskmeter.store.sqlite.totals_sql import (
    ALL_HOSTS,
    IDS_PER_QUERY,
    LAYOUT,
)
from deskmeter.store.totals import AWAY_KEY

log = logging.getLogger(__name__)
#: From this many changed switches ``note`` works by UTC days (``_note_bulk``).
_BULK_SPANS = 2000
#: A UTC day, µs.
_UTC_DAY = 86_400_000_000


class DayTotals:
    """The ``day_total`` rows of one SQLite store: maintenance and queries.

    Call the write side inside the store's write transaction (``begin`` → ``note`` … →
    ``flush``); the read side inside a read transaction, so it sees one snapshot.
    """

    def __init__(self, labels: Labels) -> None:
        self._labels = labels
        self._depth = 0
        self._zone: Zone | None = None
        self._days: set[int] = set()
        self._added = 0
        self._stale = False
        #: Set by the last write of an outermost transaction that wrote every switch of the
        #: store: whether no two of them overlap (``day_refresh.spans_apart``), asked only
        #: when the combined scope's rows are made (with two hosts or more).
        self.apart: Apart | None = None

    # -- state ------------------------------------------------------------------------------

    create = staticmethod(create_tables)
    state = staticmethod(rows_state)
    fresh = staticmethod(rows_fresh)
    _seen = staticmethod(mark_seen)

    def zone_text(self, db: sqlite3.Connection) -> str | None:
        state = self.state(db)
        return None if state is None else state[0]

    def check(self, db: sqlite3.Connection, schema: int, default: Zone) -> bool:
        """Build the rows when missing or stale (inside a write transaction); True if rebuilt."""
        schema = schema * 1000 + LAYOUT
        self.create(db)
        state = self.state(db)
        zone = default
        if state is not None:
            count = int(db.execute("SELECT COUNT(*) FROM switch").fetchone()[0])
            if state[1] == count and state[2] == schema and self.fresh(db):
                return False
            zone = Zone.parse(state[0])
            log.info("day totals of %d switches, %d stored: rebuilding", state[1], count)
        self.rebuild(db, zone, schema // 1000)
        return True

    def valid(self, db: sqlite3.Connection, schema: int) -> bool:
        """Whether the rows reflect the switch table (for a store opened read-only)."""
        state = self.state(db)
        if state is None:
            return False
        count = int(db.execute("SELECT COUNT(*) FROM switch").fetchone()[0])
        return state[1] == count and state[2] == schema * 1000 + LAYOUT and self.fresh(db)

    def rebuild(self, db: sqlite3.Connection, zone: Zone, schema: int) -> None:
        """Recompute every row for ``zone`` (inside a write transaction)."""
        text = zone.text
        if text is None:
            raise ValueError("the day totals need a named time zone")
        self.create(db)
        if self._depth:  # inside a switch transaction: nothing else is left to recompute
            self._zone, self._stale, self._days, self._added = zone, False, set(), 0
        db.execute("DELETE FROM day_total")
        db.execute("DELETE FROM day_host")
        db.execute("DELETE FROM month_total")
        # a switch written behind the store's back may be the longest: how far back to look
        db.execute(
            "UPDATE switch_stats SET longest = (SELECT IFNULL(MAX(delta), 0) FROM switch) "
            "WHERE id = 1"
        )
        first, last = db.execute(
            "SELECT MIN(start), MAX(start + delta * 1000) FROM switch"
        ).fetchone()
        count = int(db.execute("SELECT COUNT(*) FROM switch").fetchone()[0])
        if first is not None:
            grid = DayGrid.covering(zone, int(first), int(last))
            self._refresh(db, zone, range(grid.first, grid.last + 1), known_empty=True)
        db.execute(
            "INSERT OR REPLACE INTO day_total_state (id, zone, switches, schema) "
            "VALUES (1, ?, ?, ?)",
            (text, count, schema * 1000 + LAYOUT),
        )
        self._seen(db)

    # -- write side -------------------------------------------------------------------------

    def begin(self, db: sqlite3.Connection) -> None:
        """A switch transaction starts (nested calls join the outer one)."""
        self._depth += 1
        if self._depth > 1:
            return
        state = self.state(db)
        try:
            self._zone = None if state is None else Zone.parse(state[0])
        except (ValueError, LookupError):  # a zone this machine no longer knows: not kept
            self._zone = None  # (the count goes stale, so the next open rebuilds or reads live)
        self._days = set()
        self._added = 0
        self.apart = None
        self._stale = self._zone is not None and not self.fresh(db)

    def end(self) -> None:
        self._depth = max(0, self._depth - 1)

    def old_rows(self, db: sqlite3.Connection, keys: Sequence[Any]) -> list[tuple[int, int]]:
        """(start µs, delta ms) of the stored switches with these ids (before a change)."""
        if self._zone is None or db.execute("SELECT 1 FROM switch LIMIT 1").fetchone() is None:
            return []  # (an empty store: a first import looks nothing up)
        found: list[tuple[int, int]] = []
        unique = list(dict.fromkeys(keys))
        for first in range(0, len(unique), IDS_PER_QUERY):
            chunk = unique[first : first + IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            found += db.execute(
                f"SELECT start, delta FROM switch WHERE id IN ({marks})", chunk
            ).fetchall()
        return found

    def note(self, spans: Sequence[tuple[int, int]], added: int) -> None:
        """Switches with these (start µs, delta ms) changed; ``added`` more (or fewer) now."""
        self.apart = None  # (said, if at all, after the transaction's last write)
        self._added += added
        if self._zone is None or not spans:
            return
        if len(spans) >= _BULK_SPANS:
            starts, deltas = zip(*spans, strict=True)
            self._note_bulk(starts, deltas)
            return
        lo = min(s for s, _ in spans)
        hi = max(s + d * 1000 for s, d in spans)
        grid = DayGrid.covering(self._zone, lo, hi)
        days, bounds, base = self._days, grid.bounds, grid.first - 1
        after = bisect.bisect_right
        for start, delta in spans:  # most switches lie inside one day: one bisect
            index = after(bounds, start)
            end = start + delta * 1000
            if end <= bounds[min(index, len(bounds) - 1)] or delta <= 0:
                days.add(base + max(index, 1))
            else:
                days.update(range(base + max(index, 1), base + after(bounds, end - 1) + 1))

    def count(self, added: int) -> None:
        """``added`` more switches (or fewer) than when the transaction began, their days
        noted already."""
        self._added += added

    def note_columns(self, starts: Sequence[int], deltas: Sequence[int], added: int) -> None:
        """``note`` for the columns of many rows: their starts (µs) and deltas (ms)."""
        self.apart = None
        self._added += added
        if self._zone is None or not starts:
            return
        if len(starts) >= _BULK_SPANS:
            self._note_bulk(starts, deltas)
        else:
            self.note(list(zip(starts, deltas, strict=True)), 0)

    def _note_bulk(self, starts: Sequence[int], deltas: Sequence[int]) -> None:
        """``note`` for many spans: when they cover no more days than there are spans (a
        bulk import's usual batch), every local day from their first to their last; else the
        UTC days (86,400 s from the epoch) they touch, a column at a time (no Python step
        per span but for spans over a day), then every local day that overlaps one of those.
        A local day next to the spans, or between them, may be noted too: recomputing it
        changes nothing (the rows are recomputed from the switches, never adjusted), and it
        costs one day."""
        assert self._zone is not None
        lo = min(starts) - 1  # (the µs before a zero-length span: at most a day too many)
        hi = max(starts) + max(deltas) * 1000
        if (hi - lo) // _UTC_DAY <= len(starts):  # as many days as spans or fewer: every
            # local day from the first to the last is noted, those without a switch too
            # (recomputing a day changes nothing): no Python step per span at all
            grid = DayGrid.covering(self._zone, lo, hi)
            self._days.update(range(grid.first, grid.last + 1))
            return
        whole = repeat(_UTC_DAY)
        # the UTC days of the starts and of the last µs of each span (of a zero-length span,
        # the µs before it: at most a day too many)
        utc_days: set[int] = set(map(floordiv, starts, whole))
        ends = map(add, starts, map(mul, deltas, repeat(1000)))
        utc_days.update(map(floordiv, map(sub, ends, repeat(1)), whole))
        if max(deltas) * 1000 > _UTC_DAY:  # a span over a whole day: the days between too
            for start, delta in zip(starts, deltas, strict=True):
                if delta * 1000 > _UTC_DAY:
                    utc_days.update(range(start // _UTC_DAY, (start + delta * 1000) // _UTC_DAY))
        ordered = sorted(utc_days)
        day = _UTC_DAY
        grid = DayGrid.covering(self._zone, ordered[0] * day, (ordered[-1] + 1) * day - 1)
        bounds, base, after = grid.bounds, grid.first - 1, bisect.bisect_right
        for utc_day in ordered:
            first = after(bounds, utc_day * day)
            last = after(bounds, (utc_day + 1) * day - 1)
            self._days.update(range(base + max(first, 1), base + min(last, len(bounds) - 1) + 1))

    def flush(self, db: sqlite3.Connection) -> None:
        """Recompute the noted days (the last step of the outermost switch transaction)."""
        if self._depth != 1 or self._zone is None:
            return
        if self._stale:  # another writer changed switches since: every day, recomputed
            state = self.state(db)
            schema = state[2] // 1000 if state else 0
            self.rebuild(db, self._zone, schema)
        elif self._days:
            self._refresh(db, self._zone, self._days, apart=self.apart)
        if self._added and not self._stale:
            db.execute(
                "UPDATE day_total_state SET switches = switches + ? WHERE id = 1", (self._added,)
            )
        if self._days or self._added or self._stale:
            self._seen(db)
        self._days, self._added, self._stale, self.apart = set(), 0, False, None

    def _refresh(
        self,
        db: sqlite3.Connection,
        zone: Zone,
        days: Iterable[int],
        *,
        known_empty: bool = False,
        apart: Apart | None = None,
    ) -> None:
        """Recompute ``days`` from the switch table (``day_refresh.py``)."""
        names = lambda n: self.names(db, n)  # noqa: E731
        refresh_days(db, zone, days, names, known_empty=known_empty, apart=apart)

    # -- computing from switches ------------------------------------------------------------

    lookback = staticmethod(lookback)
    fetch = staticmethod(fetch)

    def compute(
        self, db: sqlite3.Connection, rows: Sequence[Row], grid: DayGrid, *, combined: bool = True
    ) -> tuple[Sums, dict[tuple[int, int], int]]:
        """The rows' µs per (scope, group, day, label, index) inside the grid, and presence.

        Host scopes always; the combined scope (``ALL_HOSTS``) when ``combined``.
        """
        return compute_rows(rows, grid, lambda n: self.names(db, n), combined=combined)

    def add_combined(
        self, db: sqlite3.Connection, sums: Sums, rows: Sequence[Row], grid: DayGrid
    ) -> None:
        """Add the combined scope of ``rows`` (overlap.py's rule, as for several hosts)."""
        add_combined_rows(sums, ALL_HOSTS, rows, self.names(db, {r[6] for r in rows}), grid)

    def names(self, db: sqlite3.Connection, numbers: Iterable[int]) -> dict[int, str]:
        """Label texts, without caching numbers a transaction in progress may have made."""
        known = self._labels.texts()
        found = {n: known[n] for n in numbers if n in known}
        missing = [n for n in numbers if n not in found]
        for n in missing:
            row = db.execute("SELECT text FROM label WHERE id = ?", (n,)).fetchone()
            found[n] = "" if row is None else str(row[0])
        return found

    # -- read side --------------------------------------------------------------------------

    hosts = staticmethod(stored_hosts)

    def hosts_in(
        self, db: sqlite3.Connection, zone: Zone, start: datetime, end: datetime
    ) -> set[int]:
        """The hosts with a switch that overlaps ``[start, end)`` (zero-length: inside it).

        Days wholly inside the range (and not beginning at its start) are looked up in
        ``day_host``; what is left at the edges is read from the switches.
        """
        lo, hi = to_us(start), to_us(end)
        if hi <= lo:
            return set()
        inner = whole_days(zone, lo, hi, strict=True)
        found: set[int] = set()
        windows = [(lo, hi)]
        if inner is not None:
            first, last, first_lo, last_hi = inner
            for host in self.hosts(db):
                if db.execute(
                    "SELECT 1 FROM day_host WHERE host = ? AND day BETWEEN ? AND ? LIMIT 1",
                    (host, first, last),
                ).fetchone():
                    found.add(host)
            windows = [(lo, first_lo), (last_hi, hi)]
        lookback = self.lookback(db)
        for w_lo, w_hi in windows:
            if w_hi <= w_lo:
                continue
            rows = db.execute(
                "SELECT DISTINCT host FROM switch WHERE start >= ? AND start < ? "
                "AND start < ? AND start + delta * 1000 > ?",
                (w_lo - lookback, w_hi, hi, lo),
            ).fetchall()
            found.update(int(r[0]) for r in rows)
        return found

    def day_sums(
        self,
        db: sqlite3.Connection,
        zone: Zone,
        start: datetime,
        end: datetime,
        grp: int,
        host: int | None,
        *,
        by_day: bool = True,
        by_week: bool = False,
        by_month: bool = False,
        keyless: bool = False,
    ) -> dict[tuple[int, str], int]:
        """µs per (local day as an ordinal, key) of group ``grp`` in ``[start, end)``.

        ``host``: that host's switches; None: every host's, each moment once when several
        have data in the range (as ``Store.counted_switches``). ``by_day`` False: the sums
        over the whole range (SQLite adds the days up), all under one day. ``by_week``: per
        week, under its Monday (SQLite adds the days up). ``keyless``: every key of a day
        together, under the key of label 0 (a day's total without its parts).
        """
        lo, hi = to_us(start), to_us(end)
        if hi <= lo:
            return {}
        if host is None:
            hosts = self.hosts_in(db, zone, start, end)
            if not hosts:
                return {}
            scope = next(iter(hosts)) if len(hosts) == 1 else ALL_HOSTS
        else:
            scope = host
        whole = whole_days(zone, lo, hi, strict=False)
        rows: list[tuple[int, int, int, int]] = []
        windows = [(lo, hi)]
        if whole is not None:
            first, last, first_lo, last_hi = whole
            sql = (
                "SELECT day, label, ws_index, us FROM day_total "
                "WHERE host = ? AND grp = ? AND day BETWEEN ? AND ?"
            )
            if by_week or keyless:
                # ordinals count from Monday 1 January of year 1: (day - 1) % 7 is the weekday
                period = "day - ((day - 1) % 7)" if by_week else "day"
                keys = "0, 0" if keyless else "label, ws_index"
                rows = db.execute(
                    f"SELECT {period}, {keys}, SUM(us) FROM day_total "
                    "WHERE host = ? AND grp = ? AND day BETWEEN ? AND ? GROUP BY 1, 2, 3",
                    (scope, grp, first, last),
                ).fetchall()
            elif by_month:  # whole months from month_total: a year is ~12 rows per key
                rows = self._month_rows(db, scope, grp, first, last)
            elif by_day:
                rows = db.execute(sql, (scope, grp, first, last)).fetchall()
            else:
                rows = self._range_rows(db, scope, grp, first, last)
            windows = [(lo, first_lo), (last_hi, hi)]
        lookback = self.lookback(db)
        for w_lo, w_hi in windows:
            if w_hi <= w_lo:
                continue
            part = DayGrid.covering(zone, w_lo, w_hi - 1)
            part.bounds[0], part.bounds[-1] = w_lo, w_hi  # clip to the window
            only = None if scope == ALL_HOSTS else scope
            fetched = self.fetch(db, w_lo, w_hi, lookback, only)
            found: Sums
            if scope == ALL_HOSTS:
                found = defaultdict(int)
                self.add_combined(db, found, fetched, part)
            else:
                found, _ = self.compute(db, fetched, part, combined=False)
            rows += [
                (
                    period_of(k[2], by_week, by_month) if by_day else 0,
                    0 if keyless else k[3],
                    0 if keyless else k[4],
                    us,
                )
                for k, us in found.items()
                if k[0] == scope and k[1] == grp
            ]
        return self.keyed(db, grp, rows)

    def area_sums(
        self,
        db: sqlite3.Connection,
        zone: Zone,
        start: datetime,
        end: datetime,
        host: int | None,
        *,
        by: str,
    ) -> dict[tuple[int, str], int]:
        """µs per (period as the ordinal of its first day, area) of the tasks in
        ``[start, end)``, ``by`` ``day``, ``week`` or ``month``: SQLite names the areas and
        adds the whole days (and whole months, from ``month_total``) up; the partial days at
        the edges come from ``day_sums``."""
        lo, hi = to_us(start), to_us(end)
        if hi <= lo:
            return {}

        def period(ordinal: int) -> int:
            if by == "week":
                return ordinal - (ordinal - 1) % 7
            if by == "month":
                return date.fromordinal(ordinal).replace(day=1).toordinal()
            return ordinal

        out: dict[tuple[int, str], int] = defaultdict(int)
        whole = whole_days(zone, lo, hi, strict=False)
        edges = [(start, end)]
        if whole is not None:
            first, last, first_lo, last_hi = whole
            edges = [(start, from_us(first_lo)), (from_us(last_hi), end)]
            scope = host
            if scope is None:
                hosts = self.hosts_in(db, zone, start, end)
                scope = (next(iter(hosts)) if len(hosts) == 1 else ALL_HOSTS) if hosts else None
            if scope is not None:
                for ordinal, name, us in self._area_rows(db, scope, first, last, by):
                    out[(period(ordinal), name)] += us
        for a, b in edges:
            if b > a:
                for (day, name), us in self.day_sums(db, zone, a, b, TASK, host).items():
                    out[(period(day), area_of(name))] += us
        return dict(out)

    @staticmethod
    def _area_rows(
        db: sqlite3.Connection, scope: int, first: int, last: int, by: str
    ) -> list[tuple[int, str, int]]:
        """(ordinal, area, µs) over the whole days ``first`` … ``last``; by month, whole
        months come from ``month_total`` (the ordinal: the period's first day or a day of it)."""
        parts = month_parts(first, last) if by == "month" else [("day_total", "day", first, last)]
        grouped = "day - ((day - 1) % 7)" if by == "week" else None
        key = f"COALESCE(NULLIF(l.text, ''), '{NO_TASK}')"
        slash = f"instr({key}, '/')"
        area = f"CASE WHEN {slash} > 1 THEN substr({key}, 1, {slash} - 1) ELSE {key} END"
        rows: list[tuple[int, str, int]] = []
        for table, column, a, b in parts:
            if a > b:
                continue
            ordinal = grouped if table == "day_total" and grouped else column
            # summed per label first: the area of each label is worked out once
            rows += db.execute(
                f"SELECT t.p, {area}, SUM(t.us) FROM (SELECT {ordinal} AS p, label, "
                f"SUM(us) AS us FROM {table} WHERE host = ? AND grp = ? "
                f"AND {column} BETWEEN ? AND ? GROUP BY 1, 2) AS t "
                "LEFT JOIN label AS l ON l.id = t.label GROUP BY 1, 2",
                (scope, TASK, a, b),
            ).fetchall()
        return rows

    def day_totals(
        self,
        db: sqlite3.Connection,
        zone: Zone,
        start: datetime,
        end: datetime,
        grp: int,
        host: int | None,
    ) -> list[Total]:
        """``day_sums`` as ``Total`` values in (day, key) order, the fast way: SQLite names,
        sorts and the whole days come out in order; only the partial days at the edges are
        cut here and put before and after them."""
        lo, hi = to_us(start), to_us(end)
        whole = whole_days(zone, lo, hi, strict=False) if hi > lo else None
        if whole is None or grp == AWAY:
            return fold(self.day_sums(db, zone, start, end, grp, host), "day")
        first, last, first_lo, last_hi = whole
        if host is None:
            hosts = self.hosts_in(db, zone, start, end)
            if not hosts:
                return []
            scope = next(iter(hosts)) if len(hosts) == 1 else ALL_HOSTS
            host_arg: int | None = scope if scope != ALL_HOSTS else None
        else:
            scope, host_arg = host, host
        if grp == TASK:
            key = f"COALESCE(NULLIF(l.text, ''), '{NO_TASK}')"
        else:
            key = "CASE WHEN l.text = '' THEN 'workspace ' || (t.ws_index + 1) ELSE l.text END"
        rows = db.execute(
            # milliseconds rounded in SQL, except an exact half (Python's round decides it)
            f"SELECT t.day, {key} AS k, SUM(t.us) AS us, CASE WHEN SUM(t.us) % 1000 = 500 "
            "THEN NULL ELSE (SUM(t.us) + 500) / 1000 END FROM day_total AS t LEFT JOIN label "
            "AS l ON l.id = t.label WHERE t.host = ? AND t.grp = ? AND t.day BETWEEN ? AND ? "
            "GROUP BY t.day, k HAVING us > 0 ORDER BY t.day, k",
            (scope, grp, first, last),
        ).fetchall()
        before = after = {}
        if first_lo > lo:
            before = self.day_sums(db, zone, start, from_us(first_lo), grp, host_arg)
        if last_hi < hi:
            after = self.day_sums(db, zone, from_us(last_hi), end, grp, host_arg)
        days = {d: date.fromordinal(d) for d in range(first - 1, last + 2)}
        out = fold(before, "day")
        new = tuple.__new__  # Total(...) without the named tuple's Python-level __new__
        out += [
            new(Total, (days[d], k, round(us / 1e6, 3) if ms is None else ms / 1000))
            for d, k, us, ms in rows
        ]
        out += fold(after, "day")
        return out

    @staticmethod
    def _month_rows(
        db: sqlite3.Connection, scope: int, grp: int, first: int, last: int
    ) -> list[tuple[int, int, int, int]]:
        """(month's first day, label, index, µs) over the whole days ``first`` … ``last``:
        whole months from ``month_total``, the days around them from ``day_total`` (added up
        here, per month)."""
        sums: dict[tuple[int, int, int], int] = {}
        for table, column, a, b in month_parts(first, last):
            if a > b:
                continue
            for ordinal, label, index, us in db.execute(
                f"SELECT {column}, label, ws_index, SUM(us) FROM {table} WHERE host = ? "
                f"AND grp = ? AND {column} BETWEEN ? AND ? GROUP BY 1, 2, 3",
                (scope, grp, a, b),
            ):
                key = (period_of(ordinal, False, True), label, index)
                sums[key] = sums.get(key, 0) + us
        return [(*key, us) for key, us in sums.items()]

    @staticmethod
    def _range_rows(
        db: sqlite3.Connection, scope: int, grp: int, first: int, last: int
    ) -> list[tuple[int, int, int, int]]:
        """(0, label, index, µs) over the whole days ``first`` … ``last``: whole months from
        ``month_total``, the days around them from ``day_total``."""
        rows: list[tuple[int, int, int, int]] = []
        for table, column, a, b in month_parts(first, last):
            if a <= b:
                rows += db.execute(
                    f"SELECT 0, label, ws_index, SUM(us) FROM {table} WHERE host = ? AND grp = ? "
                    f"AND {column} BETWEEN ? AND ? GROUP BY label, ws_index",
                    (scope, grp, a, b),
                ).fetchall()
        return rows

    def keyed(
        self, db: sqlite3.Connection, grp: int, rows: Sequence[tuple[int, int, int, int]]
    ) -> dict[tuple[int, str], int]:
        """(day, label, index, µs) rows by (day, key text): label numbers become names (and
        fallback labels), rows with the same key are added up."""
        if grp == AWAY:
            out: dict[tuple[int, str], int] = {}
            for day, _, _, us in rows:
                out[(day, AWAY_KEY)] = out.get((day, AWAY_KEY), 0) + us
            return out
        self._labels.load(db, {r[1] for r in rows if r[1]})
        text = self._labels.text
        names: dict[tuple[int, int], str] = {}
        for _, label, index, _ in rows:
            if (label, index) not in names:
                if grp == TASK:
                    names[(label, index)] = (text(label) if label else "") or NO_TASK
                else:
                    names[(label, index)] = workspace_label(index, text(label))
        out = {}
        if len(set(names.values())) == len(names):  # no two labels share a key: no merging
            out = {(day, names[(label, index)]): us for day, label, index, us in rows}
            if len(out) == len(rows):
                return out
            out = {}
        for day, label, index, us in rows:
            key = (day, names[(label, index)])
            out[key] = out.get(key, 0) + us
        return out

    def last_ends(self, db: sqlite3.Connection, zone: Zone) -> dict[int, int]:
        """Each host's latest switch end (µs), from its last day with a switch."""
        lookback = self.lookback(db)
        out: dict[int, int] = {}
        for host in self.hosts(db):
            day = int(
                db.execute("SELECT MAX(day) FROM day_host WHERE host = ?", (host,)).fetchone()[0]
            )
            grid = DayGrid(zone, day, day)
            row = db.execute(
                "SELECT MAX(start + delta * 1000) FROM switch "
                "WHERE start >= ? AND start < ? AND host = ?",
                (grid.lo(day) - lookback, grid.hi(day), host),
            ).fetchone()
            if row is not None and row[0] is not None:
                out[host] = int(row[0])
        return out
