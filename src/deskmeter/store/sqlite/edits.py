"""The SQLite backend's edit log: corrections of history, applied in one transaction.

Each record is one JSON body (store/edit_record.py's codec); applying an edit deletes the
switches it replaces and writes the new ones in the same switch transaction, so the day
totals and the change log follow.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmeter.models import Switch
from deskmeter.store.edit_record import EditRecord, edit_from_json, edit_to_json
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.connection import Connections, to_seconds
from deskmeter.store.sqlite.switches import SwitchTable


class EditLog:
    """The ``edit`` table of one store."""

    def __init__(self, connections: Connections, switches: SwitchTable) -> None:
        self._connections = connections
        self._switches = switches

    def apply(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        """Delete ``remove``, write ``add`` and the edit record in one transaction (all
        recorded in the change log, so sync carries the correction)."""
        doc = edit_to_json(edit)
        with self._switches.transaction() as db:
            self._switches.delete_in(db, list(remove))
            self._switches.put(db, list(add))
            db.execute(
                "INSERT OR REPLACE INTO edit (id, at, body) VALUES (?, ?, ?)",
                (edit.id, to_seconds(edit.at), doc),
            )
            ChangeLog.record(db, "edit", [edit.id], "upsert")

    def replaced_switch_ids(self, ids: Sequence[str]) -> set[str]:
        query = self._connections.query
        if not ids or not query("SELECT 1 FROM edit LIMIT 1"):
            return set()
        rows = query(
            "SELECT json_extract(j.value, '$._id') FROM edit, json_each(edit.body, "
            "CASE WHEN json_extract(edit.body, '$.undone_at') IS NULL THEN '$.before' "
            "ELSE '$.after' END) AS j"
        )
        wanted = set(ids)
        return {str(r[0]) for r in rows if r[0] in wanted}

    def last_undoable(self, host: str = "") -> EditRecord | None:
        rows = self._connections.query(
            "SELECT body FROM edit WHERE json_extract(body, '$.undone_at') IS NULL AND "
            "(? = '' OR coalesce(json_extract(body, '$.host'), '') IN ('', ?)) "
            "ORDER BY at DESC, id DESC LIMIT 1",
            (host, host),
        )
        return edit_from_json(rows[0][0]) if rows else None

    def edits(self, *, limit: int | None = None) -> list[EditRecord]:
        rows = self._connections.query(
            "SELECT body FROM edit ORDER BY at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [edit_from_json(row[0]) for row in rows]
