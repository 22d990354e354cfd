"""The embedded SQLite backend: the default, zero set-up store.

One connection per thread (gunicorn's threads read in parallel; WAL lets them while another
writes). Writes take the store's write lock and ``BEGIN IMMEDIATE``, so they are serialized
inside the process and, through SQLite's file lock, between processes.

The schema (store/sqlite/schema.py) keeps a switch in about 60 bytes; store/sqlite/codec.py
packs and unpacks rows; store/sqlite/changelog.py is the change log sync reads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from deskmeter import limits, localzone
from deskmeter.models import (
    NO_TASK,
    State,
    Switch,
    Task,
    TaskHistoryEntry,
    Total,
    state_key,
    workspace_label,
)
from deskmeter.store.base import SortOrder, Store, StoreError, state_host
from deskmeter.store.day_grid import GROUP_CODES, Zone, fold
from deskmeter.store.documents import (
    Document,
    history_to_doc,
    state_to_doc,
    switch_to_doc,
    task_to_doc,
)
from deskmeter.store.edit_record import EditRecord, edit_from_json, edit_to_doc, edit_to_json
from deskmeter.store.instants import from_us, to_us
from deskmeter.store.sqlite.adopt import adopt
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.codec import (
    LABEL_COLUMNS,
    SWITCH_COLUMNS,
    SWITCH_MARKS,
    Key,
    Labels,
    decode_id,
    encode_id,
    row_switch,
    rows_switches,
    switch_rows,
    switch_texts,
)
from deskmeter.store.sqlite.migrate import create, upgrade_legacy, upgrade_v3
from deskmeter.store.sqlite.schema import SCHEMA_VERSION, SYNCED_TABLES
from deskmeter.store.sqlite.totals import DayTotals
from deskmeter.store.totals import MIDNIGHT, Group, Period, day_of, local_midnight

log = logging.getLogger(__name__)

#: Days per ``day_totals`` query (4 bound values each, well under SQLite's limit).
_DAYS_PER_QUERY = 2000
#: Ids per ``IN (...)`` list (well under SQLite's bound-parameter limit).
_IDS_PER_QUERY = 500
#: ``_host_number`` of a host no switch has.
_NO_SUCH_HOST = -1
#: Rows per INSERT batch inside one transaction.
_WRITE_CHUNK = 10_000
#: From this many switches a write lifts the change counter's per-row trigger (sqlite_totals.py).
_BULK_ROWS = 500


def _ts(value: datetime) -> float:
    return value.timestamp()


def _dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _range(
    start: datetime | None, end: datetime | None, host: int | None = None
) -> tuple[str, list[int]]:
    clauses, params = [], []
    if host is not None:
        clauses.append("host = ?")
        params.append(host)
    if start is not None:
        clauses.append("start >= ?")
        params.append(to_us(start))
    if end is not None:
        clauses.append("start < ?")
        params.append(to_us(end))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _enter_wal(db: sqlite3.Connection, *, patience: float) -> None:
    """Put the file in WAL mode, waiting out another process that is doing the same.

    Two processes opening a new file at once (the tracker and the CLI, say) both ask for
    WAL; the change needs the file to itself, and SQLite answers "database is locked" at
    once, without its busy handler, to the one that loses. It is tried again until the
    other is done (``patience`` seconds at most, the connection's own busy timeout).
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class SQLiteStore(Store):
    """A store in one SQLite file (WAL mode), safe to share between threads."""

    kind = "sqlite"
    write_errors = (StoreError, OSError, sqlite3.Error)

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        #: Open an existing file only, never create one (``mode=rw`` has no create).
        self._read_only = read_only
        self._local = threading.local()
        self._connections: dict[int, sqlite3.Connection] = {}
        self._connections_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        self._labels = Labels()
        #: Labels made by the switch transaction in progress (cached once it commits).
        self._pending_labels: dict[str, int] = {}
        #: How deep this store's switch transactions are nested (the write lock is held).
        self._switch_depth = 0
        #: The day totals kept ready (store/sqlite/totals.py), maintained by every switch write.
        self._day_totals = DayTotals(self._labels)
        #: Whether the day totals reflect the switches (checked on open).
        self._day_totals_valid = False
        #: The change log sync's SQLite source reads (store/sqlite/changelog.py).
        self.changelog = ChangeLog(self._db, self._transaction)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc
        self._migrate()
        self._open_day_totals()

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    # -- connections ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        target: str | Path = self.path
        if self._read_only:
            target = f"{self.path.absolute().as_uri()}?mode=rw"
        db = sqlite3.connect(
            target, timeout=30, isolation_level=None, check_same_thread=False, uri=self._read_only
        )
        _enter_wal(db, patience=30.0)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, and anew in a forked child)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            return db
        if self._closed:
            raise sqlite3.ProgrammingError(f"the store {self.path} is closed")
        db = self._open()
        self._local.db, self._local.pid = db, os.getpid()
        with self._connections_lock:
            alive = {t.ident for t in threading.enumerate()}
            for ident in [i for i in self._connections if i not in alive]:
                self._connections.pop(ident).close()  # its thread has ended
            self._connections[threading.get_ident()] = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection: all of it commits, or nothing."""
        with self._write_lock:
            db = self._db()
            if db.in_transaction:  # nested: part of the transaction already open
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # never hide the real error
                    db.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db().execute(sql, params).fetchall()

    def close(self) -> None:
        with self._connections_lock:
            self._closed = True
            for db in self._connections.values():
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Bring the file to the current schema in one write transaction.

        The version is read inside the transaction, so two processes opening a new file at
        the same moment do not both migrate it; a failure rolls everything back.
        """
        try:
            with self._transaction() as db:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} has schema version {version}, newer than this Deskmeter "
                        f"understands ({SCHEMA_VERSION}); upgrade Deskmeter"
                    )
                if version == SCHEMA_VERSION:
                    return
                if version == 0:
                    create(db)
                    return
                if version == 3:  # per-host state and tasks: switches stay as they are
                    upgrade_v3(db)
                    moved = 0
                else:
                    moved = upgrade_legacy(db)
        except sqlite3.Error as exc:
            raise StoreError(
                f"migration of {self.path} to version {SCHEMA_VERSION} failed: {exc}"
            ) from exc
        log.info("migrated %s to schema %d (%d switches)", self.path, SCHEMA_VERSION, moved)
        self._compact_file()

    def _compact_file(self) -> None:
        """Give back the space the old layout used (best effort: the data is already safe)."""
        try:
            db = self._db()
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            log.warning("could not compact %s after the migration: %s", self.path, exc)

    def data_version(self) -> int:
        """``PRAGMA data_version`` of this thread's connection: it changes when another
        connection (any process) commits, not on this connection's own commits."""
        return int(self._query("PRAGMA data_version")[0][0])

    def schema_version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    # -- switches ---------------------------------------------------------------------------

    def _put_switches(self, db: sqlite3.Connection, switches: Sequence[Switch]) -> int:
        """Write ``switches`` (replacing by id) inside the open transaction ``db``.

        EVERY switch write goes through here (``add_switches``, ``close_interval``): the
        place for anything that must change in the same transaction as a switch.
        """
        if not switches:
            return 0
        for switch in switches:
            if not switch.checked:  # checked when made (the boundary); else here
                limits.validate_switch(switch)  # refuse what the queries cannot handle
        numbers = self._labels.numbers(db, switch_texts(switches))
        self._pending_labels.update(numbers)
        rows = switch_rows(switches, numbers)
        keys = list(dict.fromkeys(r[1] for r in rows))
        replaced = self._day_totals.old_rows(db, keys)  # their old days are recomputed too
        insert = f"INSERT OR REPLACE INTO switch ({SWITCH_COLUMNS}) VALUES ({SWITCH_MARKS})"
        if len(rows) >= _BULK_ROWS:
            self._day_totals.bulk_insert(db, insert, rows)
        else:
            db.executemany(insert, rows)
        db.execute(
            "UPDATE switch_stats SET longest = MAX(longest, ?) WHERE id = 1",
            (max(r[2] for r in rows),),
        )
        ChangeLog.record(db, "switch", (s.id for s in switches), "upsert")
        self._day_totals.note([*replaced, *((r[0], r[2]) for r in rows)], len(keys) - len(replaced))
        return len(rows)

    @contextmanager
    def _switch_transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction whose new labels are cached only once it committed."""
        with self._write_lock:
            if self._switch_depth:  # nested (an edit inside ``editing``): part of it
                yield self._db()
                return
            self._switch_depth += 1
            try:
                self._pending_labels = {}
                with self._transaction() as db:
                    self._day_totals.begin(db)
                    try:
                        yield db
                        self._day_totals.flush(db)  # the noted days, recomputed before COMMIT
                    finally:
                        self._day_totals.end()
                self._labels.remember(self._pending_labels)
            finally:
                self._switch_depth -= 1

    def add_switches(self, switches: Iterable[Switch]) -> int:
        written = 0
        with self._switch_transaction() as db:
            chunk: list[Switch] = []
            for switch in switches:
                chunk.append(switch)
                if len(chunk) >= _WRITE_CHUNK:
                    written += self._put_switches(db, chunk)
                    chunk = []
            written += self._put_switches(db, chunk)
        return written

    def delete_switches(self, ids: Iterable[str]) -> int:
        """Remove switches by id (maintenance; the tracker never deletes); return how many."""
        wanted = list(ids)
        with self._switch_transaction() as db:
            gone = self._delete_switches(db, wanted)
            ChangeLog.record(db, "switch", wanted, "delete")
        return gone

    def _delete_switches(self, db: sqlite3.Connection, ids: Sequence[str]) -> int:
        """Delete by id inside the open switch transaction (their days are recomputed)."""
        keys = list(dict.fromkeys(encode_id(i) for i in ids))
        old = self._day_totals.old_rows(db, keys)
        gone = int(db.executemany("DELETE FROM switch WHERE id = ?", [(k,) for k in keys]).rowcount)
        self._day_totals.note(old, -gone)
        return gone

    def _switches(self, sql: str, params: Sequence[Any]) -> list[Switch]:
        db = self._db()
        rows = db.execute(sql, params).fetchall()
        self._labels.load(db, (n for r in rows for n in r[LABEL_COLUMNS]))
        try:
            return rows_switches(rows, self._labels)  # the fast path: every row is sane
        except (ValueError, TypeError, OverflowError, KeyError):  # skip (and report) the bad ones
            return list(limits.readable(rows, lambda r: row_switch(r, self._labels)))

    def switches(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: SortOrder = "asc",
        host: str | None = None,
    ) -> list[Switch]:
        number = self._host_number(host)
        if number == _NO_SUCH_HOST:
            return []
        where, params = _range(start, end, number)
        direction = "DESC" if order == "desc" else "ASC"
        sql = (
            f"SELECT {SWITCH_COLUMNS} FROM switch{where} ORDER BY start {direction}, id {direction}"
        )
        args: list[Any] = list(params)
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else limit, offset]
        return self._switches(sql, args)

    def count_switches(
        self, start: datetime | None = None, end: datetime | None = None, *, host: str | None = None
    ) -> int:
        number = self._host_number(host)
        if number == _NO_SUCH_HOST:
            return 0
        where, params = _range(start, end, number)
        return int(self._query(f"SELECT COUNT(*) FROM switch{where}", params)[0][0])

    def _host_number(self, host: str | None) -> int | None:
        """The label number of ``host`` (None: any host; ``_NO_SUCH_HOST``: none has it)."""
        if host is None:
            return None
        rows = self._query("SELECT id FROM label WHERE text = ?", (host,))
        return int(rows[0][0]) if rows else _NO_SUCH_HOST

    def _hosts_between(self, start: datetime, end: datetime, lookback: int) -> int:
        """How many hosts have switches overlapping ``[start, end)``.

        From the day totals' ``day_host`` (exact in any zone: see ``DayTotals.hosts_in``)
        when they are valid, else by a scan of the range.
        """
        db = self._db()
        recorded = self._day_totals.zone_text(db) if self._day_totals_valid else None
        if recorded is not None:
            return len(self._day_totals.hosts_in(db, Zone.parse(recorded), start, end))
        rows = self._query(
            "SELECT COUNT(DISTINCT host) FROM switch WHERE start >= ? AND start < ? "
            "AND start + delta * 1000 > ?",
            (to_us(start) - lookback, to_us(end), to_us(start)),
        )
        return int(rows[0][0])

    def last_switch_ends(self) -> dict[str, datetime]:
        db = self._db()
        with self._reading(db):
            recorded = self._day_totals.zone_text(db) if self._day_totals_valid else None
            if recorded is not None:
                found = list(self._day_totals.last_ends(db, Zone.parse(recorded)).items())
            else:
                found = db.execute(
                    "SELECT host, MAX(start + delta * 1000) FROM switch GROUP BY host"
                ).fetchall()
        self._labels.load(db, (r[0] for r in found))
        return {self._labels.text(host): from_us(int(end)) for host, end in found}

    def count_existing_switches(self, ids: Sequence[str]) -> int:
        unique = [encode_id(i) for i in dict.fromkeys(ids)]
        found = 0
        for first in range(0, len(unique), _IDS_PER_QUERY):
            chunk = unique[first : first + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            found += int(
                self._query(f"SELECT COUNT(*) FROM switch WHERE id IN ({marks})", chunk)[0][0]
            )
        return found

    def longest_switch(self) -> float:
        """The longest delta ever written (an upper bound once a switch was shortened)."""
        rows = self._query("SELECT longest FROM switch_stats WHERE id = 1")
        return limits.clamp_delta(int(rows[0][0]) / 1000) if rows else 0.0

    # -- totals (the day totals kept ready: store/sqlite/totals.py) -------------------------

    def _open_day_totals(self) -> None:
        """Build the day totals when missing or stale (a writable store), else check them."""
        try:
            if self._read_only:
                self._day_totals_valid = self._day_totals.valid(self._db(), self.schema_version())
                return
            zone = Zone(ZoneInfo(localzone.system_timezone()), MIDNIGHT)
            with self._switch_transaction() as db:
                if self._day_totals.check(db, self.schema_version(), zone):
                    log.debug("built the day totals of %s", self.path)
            self._day_totals_valid = True
        except (sqlite3.Error, ValueError, LookupError) as exc:  # derived data: live queries
            log.warning(
                "day totals of %s unavailable, totals read the switches: %s", self.path, exc
            )
            self._day_totals_valid = False

    @contextmanager
    def _reading(self, db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One read snapshot (WAL) around several queries; part of a transaction if open."""
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def _serves(self, zone: Zone) -> bool:
        """Whether the day totals answer in ``zone``: rebuilt for it if needed and allowed.

        A read-only store answers other zones by the live query; a writable one recomputes
        the day totals for the zone asked (one pass over the switches) and keeps them so.
        """
        text = zone.text
        if not self._day_totals_valid or text is None:
            return False
        db = self._db()
        if self._day_totals.zone_text(db) == text and self._day_totals.fresh(db):
            return True
        if self._read_only:
            return False
        try:  # a switch transaction recomputes everything when another writer changed switches
            with self._switch_transaction() as db:
                if self._day_totals.zone_text(db) != text:
                    log.info("rebuilding the day totals of %s for %s", self.path, text)
                    self._day_totals.rebuild(db, zone, self.schema_version())
        except sqlite3.Error as exc:
            log.warning("could not rebuild the day totals of %s: %s", self.path, exc)
            return False
        return True

    @contextmanager
    def _kept_rows(self, zone: Zone) -> Iterator[sqlite3.Connection | None]:
        """A read snapshot of the day totals kept for ``zone``, or None when they cannot
        answer (not built for it, or another process rebuilt them for another zone)."""
        if not self._serves(zone):
            yield None
            return
        db = self._db()
        with self._reading(db):
            kept = self._day_totals.zone_text(db) == zone.text and self._day_totals.fresh(db)
            yield db if kept else None

    def _kept_sums(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        group_code: int,
        host: str | None,
        by: Period | None,
    ) -> dict[tuple[int, str], int] | None:
        return self._day_sums(
            start,
            end,
            tz,
            day_start,
            group_code,
            host,
            by_day=by is not None,
            by_week=by == "week",
            by_month=by == "month",
        )

    def _day_sums(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        grp: int,
        host: str | None,
        *,
        by_day: bool = True,
        by_week: bool = False,
        by_month: bool = False,
        keyless: bool = False,
    ) -> dict[tuple[int, str], int] | None:
        """µs per (local day ordinal, key) from the day totals; None when they cannot answer."""
        zone = Zone(tz, day_start)
        with self._kept_rows(zone) as db:
            if db is None:
                return None
            number = self._host_number(host)
            if number == _NO_SUCH_HOST:
                return {}
            return self._day_totals.day_sums(
                db,
                zone,
                start,
                end,
                grp,
                number,
                by_day=by_day,
                by_week=by_week,
                by_month=by_month,
                keyless=keyless,
            )

    def day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds per local day and key, from the day totals kept ready.

        Whole days read a few rows each; a range's partial days are cut from the switches;
        each moment is counted once across hosts as ``Store.counted_switches`` says.
        """
        zone = Zone(tz, day_start)
        number = self._host_number(host)
        if number == _NO_SUCH_HOST:
            return []
        with self._kept_rows(zone) as db:
            if db is not None:
                return self._day_totals.day_totals(db, zone, start, end, GROUP_CODES[group], number)
        return self._live_day_totals(start, end, tz, group=group, day_start=day_start, host=host)

    def day_seconds(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> dict[date, float]:
        sums = self._day_sums(start, end, tz, day_start, GROUP_CODES["task"], host, keyless=True)
        if sums is None:
            return super().day_seconds(start, end, tz, day_start=day_start, host=host)
        return {t.period: t.seconds for t in fold(sums, "day") if t.period is not None}

    def area_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        by: Literal["day", "week", "month"] = "week",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        zone = Zone(tz, day_start)
        number = self._host_number(host)
        if number == _NO_SUCH_HOST:
            return []
        with self._kept_rows(zone) as db:
            if db is not None:
                return fold(self._day_totals.area_sums(db, zone, start, end, number, by=by), by)
        return super().area_totals(start, end, tz, by=by, day_start=day_start, host=host)

    def _live_day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds per local day and key, summed by SQLite in one query over the table
        (when the day totals cannot answer: a read-only store asked in another zone).

        ``host`` sums one workstation's switches. Without it, a range where several hosts
        have switches takes the generic path, which counts each moment once
        (``store/overlap.py``).

        Days begin ``day_start`` after local midnight: only the boundaries move, so the
        same query cuts at 04:00 as at midnight.

        The local day boundaries (23 or 25 hours long on a daylight-saving change) are
        computed here and joined as a table of days; each day reads its switches through the
        clustered ``(start, id)`` key, looking back by the longest switch, clips them to the
        day and sums by label number; the numbers become names (and fallback labels) here.
        """
        if end <= start:
            return []
        lookback = round(self.longest_switch() * 1_000_000)
        number = self._host_number(host)
        if number == _NO_SUCH_HOST:
            return []
        if number is None and self._hosts_between(start, end, lookback) > 1:
            return super().day_totals(start, end, tz, group=group, day_start=day_start)
        host_clause = "" if number is None else f"AND s.host = {int(number)} "
        days: list[tuple[str, int, int, int]] = []
        day = day_of(start, tz, day_start)
        while True:
            lo = max(local_midnight(day, tz, day_start), start)
            if lo >= end:
                break
            hi = min(local_midnight(day + timedelta(days=1), tz, day_start), end)
            days.append((day.isoformat(), to_us(lo), to_us(hi), to_us(lo) - lookback))
            day += timedelta(days=1)
        keys = "s.task, NULL" if group == "task" else "s.workspace, s.workspace_index"
        sums: dict[tuple[str, str], int] = {}
        db = self._db()
        for first in range(0, len(days), _DAYS_PER_QUERY):
            chunk = days[first : first + _DAYS_PER_QUERY]
            values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            sql = (
                f"WITH days (day, lo, hi, scan) AS (VALUES {values}) "
                f"SELECT days.day, {keys}, "
                # away time is not counted: multiplied by 0, not filtered by a WHERE (the
                # plan stays the range scan of the clustered rows; away is in the row)
                "SUM((MIN(s.start + s.delta * 1000, days.hi) - MAX(s.start, days.lo)) "
                "* (1 - s.away)) "
                "FROM days JOIN switch AS s ON s.start >= days.scan AND s.start < days.hi "
                "WHERE s.start + s.delta * 1000 > days.lo "
                f"{host_clause}"
                f"AND s.delta <= {int(limits.MAX_DELTA * 1000)} GROUP BY days.day, 2, 3"
            )
            rows = db.execute(sql, [v for row in chunk for v in row]).fetchall()
            self._labels.load(db, (r[1] for r in rows))
            for day_text, label, index, micros in rows:
                name = "" if label is None else self._labels.text(label)
                key = (name or NO_TASK) if group == "task" else workspace_label(index, name)
                sums[(day_text, key)] = sums.get((day_text, key), 0) + int(micros)
        return [
            Total(period=date.fromisoformat(day_text), key=key, seconds=round(micros / 1e6, 3))
            for (day_text, key), micros in sorted(sums.items())
            if micros > 0
        ]

    # -- tasks ------------------------------------------------------------------------------

    def upsert_tasks(self, tasks: Sequence[Task]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO task (id, host, task_id, path, active, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(t.key, t.host, t.id, t.path, int(t.active), _ts(t.updated)) for t in tasks],
            )
            ChangeLog.record(db, "task", (t.key for t in tasks), "upsert")

    def tasks(self, *, include_inactive: bool = False, host: str | None = None) -> list[Task]:
        clauses, params = ([] if include_inactive else ["active = 1"]), []
        if host is not None:
            clauses.append("host = ?")
            params.append(host)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._query(
            f"SELECT task_id, path, active, updated, host FROM task{where} "
            "ORDER BY path, host, task_id",
            params,
        )
        return [_task_row(r) for r in rows]

    def add_task_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO task_history (id, host, task_id, path, since) "
                "VALUES (?, ?, ?, ?, ?)",
                [(e.id, e.host, e.task_id, e.path, _ts(e.since)) for e in entries],
            )
            ChangeLog.record(db, "task_history", (e.id for e in entries), "upsert")

    def task_history(
        self, task_id: str | None = None, *, host: str | None = None
    ) -> list[TaskHistoryEntry]:
        clauses, params = [], []
        if task_id is not None:
            clauses.append("task_id = ?")
            params.append(task_id)
        if host is not None:
            clauses.append("host = ?")
            params.append(host)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._query(
            f"SELECT task_id, path, since, host FROM task_history{where} "
            "ORDER BY task_id, since, host",
            params,
        )
        return [TaskHistoryEntry(r[0], r[1], _dt(r[2]), host=r[3]) for r in rows]

    # -- state ------------------------------------------------------------------------------

    _STATE_COLUMNS = (
        "workspace_index, workspace, since, heartbeat, interval_id, task_id, task, host, away"
    )

    @staticmethod
    def _put_state(db: sqlite3.Connection, state: State | None, host: str) -> None:
        key = state_key(host)
        if state is None:
            if db.execute("DELETE FROM state WHERE id = ?", (key,)).rowcount:
                ChangeLog.record(db, "state", [key], "delete")
            return
        db.execute(
            "INSERT OR REPLACE INTO state (id, workspace_index, workspace, since, heartbeat, "
            "interval_id, task_id, task, host, away) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                state.workspace_index,
                state.workspace,
                _ts(state.since),
                _ts(state.heartbeat),
                state.interval_id,
                state.task_id,
                state.task,
                state.host,
                int(state.away),
            ),
        )
        ChangeLog.record(db, "state", [key], "upsert")

    def _state_rows(self, where: str, params: Sequence[Any]) -> list[State]:
        rows = self._query(
            f"SELECT {self._STATE_COLUMNS} FROM state{where} ORDER BY heartbeat DESC, host",
            params,
        )
        return list(limits.readable(rows, self._state_row, "state"))

    def states(self) -> list[State]:
        return self._state_rows("", [])

    def get_state(self, host: str | None = None) -> State | None:
        if host is None:
            return super().get_state()
        rows = self._query(
            f"SELECT {self._STATE_COLUMNS} FROM state WHERE id = ?", (state_key(host),)
        )
        return limits.readable_one(rows[0] if rows else None, self._state_row, "state")

    @staticmethod
    def _state_row(r: Sequence[Any]) -> State:
        return State(
            workspace_index=r[0],
            workspace=r[1],
            since=_dt(r[2]),
            heartbeat=_dt(r[3]),
            interval_id=r[4],
            task_id=r[5],
            task=r[6],
            host=r[7],
            away=r[8] == 1,
        )

    def put_state(self, state: State | None, *, host: str | None = None) -> None:
        owner = state_host(state, host)
        with self._transaction() as db:
            self._put_state(db, state, owner)

    def close_interval(
        self, switch: Switch | None, state: State | None, *, host: str | None = None
    ) -> None:
        owner = state_host(state, host)
        with self._switch_transaction() as db:
            if switch is not None:
                self._put_switches(db, [switch])
            self._put_state(db, state, owner)

    def adopt_legacy(self, host: str) -> int:
        with self._transaction() as db:
            return adopt(db, host)

    # -- edits ----------------------------------------------------------------------------

    def apply_edit(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        """Delete ``remove``, write ``add`` and the edit record in one transaction (all
        recorded in the change log, so sync carries the correction)."""
        doc = edit_to_json(edit)
        with self._switch_transaction() as db:
            wanted = list(remove)
            self._delete_switches(db, wanted)
            ChangeLog.record(db, "switch", wanted, "delete")
            self._put_switches(db, list(add))
            db.execute(
                "INSERT OR REPLACE INTO edit (id, at, body) VALUES (?, ?, ?)",
                (edit.id, _ts(edit.at), doc),
            )
            ChangeLog.record(db, "edit", [edit.id], "upsert")

    @contextmanager
    def editing(self, host: str) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``) around an edit's plan and its writes:
        another edit, an undo or the tracker's ``close_interval`` waits for it."""
        with self._switch_transaction():
            yield

    def replaced_switch_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids or not self._query("SELECT 1 FROM edit LIMIT 1"):
            return set()
        rows = self._query(
            "SELECT json_extract(j.value, '$._id') FROM edit, json_each(edit.body, "
            "CASE WHEN json_extract(edit.body, '$.undone_at') IS NULL THEN '$.before' "
            "ELSE '$.after' END) AS j"
        )
        wanted = set(ids)
        return {str(r[0]) for r in rows if r[0] in wanted}

    def last_undoable_edit(self, host: str = "") -> EditRecord | None:
        rows = self._query(
            "SELECT body FROM edit WHERE json_extract(body, '$.undone_at') IS NULL AND "
            "(? = '' OR coalesce(json_extract(body, '$.host'), '') IN ('', ?)) "
            "ORDER BY at DESC, id DESC LIMIT 1",
            (host, host),
        )
        return edit_from_json(rows[0][0]) if rows else None

    def edits(self, *, limit: int | None = None) -> list[EditRecord]:
        rows = self._query(
            "SELECT body FROM edit ORDER BY at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [edit_from_json(row[0]) for row in rows]

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def swap_meta(self, key: str, expected: str | None, new: str | None) -> bool:
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if (None if row is None else str(row[0])) != expected:
                return False
            if new is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, new))
        return True

    # -- documents (sync reads them in their MongoDB shape) ---------------------------------

    def get_document(self, collection: str, doc_id: str) -> Document | None:
        """The document ``doc_id`` of ``collection`` in its MongoDB shape, or None."""
        docs = self._documents(collection, " WHERE id = ?", [self._key(collection, doc_id)])
        return docs[0] if docs else None

    def documents(self, collection: str) -> Iterator[Document]:
        """Every document of ``collection`` in its MongoDB shape."""
        return iter(self._documents(collection, "", []))

    def count_documents(self, collection: str) -> int:
        _check(collection)
        return int(self._query(f"SELECT COUNT(*) FROM {collection}")[0][0])

    def last_document_id(self, collection: str) -> str | None:
        """The highest id in ``collection`` in the store's id order (None when empty)."""
        _check(collection)
        rows = self._query(f"SELECT MAX(id) FROM {collection}")
        return None if rows[0][0] is None else decode_id(rows[0][0])

    def documents_page(
        self, collection: str, after: str | None, limit: int, until: str | None = None
    ) -> list[Document]:
        """Up to ``limit`` documents of ``collection`` with ids in (after, until], by id.

        Sync's full copy pages through a collection with it and resumes after a crash. The
        order is the store's own (text ids before ObjectId ids): compare ids only here.
        """
        clauses, params = [], []
        if after is not None:
            clauses.append("id > ?")
            params.append(self._key(collection, after))
        if until is not None:
            clauses.append("id <= ?")
            params.append(self._key(collection, until))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._documents(collection, where + " ORDER BY id LIMIT ?", [*params, limit])

    @staticmethod
    def _key(collection: str, doc_id: str) -> Key:
        return encode_id(doc_id) if collection == "switch" else doc_id

    def _documents(self, collection: str, where: str, params: list[Any]) -> list[Document]:
        _check(collection)
        if collection == "switch":
            sql = f"SELECT {SWITCH_COLUMNS} FROM switch{where}"
            return [switch_to_doc(s) for s in self._switches(sql, params)]
        if collection == "task":
            sql = f"SELECT task_id, path, active, updated, host FROM task{where}"
            return [task_to_doc(_task_row(r)) for r in self._query(sql, params)]
        if collection == "task_history":
            sql = f"SELECT task_id, path, since, host FROM task_history{where}"
            rows = self._query(sql, params)
            return [history_to_doc(TaskHistoryEntry(r[0], r[1], _dt(r[2]), r[3])) for r in rows]
        if collection == "edit":
            rows = self._query(f"SELECT body FROM edit{where}", params)
            return [edit_to_doc(edit_from_json(r[0])) for r in rows]
        rows = self._query(f"SELECT {self._STATE_COLUMNS} FROM state{where}", params)
        return [state_to_doc(s) for s in limits.readable(rows, self._state_row, "state")]


def _task_row(r: Sequence[Any]) -> Task:
    """A task from ``task_id, path, active, updated, host``."""
    return Task(id=r[0], path=r[1], active=bool(r[2]), updated=_dt(r[3]), host=r[4])


def _check(collection: str) -> None:
    if collection not in SYNCED_TABLES:
        raise StoreError(f"unknown collection {collection!r}")
