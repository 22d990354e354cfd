"""The embedded SQLite backend: the default, zero set-up store."""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deskmeter.models import NO_TASK, State, Switch, Task, TaskHistoryEntry, Total
from deskmeter.store.aggregates import tag, whole_days
from deskmeter.store.base import Change, SortOrder, Store, StoreError
from deskmeter.store.documents import (
    STATE_ID,
    Document,
    history_to_doc,
    state_to_doc,
    switch_to_doc,
    task_to_doc,
)
from deskmeter.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from deskmeter.store.totals import MIDNIGHT, Group, day_of, local_midnight

#: meta key: the highest changelog seq that was pruned (sync must resync below it).
PRUNED_THROUGH = "changelog_pruned_through"

_SWITCH_COLUMNS = "id, date, delta, workspace_index, workspace, task_id, task, host"

#: The grouping key of ``day_totals``, as ``group_key`` in store/totals.py computes it.
_GROUP_KEY_SQL = {
    "task": "COALESCE(NULLIF(s.task, ''), ?)",
    "workspace": "COALESCE(NULLIF(s.workspace, ''), 'workspace ' || (s.workspace_index + 1))",
}
#: Days per ``day_totals`` query (4 bound values each, well under SQLite's limit).
_DAYS_PER_QUERY = 2000


def _ts(value: datetime) -> float:
    return value.timestamp()


def _dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _switch(row: sqlite3.Row) -> Switch:
    return Switch(
        id=row["id"],
        date=_dt(row["date"]),
        delta=row["delta"],
        workspace_index=row["workspace_index"],
        workspace=row["workspace"],
        task_id=row["task_id"],
        task=row["task"],
        host=row["host"],
    )


