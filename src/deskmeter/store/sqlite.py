"""The embedded SQLite backend: the default, zero set-up store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deskmeter.edits.record import EditRecord, edit_from_json, edit_to_doc, edit_to_json
from deskmeter.models import NO_TASK, State, Switch, Task, TaskHistoryEntry, Total
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
from deskmeter.store.totals import Group, local_midnight

#: meta key: the highest changelog seq that was pruned (sync must resync below it).
PRUNED_THROUGH = "changelog_pruned_through"

_SWITCH_COLUMNS = "id, date, delta, workspace_index, workspace, task_id, task, host, away"

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
        away=bool(row["away"]),
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

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        try:
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
            f"INSERT OR REPLACE INTO switch ({_SWITCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                switch.id,
                _ts(switch.date),
                switch.delta,
                switch.workspace_index,
                switch.workspace,
                switch.task_id,
                switch.task,
                switch.host,
                int(switch.away),
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
        self, start: datetime, end: datetime, tz: ZoneInfo, *, group: Group = "task"
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
        day = start.astimezone(tz).date()
        while True:
            lo = max(local_midnight(day, tz), start)
            if lo >= end:
                break
            hi = min(local_midnight(day + timedelta(days=1), tz), end)
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
                "SUM((MIN(s.date + s.delta, days.hi) - MAX(s.date, days.lo)) * (1 - s.away)) "
                "AS seconds "  # away time is not counted (a WHERE on it slows the plan 20x)
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
            "interval_id, task_id, task, host, away) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                int(state.away),
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
            away=bool(r["away"]),
        )

    def put_state(self, state: State | None) -> None:
        self._write([self._state_write(state)])

    def close_interval(self, switch: Switch | None, state: State | None) -> None:
        writes = [self._state_write(state)]
        if switch is not None:
            writes.insert(0, self._switch_write(switch))
        self._write(writes)

    # -- edits ----------------------------------------------------------------------------

    def apply_edit(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        writes: list[tuple[str, Sequence[Any]]] = [
            ("DELETE FROM switch WHERE id = ?", (switch_id,)) for switch_id in remove
        ]
        writes += [self._switch_write(s) for s in add]
        writes.append(
            (
                "INSERT OR REPLACE INTO edit (id, at, body) VALUES (?, ?, ?)",
                (edit.id, _ts(edit.at), edit_to_json(edit)),
            )
        )
        self._write(writes)

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
        if collection not in ("switch", "task", "task_history", "state", "edit"):
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
        elif collection == "edit":
            for row in self._query(f"SELECT body FROM edit{where}", params):
                yield edit_to_doc(edit_from_json(row["body"]))
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
