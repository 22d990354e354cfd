"""The SQLite backend's open intervals: one ``state`` row per host (``current@HOST``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from deskmeter import limits
from deskmeter.models import State, state_key
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.connection import Connections, from_seconds, to_seconds

#: The columns ``state_row`` reads.
STATE_COLUMNS = (
    "workspace_index, workspace, since, heartbeat, interval_id, task_id, task, host, away"
)


def state_row(r: Sequence[Any]) -> State:
    """A state from ``STATE_COLUMNS``."""
    return State(
        workspace_index=r[0],
        workspace=r[1],
        since=from_seconds(r[2]),
        heartbeat=from_seconds(r[3]),
        interval_id=r[4],
        task_id=r[5],
        task=r[6],
        host=r[7],
        away=r[8] == 1,
    )


def put_state(db: sqlite3.Connection, state: State | None, host: str) -> None:
    """Replace (None: delete) ``host``'s state inside the open transaction ``db``."""
    key = state_key(host)
    if state is None:
        if db.execute("DELETE FROM state WHERE id = ?", (key,)).rowcount:
            ChangeLog.record(db, "state", [key], "delete")
        return
    db.execute(
        f"INSERT OR REPLACE INTO state (id, {STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            state.workspace_index,
            state.workspace,
            to_seconds(state.since),
            to_seconds(state.heartbeat),
            state.interval_id,
            state.task_id,
            state.task,
            state.host,
            int(state.away),
        ),
    )
    ChangeLog.record(db, "state", [key], "upsert")


class StateTable:
    """The ``state`` table of one store."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections

    def rows(self, where: str, params: Sequence[Any]) -> list[State]:
        """The readable states ``WHERE ...`` finds (a bad row is reported and skipped)."""
        rows = self._connections.query(f"SELECT {STATE_COLUMNS} FROM state{where}", params)
        return list(limits.readable(rows, state_row, "state"))

    def states(self) -> list[State]:
        return self.rows(" ORDER BY heartbeat DESC, host", [])

    def get(self, host: str) -> State | None:
        rows = self._connections.query(
            f"SELECT {STATE_COLUMNS} FROM state WHERE id = ?", (state_key(host),)
        )
        return limits.readable_one(rows[0] if rows else None, state_row, "state")

    def put(self, state: State | None, host: str) -> None:
        with self._connections.transaction() as db:
            put_state(db, state, host)
