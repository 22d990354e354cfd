"""The SQLite backend's key/value metadata (checkpoints, leases, settings; never synced)."""

from __future__ import annotations

from deskmeter.store.sqlite.connection import Connections


class MetaTable:
    """The ``meta`` table of one store."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections

    def get(self, key: str) -> str | None:
        rows = self._connections.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set(self, key: str, value: str | None) -> None:
        with self._connections.transaction() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def swap(self, key: str, expected: str | None, new: str | None) -> bool:
        """Compare-and-set inside one write transaction."""
        with self._connections.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if (None if row is None else str(row[0])) != expected:
                return False
            if new is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, new))
        return True
