"""The edit log's record: what an edit replaced and what it put in its place.

An edit never rewrites a switch in place: it deletes the switches it touches (``before``, kept
whole in the record) and writes new ones (``after``). Undo is the same step backwards. The
record is an ordinary document of the synced ``edit`` collection; it lives in the store beside
the other records' codecs (store/documents.py), so the store needs nothing of ``deskmeter.edits``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from deskmeter.models import Switch, as_utc
from deskmeter.store.documents import Document, switch_from_doc, switch_to_doc

Operation = Literal["task", "away", "add"]
Who = Literal["cli", "web", "api", "panel", "test"]

OPERATIONS: tuple[str, ...] = ("task", "away", "add")

#: An edit replaces at most this many switches (refused before they are read) ...
MAX_EDIT_SWITCHES = 20_000
#: ... and its record (synced as one document: MongoDB's limit is 16 MiB) is at most this
#: many BSON bytes, with room for its undo's two fields.
MAX_EDIT_BYTES = 8 * 2**20


@dataclass(frozen=True, slots=True)
class EditRecord:
    """One correction of ``[start, end)``: ``op`` (with ``path`` for task/add), by ``who``."""

    id: str
    at: datetime
    who: str
    op: str
    start: datetime
    end: datetime
    path: str | None = None
    before: tuple[Switch, ...] = field(default_factory=tuple)
    after: tuple[Switch, ...] = field(default_factory=tuple)
    undone_at: datetime | None = None
    undone_by: str | None = None
    #: The workstation that made it (its sync owns the record and the switches it wrote).
    host: str = ""

    @property
    def undone(self) -> bool:
        return self.undone_at is not None

    def undo_by(self, who: str, when: datetime) -> EditRecord:
        return replace(self, undone_at=as_utc(when), undone_by=who)


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    raise TypeError(f"expected a datetime, got {type(value).__name__}")


def edit_to_doc(edit: EditRecord) -> Document:
    """The MongoDB document (and the shape sync ships)."""
    return {
        "_id": edit.id,
        "at": edit.at,
        "who": edit.who,
        "op": edit.op,
        "path": edit.path,
        "start": edit.start,
        "end": edit.end,
        "before": [switch_to_doc(s) for s in edit.before],
        "after": [switch_to_doc(s) for s in edit.after],
        "undone_at": edit.undone_at,
        "undone_by": edit.undone_by,
        "host": edit.host,
    }


def edit_from_doc(doc: Document) -> EditRecord:
    return EditRecord(
        id=str(doc["_id"]),
        at=_dt(doc["at"]),
        who=str(doc.get("who", "")),
        op=str(doc["op"]),
        path=doc.get("path"),
        start=_dt(doc["start"]),
        end=_dt(doc["end"]),
        before=tuple(switch_from_doc(d) for d in doc.get("before", [])),
        after=tuple(switch_from_doc(d) for d in doc.get("after", [])),
        undone_at=_dt(doc["undone_at"]) if doc.get("undone_at") is not None else None,
        undone_by=doc.get("undone_by"),
        host=str(doc.get("host") or ""),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$t": as_utc(value).timestamp()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unplain(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$t"}:
            return datetime.fromtimestamp(float(value["$t"]), UTC)
        return {k: _unplain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    return value


def edit_to_json(edit: EditRecord) -> str:
    """The record as JSON text (the SQLite backend's ``edit.body``)."""
    return json.dumps(_plain(edit_to_doc(edit)), separators=(",", ":"), sort_keys=True)


def edit_from_json(text: str) -> EditRecord:
    return edit_from_doc(_unplain(json.loads(text)))
