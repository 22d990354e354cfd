"""What flows from a source to the sink, and the errors that steer the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NewType, TypeAlias

from deskmeter.config import ConfigError
from deskmeter.store.documents import Document

#: A MongoDB change-stream resume token: an opaque document such as ``{"_data": "8265..."}``.
ResumeToken = NewType("ResumeToken", dict[str, Any])
#: A source's resume position: the SQLite change log's sequence number or a MongoDB resume
#: token. Both are JSON-able through ``bson.json_util`` (the checkpoint stores them so).
Position: TypeAlias = int | ResumeToken
#: A document's ``_id``: any BSON value (the tracker's are 24 hex digits, imports keep theirs).
DocId: TypeAlias = Any


@dataclass(frozen=True, slots=True)
class DocChange:
    """Document ``doc_id`` of ``collection`` is now ``document`` (None: it was deleted)."""

    collection: str
    doc_id: DocId
    document: Document | None


@dataclass(frozen=True, slots=True)
class Batch:
    """Changes up to and including ``position``; ``position_time`` is when the last was made."""

    changes: list[DocChange]
    position: Position
    position_time: datetime | None = None
    #: Source entries read (events or log rows) before de-duplication.
    read: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


def latest_per_document(changes: list[DocChange]) -> list[DocChange]:
    """Keep only the last change of each document, in order of those last changes.

    The sink applies a batch with ``ordered=False``: two changes to one document in one
    batch could land in either order, so only the newest may be sent.
    """
    last: dict[tuple[str, DocId], DocChange] = {}
    for change in changes:
        key = (change.collection, change.doc_id)
        last.pop(key, None)
        last[key] = change
    return list(last.values())


class SyncConfigError(ConfigError):
    """Sync cannot work as configured (no remote, bad URI, credentials refused): stop now."""


class PositionLostError(RuntimeError):
    """The source cannot resume from the saved position: a full resync is needed."""


class RemoteUnavailableError(RuntimeError):
    """The remote did not answer or refused this batch for now: back off and retry."""


class LocalUnavailableError(RuntimeError):
    """The local store did not answer (restarting, locked): back off and reconnect."""
