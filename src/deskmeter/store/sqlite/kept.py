"""The SQLite backend's fast totals path: reading the day totals kept ready (totals.py).

A writable store keeps its day totals for one zone and day start, and rebuilds them for
another zone when asked in it. When they cannot answer (a read-only store asked in a zone
they were not built for, or they could not be built), every reader here answers None and
the store takes the reference path, ``Store``'s totals over the switches (store/base.py):
there is no third way.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from deskmeter import localzone
from deskmeter.models import Total
from deskmeter.store.day_grid import Zone, fold
from deskmeter.store.instants import from_us
from deskmeter.store.sqlite.connection import Connections
from deskmeter.store.sqlite.kept_json import day_rows_json
from deskmeter.store.sqlite.month_rows import DayTaskMs, day_task_ms, days_ms_total
from deskmeter.store.sqlite.switches import NO_SUCH_HOST, SwitchTable
from deskmeter.store.totals import MIDNIGHT, Period, Sums

log = logging.getLogger(__name__)


class KeptTotals:
    """Totals from the day totals a store keeps ready, or None when they cannot answer."""

    def __init__(self, connections: Connections, switches: SwitchTable) -> None:
        self._connections = connections
        self._switches = switches
        self._day_totals = switches.day_totals
        #: Whether the day totals reflect the switches (checked on open).
        self.valid = False

    def open(self) -> None:
        """Build the day totals when missing or stale (a writable store), else check them."""
        path = self._connections.path
        try:
            if self._connections.read_only:
                self.valid = self._day_totals.valid(
                    self._connections.db(), self._connections.schema_version()
                )
                return
            zone = Zone(ZoneInfo(localzone.system_timezone()), MIDNIGHT)
            with self._switches.transaction() as db:
                if self._day_totals.check(db, self._connections.schema_version(), zone):
                    log.debug("built the day totals of %s", path)
            self.valid = True
        except (sqlite3.Error, ValueError, LookupError) as exc:  # derived data: the switches
            log.warning("day totals of %s unavailable, totals read the switches: %s", path, exc)
            self.valid = False

    def _serves(self, zone: Zone) -> bool:
        """Whether the day totals answer in ``zone``: rebuilt for it if needed and allowed.

        A writable store recomputes the day totals for the zone asked (one pass over the
        switches) and keeps them so; a read-only one cannot (the reference path answers).
        """
        text = zone.text
        if not self.valid or text is None:
            return False
        db = self._connections.db()
        if self._day_totals.zone_text(db) == text and self._day_totals.fresh(db):
            return True
        if self._connections.read_only:
            return False
        try:  # a switch transaction recomputes everything when another writer changed switches
            with self._switches.transaction() as db:
                if self._day_totals.zone_text(db) != text:
                    log.info("rebuilding the day totals of %s for %s", self._connections.path, text)
                    self._day_totals.rebuild(db, zone, self._connections.schema_version())
        except sqlite3.Error as exc:
            log.warning("could not rebuild the day totals of %s: %s", self._connections.path, exc)
            return False
        return True

    @contextmanager
    def _rows(self, zone: Zone) -> Iterator[sqlite3.Connection | None]:
        """A read snapshot of the day totals kept for ``zone``, or None when they cannot
        answer (not built for it, or another process rebuilt them for another zone).

        The usual case, rows kept for ``zone`` and fresh, is checked once, inside the
        snapshot; else ``_serves`` rebuilds them if it may, and the snapshot after it checks
        again."""
        db = self._connections.db()
        if self.valid and zone.text is not None:
            with self._connections.reading(db):
                if self._kept_for(db, zone):
                    yield db
                    return
        if not self._serves(zone):
            yield None
            return
        with self._connections.reading(db):
            yield db if self._kept_for(db, zone) else None

    def _kept_for(self, db: sqlite3.Connection, zone: Zone) -> bool:
        return self._day_totals.zone_text(db) == zone.text and self._day_totals.fresh(db)

    def sums(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        group_code: int,
        host: str | None,
        by: Period | None,
        *,
        keyless: bool = False,
    ) -> Sums | None:
        """µs per (local day ordinal, or a period's first day; key); None: cannot answer."""
        zone = Zone(tz, day_start)
        with self._rows(zone) as db:
            if db is None:
                return None
            number = self._switches.host_number(host)
            if number == NO_SUCH_HOST:
                return {}
            return self._day_totals.day_sums(
                db,
                zone,
                start,
                end,
                group_code,
                number,
                by_day=by is not None,
                by_week=by == "week",
                by_month=by == "month",
                keyless=keyless,
            )

    def day_totals(
        self,
        start: datetime,
        end: datetime,
        zone: Zone,
        group_code: int,
        host: str | None,
    ) -> list[Total] | None:
        """Seconds per local day and key: whole days read a few rows each, a range's partial
        days are cut from the switches; each moment counted once across hosts."""
        number = self._switches.host_number(host)
        if number == NO_SUCH_HOST:
            return []
        with self._rows(zone) as db:
            if db is None:
                return None
            return self._day_totals.day_totals(db, zone, start, end, group_code, number)

    def day_totals_json(
        self,
        start: datetime,
        end: datetime,
        zone: Zone,
        group_code: int,
        host: str | None,
    ) -> tuple[str, float] | None:
        """``day_totals`` as the totals API's JSON rows, written by SQLite (kept_json.py)."""
        number = self._switches.host_number(host)
        if number == NO_SUCH_HOST:
            return "[]", 0.0
        with self._rows(zone) as db:
            if db is None:
                return None
            return day_rows_json(db, self._day_totals, zone, start, end, group_code, number)

    def day_task_ms(
        self,
        start: datetime,
        end: datetime,
        zone: Zone,
        host: str | None,
        detail: tuple[int, int] | None,
    ) -> DayTaskMs | None:
        """Milliseconds per local day and task (the month page's rows, month_rows.py)."""
        number = self._switches.host_number(host)
        if number == NO_SUCH_HOST:
            return {}, {}
        with self._rows(zone) as db:
            if db is None:
                return None
            return day_task_ms(
                db, self._day_totals, self._switches.labels, zone, start, end, number, detail
            )

    def days_ms_total(
        self, start: datetime, end: datetime, zone: Zone, host: str | None
    ) -> int | None:
        """The day totals of ``[start, end)`` added up, in ms (month_rows.py)."""
        number = self._switches.host_number(host)
        if number == NO_SUCH_HOST:
            return 0
        with self._rows(zone) as db:
            if db is None:
                return None
            return days_ms_total(db, self._day_totals, zone, start, end, number)

    def day_seconds(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        task: int,
        host: str | None,
    ) -> dict[date, float] | None:
        sums = self.sums(start, end, tz, day_start, task, host, "day", keyless=True)
        if sums is None:
            return None
        return {t.period: t.seconds for t in fold(sums, "day") if t.period is not None}

    def area_totals(
        self,
        start: datetime,
        end: datetime,
        zone: Zone,
        by: Literal["day", "week", "month"],
        host: str | None,
    ) -> list[Total] | None:
        number = self._switches.host_number(host)
        if number == NO_SUCH_HOST:
            return []
        with self._rows(zone) as db:
            if db is None:
                return None
            return fold(self._day_totals.area_sums(db, zone, start, end, number, by=by), by)

    def last_switch_ends(self) -> dict[str, datetime]:
        """Each host's latest switch end: from the kept rows when valid, else one scan."""
        db = self._connections.db()
        with self._connections.reading(db):
            recorded = self._day_totals.zone_text(db) if self.valid else None
            if recorded is not None:
                found = list(self._day_totals.last_ends(db, Zone.parse(recorded)).items())
            else:
                found = db.execute(
                    "SELECT host, MAX(start + delta * 1000) FROM switch GROUP BY host"
                ).fetchall()
        labels = self._switches.labels
        labels.load(db, (r[0] for r in found))
        return {labels.text(host): from_us(int(end)) for host, end in found}