def _range(start: datetime | None, end: datetime | None) -> tuple[str, list[float]]:
    clauses, params = [], []
    if start is not None:
        clauses.append("date >= ?")
        params.append(_ts(start))
    if end is not None:
        clauses.append("date < ?")
        params.append(_ts(end))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SQLiteStore(Store):
    """A store in one SQLite file (WAL mode), safe to share between threads."""

    kind = "sqlite"

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        try:
            if read_only:  # an existing file only: never create one (mode=rw has no create)
                self._db = sqlite3.connect(
                    f"{self.path.absolute().as_uri()}?mode=rw",
                    uri=True,
                    timeout=30,
                    isolation_level=None,
                    check_same_thread=False,
                )
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self._migrate()

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    # -- plumbing ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply the missing migrations, each in its own write transaction.

        The version is read inside the transaction, so two processes opening a new file at
        the same moment do not both migrate it.
        """
        with self._lock:
            while True:
                self._db.execute("BEGIN IMMEDIATE")
                version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
                if version >= SCHEMA_VERSION:
                    self._db.execute("COMMIT")
                    break
                try:
                    for statement in _statements(MIGRATIONS[version]):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {version + 1}")
                    self._db.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._db.execute("ROLLBACK")
                    raise StoreError(
                        f"migration {version + 1} of {self.path} failed: {exc}"
                    ) from exc
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {version}, newer than this Deskmeter "
                    f"understands ({SCHEMA_VERSION}); upgrade Deskmeter"
                )

    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _write(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> int:
        """Run statements in one transaction; return the number of statements run."""
        count = 0
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self._db.execute(sql, params)
                    count += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return count

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- switches ---------------------------------------------------------------------------

    @staticmethod
    def _switch_write(switch: Switch) -> tuple[str, Sequence[Any]]:
        return (
            f"INSERT OR REPLACE INTO switch ({_SWITCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                switch.id,
                _ts(switch.date),
                switch.delta,
                switch.workspace_index,
                switch.workspace,
                switch.task_id,
                switch.task,
                switch.host,
            ),
        )

    def add_switches(self, switches: Iterable[Switch]) -> int:
        return self._write(self._switch_write(s) for s in switches)

    def switches(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: SortOrder = "asc",
    ) -> list[Switch]:
        where, params = _range(start, end)
        direction = "DESC" if order == "desc" else "ASC"
        sql = (
            f"SELECT {_SWITCH_COLUMNS} FROM switch{where} ORDER BY date {direction}, id {direction}"
        )
        args: list[Any] = list(params)
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else limit, offset]
        return [_switch(row) for row in self._query(sql, args)]

    def count_switches(self, start: datetime | None = None, end: datetime | None = None) -> int:
        where, params = _range(start, end)
        return int(self._query(f"SELECT COUNT(*) FROM switch{where}", params)[0][0])

    def longest_switch(self) -> float:
        rows = self._query("SELECT delta FROM switch ORDER BY delta DESC LIMIT 1")
        return float(rows[0][0]) if rows else 0.0

    def day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
    ) -> list[Total]:
        """Seconds per local day and key: whole days from the pre-aggregated table.

        Days not yet in ``day_total`` (or invalidated by a write) are computed once and
        stored; partial days at the edges of the range are computed directly.
        """
        if end <= start:
            return []
        days, edges = whole_days(start, end, tz, day_start)
        out: list[Total] = []
        if days:
            fallback = self._fill_days(days, tz, group, day_start)
            if fallback is not None:
                out += fallback
            else:
                rows = self._query(
                    "SELECT day, key, seconds FROM day_total WHERE tag = ? AND grp = ? "
                    "AND day BETWEEN ? AND ? ORDER BY day, key",
                    (tag(tz, day_start), group, days[0].isoformat(), days[-1].isoformat()),
                )
                parsed: dict[str, date] = {}
                for r in rows:
                    if r[2] > 0:
                        day = parsed.get(r[0])
                        if day is None:
                            day = parsed[r[0]] = date.fromisoformat(r[0])
                        out.append(Total(period=day, key=r[1], seconds=r[2]))
        if not edges:
            return out  # already in (day, key) order
        for lo, hi in edges:
            out += self._compute_day_totals(lo, hi, tz, group=group, day_start=day_start)
        return sorted(out, key=lambda t: (t.period or date.min, t.key))

    def range_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
    ) -> list[Total]:
        """Seconds per key over the whole range, summed by SQLite from the day table."""
        if end <= start:
            return []
        days, edges = whole_days(start, end, tz, day_start)
        sums: dict[str, float] = defaultdict(float)
        if days:
            fallback = self._fill_days(days, tz, group, day_start)
            if fallback is not None:
                for total in fallback:
                    sums[total.key] += total.seconds
            else:
                for row in self._query(
                    "SELECT key, SUM(seconds) FROM day_total WHERE tag = ? AND grp = ? "
                    "AND day BETWEEN ? AND ? GROUP BY key",
                    (tag(tz, day_start), group, days[0].isoformat(), days[-1].isoformat()),
                ):
                    sums[row[0]] += row[1]
        for lo, hi in edges:
            for total in self._compute_day_totals(lo, hi, tz, group=group, day_start=day_start):
                sums[total.key] += total.seconds
        return [
            Total(period=None, key=key, seconds=round(seconds, 3))
            for key, seconds in sorted(sums.items())
            if seconds > 0
        ]

    def _fill_days(
        self, days: list[date], tz: ZoneInfo, group: Group, day_start: timedelta
    ) -> list[Total] | None:
        """Compute and store the missing days; None when done, else the figures (read-only)."""
        cache_tag = tag(tz, day_start)
        span = (cache_tag, group, days[0].isoformat(), days[-1].isoformat())
        with self._lock:
            complete = self._db.execute(
                "SELECT COUNT(*) FROM day_total_done WHERE tag = ? AND grp = ? "
                "AND day BETWEEN ? AND ?",
                span,
            ).fetchone()[0]
            if complete == len(days):  # the usual case: every day is cached
                return None
            done = {
                row[0]
                for row in self._db.execute(
                    "SELECT day FROM day_total_done WHERE tag = ? AND grp = ? "
                    "AND day BETWEEN ? AND ?",
                    span,
                )
            }
            missing = [d for d in days if d.isoformat() not in done]
            if not missing:
                return None
            runs: list[tuple[date, date]] = []
            for day in missing:
                if runs and runs[-1][1] + timedelta(days=1) == day:
                    runs[-1] = (runs[-1][0], day)
                else:
                    runs.append((day, day))
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return self._compute_days(days, tz, group, day_start)
            try:
                for first, last in runs:
                    lo = local_midnight(first, tz, day_start)
                    hi = local_midnight(last + timedelta(days=1), tz, day_start)
                    totals = self._compute_day_totals(lo, hi, tz, group=group, day_start=day_start)
                    self._db.execute(
                        "DELETE FROM day_total WHERE tag = ? AND grp = ? AND day BETWEEN ? AND ?",
                        (cache_tag, group, first.isoformat(), last.isoformat()),
                    )
                    self._db.executemany(
                        "INSERT INTO day_total (tag, grp, day, key, seconds) "
                        "VALUES (?, ?, ?, ?, ?)",
                        [
                            (cache_tag, group, t.period.isoformat(), t.key, t.seconds)
                            for t in totals
                            if t.period is not None
                        ],
                    )
                    self._db.executemany(
                        "INSERT OR REPLACE INTO day_total_done (tag, grp, day) VALUES (?, ?, ?)",
                        [
                            (cache_tag, group, (first + timedelta(days=i)).isoformat())
                            for i in range((last - first).days + 1)
                        ],
                    )
                self._db.execute("COMMIT")
            except sqlite3.OperationalError:  # a read-only file: answer without storing
                self._db.execute("ROLLBACK")
                return self._compute_days(days, tz, group, day_start)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return None

    def _compute_days(
        self, days: list[date], tz: ZoneInfo, group: Group, day_start: timedelta
    ) -> list[Total]:
        lo = local_midnight(days[0], tz, day_start)
        hi = local_midnight(days[-1] + timedelta(days=1), tz, day_start)
        return self._compute_day_totals(lo, hi, tz, group=group, day_start=day_start)

    def _compute_day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
    ) -> list[Total]:
        """Seconds per local day and key, summed by SQLite in one indexed query.

        The local day boundaries (23 or 25 hours long on a daylight-saving change) are
        computed here and joined as a table of days; each day reads its switches through the
        ``date`` index, looking back by the longest switch, and clips them to the day.
        """
        if end <= start:
            return []
        lookback = self.longest_switch()
        days: list[tuple[str, float, float, float]] = []
        day = day_of(start, tz, day_start)
        while True:
            lo = max(local_midnight(day, tz, day_start), start)
            if lo >= end:
                break
            hi = min(local_midnight(day + timedelta(days=1), tz, day_start), end)
            days.append((day.isoformat(), _ts(lo), _ts(hi), _ts(lo) - lookback))
            day += timedelta(days=1)
        sums: dict[tuple[str, str], float] = {}
        for first in range(0, len(days), _DAYS_PER_QUERY):
            chunk = days[first : first + _DAYS_PER_QUERY]
            values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            key_params: list[Any] = [NO_TASK] if group == "task" else []
            sql = (
                f"WITH days (day, lo, hi, scan) AS (VALUES {values}) "
                f"SELECT days.day, {_GROUP_KEY_SQL[group]} AS key, "
                "SUM(MIN(s.date + s.delta, days.hi) - MAX(s.date, days.lo)) AS seconds "
                "FROM days JOIN switch AS s ON s.date >= days.scan AND s.date < days.hi "
                "WHERE s.date + s.delta > days.lo GROUP BY days.day, key"
            )
            params = [v for row in chunk for v in row]
            for row in self._query(sql, [*params, *key_params]):
                sums[(row[0], row[1])] = float(row[2])
        return [
            Total(period=date.fromisoformat(day_text), key=key, seconds=round(seconds, 3))
            for (day_text, key), seconds in sorted(sums.items())
            if seconds > 0
        ]

    # -- tasks ------------------------------------------------------------------------------

    def upsert_tasks(self, tasks: Sequence[Task]) -> None:
        self._write(
            (
                "INSERT OR REPLACE INTO task (id, path, active, updated) VALUES (?, ?, ?, ?)",
                (t.id, t.path, int(t.active), _ts(t.updated)),
            )
            for t in tasks
        )

    def tasks(self, *, include_inactive: bool = False) -> list[Task]:
        where = "" if include_inactive else " WHERE active = 1"
        rows = self._query(f"SELECT id, path, active, updated FROM task{where} ORDER BY path, id")
        return [
            Task(id=r["id"], path=r["path"], active=bool(r["active"]), updated=_dt(r["updated"]))
            for r in rows
        ]

    def add_task_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        self._write(
            (
                "INSERT OR REPLACE INTO task_history (id, task_id, path, since) "
                "VALUES (?, ?, ?, ?)",
                (e.id, e.task_id, e.path, _ts(e.since)),
            )
            for e in entries
        )

    def task_history(self, task_id: str | None = None) -> list[TaskHistoryEntry]:
        where, params = ("", []) if task_id is None else (" WHERE task_id = ?", [task_id])
        rows = self._query(
            f"SELECT task_id, path, since FROM task_history{where} ORDER BY task_id, since", params
        )
        return [TaskHistoryEntry(r["task_id"], r["path"], _dt(r["since"])) for r in rows]

    # -- state ------------------------------------------------------------------------------

    @staticmethod
    def _state_write(state: State | None) -> tuple[str, Sequence[Any]]:
        if state is None:
            return "DELETE FROM state WHERE id = ?", (STATE_ID,)
        return (
            "INSERT OR REPLACE INTO state (id, workspace_index, workspace, since, heartbeat, "
            "interval_id, task_id, task, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                STATE_ID,
                state.workspace_index,
                state.workspace,
                _ts(state.since),
                _ts(state.heartbeat),
                state.interval_id,
                state.task_id,
                state.task,
                state.host,
            ),
        )

    def get_state(self) -> State | None:
        rows = self._query("SELECT * FROM state WHERE id = ?", (STATE_ID,))
        if not rows:
            return None
        r = rows[0]
        return State(
            workspace_index=r["workspace_index"],
            workspace=r["workspace"],
            since=_dt(r["since"]),
            heartbeat=_dt(r["heartbeat"]),
            interval_id=r["interval_id"],
            task_id=r["task_id"],
            task=r["task"],
            host=r["host"],
        )

    def put_state(self, state: State | None) -> None:
        self._write([self._state_write(state)])

    def close_interval(self, switch: Switch | None, state: State | None) -> None:
        writes = [self._state_write(state)]
        if switch is not None:
            writes.insert(0, self._switch_write(switch))
        self._write(writes)

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._write([("DELETE FROM meta WHERE key = ?", (key,))])
        else:
            self._write([("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))])

    # -- change log (the sync source) -------------------------------------------------------

    def changes_after(self, seq: int, limit: int = 1000) -> list[Change]:
        """Change-log entries with a sequence number above ``seq``, oldest first."""
        rows = self._query(
            "SELECT seq, collection, doc_id, op, at FROM changelog WHERE seq > ? "
            "ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [Change(r["seq"], r["collection"], r["doc_id"], r["op"], _dt(r["at"])) for r in rows]

    def last_change_seq(self) -> int:
        """The sequence number of the newest change ever logged (0 when none)."""
        rows = self._query("SELECT seq FROM sqlite_sequence WHERE name = 'changelog'")
        return int(rows[0][0]) if rows else 0

    def pending_changes(self, seq: int) -> int:
        return int(self._query("SELECT COUNT(*) FROM changelog WHERE seq > ?", (seq,))[0][0])

    def pruned_through(self) -> int:
        value = self.get_meta(PRUNED_THROUGH)
        return int(value) if value else 0

    def prune_changes(self, through: int) -> int:
        """Drop change-log entries up to ``through``; return how many were dropped."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                dropped = self._db.execute("DELETE FROM changelog WHERE seq <= ?", (through,))
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (PRUNED_THROUGH, str(max(through, self.pruned_through()))),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(dropped.rowcount)

    def get_document(self, collection: str, doc_id: str) -> Document | None:
        """The document ``doc_id`` of ``collection`` in its MongoDB shape, or None."""
        docs = list(self._documents(collection, doc_id))
        return docs[0] if docs else None

    def documents(self, collection: str) -> Iterator[Document]:
        """Every document of ``collection`` in its MongoDB shape."""
        return self._documents(collection, None)

    def last_document_id(self, collection: str) -> str | None:
        """The highest id in ``collection`` (None when it is empty)."""
        if collection not in ("switch", "task", "task_history", "state"):
            raise StoreError(f"unknown collection {collection!r}")
        rows = self._query(f"SELECT MAX(id) FROM {collection}")
        return None if rows[0][0] is None else str(rows[0][0])

    def documents_page(self, collection: str, after: str | None, limit: int) -> list[Document]:
        """Up to ``limit`` documents of ``collection`` with an id above ``after``, by id.

        Sync's full copy pages through a collection with it and resumes after a crash.
        """
        where, params = ("", []) if after is None else (" WHERE id > ?", [after])
        return list(self._documents(collection, None, (where, [*params, limit])))

    def _documents(
        self,
        collection: str,
        doc_id: str | None,
        page: tuple[str, list[Any]] | None = None,
    ) -> Iterator[Document]:
        where, params = ("", []) if doc_id is None else (" WHERE id = ?", [doc_id])
        if page is not None:
            where, params = page[0] + " ORDER BY id LIMIT ?", page[1]
        if collection == "switch":
            for row in self._query(f"SELECT {_SWITCH_COLUMNS} FROM switch{where}", params):
                yield switch_to_doc(_switch(row))
        elif collection == "task":
            for row in self._query(f"SELECT * FROM task{where}", params):
                yield task_to_doc(
                    Task(row["id"], row["path"], bool(row["active"]), _dt(row["updated"]))
                )
        elif collection == "task_history":
            for row in self._query(f"SELECT * FROM task_history{where}", params):
                yield history_to_doc(
                    TaskHistoryEntry(row["task_id"], row["path"], _dt(row["since"]))
                )
        elif collection == "state":
            after = page[1][0] if page is not None and len(page[1]) > 1 else None
            if doc_id in (None, STATE_ID) and (after is None or after < STATE_ID):
                state = self.get_state()
                if state is not None:
                    yield state_to_doc(state)
        else:
            raise StoreError(f"unknown collection {collection!r}")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (triggers contain ';' inside BEGIN…END)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer
