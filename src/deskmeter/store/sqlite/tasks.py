"""The SQLite backend's task list and task history (each host's task file, kept per host)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deskmeter.models import Task, TaskHistoryEntry
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.connection import Connections, from_seconds, to_seconds

#: The columns ``task_row`` reads.
TASK_COLUMNS = "task_id, path, active, updated, host"
#: The columns ``history_row`` reads.
HISTORY_COLUMNS = "task_id, path, since, host"


def task_row(r: Sequence[Any]) -> Task:
    """A task from ``TASK_COLUMNS``."""
    return Task(id=r[0], path=r[1], active=bool(r[2]), updated=from_seconds(r[3]), host=r[4])


def history_row(r: Sequence[Any]) -> TaskHistoryEntry:
    """A history entry from ``HISTORY_COLUMNS``."""
    return TaskHistoryEntry(r[0], r[1], from_seconds(r[2]), host=r[3])


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


class TaskTables:
    """The ``task`` and ``task_history`` tables of one store."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections

    def upsert(self, tasks: Sequence[Task]) -> None:
        with self._connections.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO task (id, host, task_id, path, active, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (t.key, t.host, t.id, t.path, int(t.active), to_seconds(t.updated))
                    for t in tasks
                ],
            )
            ChangeLog.record(db, "task", (t.key for t in tasks), "upsert")

    def tasks(self, *, include_inactive: bool = False, host: str | None = None) -> list[Task]:
        clauses, params = ([] if include_inactive else ["active = 1"]), []
        if host is not None:
            clauses.append("host = ?")
            params.append(host)
        rows = self._connections.query(
            f"SELECT {TASK_COLUMNS} FROM task{_where(clauses)} ORDER BY path, host, task_id",
            params,
        )
        return [task_row(r) for r in rows]

    def paths(self) -> frozenset[str]:
        """The paths of every host's active tasks (``tasks``'s, without building a Task)."""
        rows = self._connections.query("SELECT DISTINCT path FROM task WHERE active = 1", ())
        return frozenset(r[0] for r in rows)

    def add_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        with self._connections.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO task_history (id, host, task_id, path, since) "
                "VALUES (?, ?, ?, ?, ?)",
                [(e.id, e.host, e.task_id, e.path, to_seconds(e.since)) for e in entries],
            )
            ChangeLog.record(db, "task_history", (e.id for e in entries), "upsert")

    def history(
        self, task_id: str | None = None, *, host: str | None = None
    ) -> list[TaskHistoryEntry]:
        clauses, params = [], []
        if task_id is not None:
            clauses.append("task_id = ?")
            params.append(task_id)
        if host is not None:
            clauses.append("host = ?")
            params.append(host)
        rows = self._connections.query(
            f"SELECT {HISTORY_COLUMNS} FROM task_history{_where(clauses)} "
            "ORDER BY task_id, since, host",
            params,
        )
        return [history_row(r) for r in rows]
