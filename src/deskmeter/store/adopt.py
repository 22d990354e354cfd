"""Data written by the single-host versions, brought to per-host records: one way, both backends.

Those versions kept one ``state`` document (``_id: "current"``), task documents keyed by the
bare task id, task history and edit documents without a ``host``. Only one machine wrote
them, so they all belong to one host: ``adopt`` gives them to it, rewriting each under its
per-host id (``current@HOST``, ``HOST:ID``, ``HOST:ID@SINCE``; an edit keeps its id).

It works over ``HostlessDocuments``, the records in their document shape
(store/documents.py), which both backends offer: ``SQLiteDocuments`` (store/sqlite/
documents.py, inside a write transaction, recorded in the change log) and ``MongoDocuments``
(store/mongo/documents.py, a database several hosts may share).

It is safe to run again and at the same time from several hosts: a document is first written
under its new id (kept if that is already there and newer), and only then is its legacy
document deleted, by its exact id and only while it still has no host. Documents of a host
are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from deskmeter.models import as_utc
from deskmeter.store.documents import (
    Document,
    history_from_doc,
    history_to_doc,
    state_from_doc,
    state_to_doc,
    task_from_doc,
    task_to_doc,
)

#: How many records of each collection changed hands (collections with none left out).
Adopted = dict[str, int]


class HostlessDocuments(Protocol):
    """What adopting needs of a store: its host-less records as documents, and writes."""

    def hostless(self, collection: str) -> Iterable[Document]:
        """The documents of ``collection`` without a host (``state``: also the legacy id)."""
        ...

    def find(self, collection: str, doc_id: Any) -> Document | None: ...

    def write(self, collection: str, doc: Document) -> None:
        """Insert or replace ``doc`` by its ``_id``."""
        ...

    def drop_hostless(self, collection: str, doc_id: Any) -> None:
        """Delete document ``doc_id`` only while it is still host-less (or the legacy state)."""
        ...

    def named_host(self) -> str:
        """The host the single-host data names itself ('' when none): its state's, else
        the latest switch's."""
        ...


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one collection's record is read, rewritten and compared."""

    #: The field that says which of two versions of a record is newer.
    newer: str
    #: The record's codec when its id names its host (rekeyed); None: the id stays and the
    #: document gets its ``host`` as it is (whatever else it holds is kept).
    decode: Callable[[Document], Any] | None = None
    encode: Callable[[Any], Document] | None = None


#: The adopted collections, in the order they are adopted.
KINDS: dict[str, _Kind] = {
    "task": _Kind("updated", task_from_doc, task_to_doc),
    "task_history": _Kind("since", history_from_doc, history_to_doc),
    "state": _Kind("heartbeat", state_from_doc, state_to_doc),
    "edit": _Kind("at"),
}


def has_legacy(docs: HostlessDocuments) -> bool:
    """Whether anything is left to adopt."""
    return any(next(iter(docs.hostless(name)), None) is not None for name in KINDS)


def legacy_owner(docs: HostlessDocuments, fallback: str) -> str:
    """The host the single-host documents belong to: the one they name, else ``fallback``
    (the host running the migration: the first to sync or track after upgrading)."""
    return docs.named_host() or fallback


def adopt(docs: HostlessDocuments, owner: str) -> Adopted:
    """Give every host-less task, task history entry, state and edit to ``owner``.

    Returns how many documents of each collection changed (empty: nothing to do).
    """
    if not owner:
        return {}
    changed = {name: _adopt_all(docs, name, kind, owner) for name, kind in KINDS.items()}
    return {name: count for name, count in changed.items() if count}


def adopt_legacy(docs: HostlessDocuments, fallback: str) -> Adopted:
    """``adopt`` to the host the single-host data names (else ``fallback``), when any is left."""
    if not has_legacy(docs):
        return {}
    return adopt(docs, legacy_owner(docs, fallback))


def _when(value: Any) -> datetime | None:
    return as_utc(value) if isinstance(value, datetime) else None


def _adopt_all(docs: HostlessDocuments, collection: str, kind: _Kind, owner: str) -> int:
    count = 0
    for legacy in list(docs.hostless(collection)):
        if kind.decode is None or kind.encode is None:
            doc = {**legacy, "host": owner}
        else:
            doc = kind.encode(replace(kind.decode(legacy), host=owner))
        if doc["_id"] == legacy["_id"]:
            docs.write(collection, doc)  # keyed without the host (an edit): set it in place
        else:
            found = docs.find(collection, doc["_id"])
            theirs = None if found is None else _when(found.get(kind.newer))
            if theirs is None or theirs < as_utc(doc[kind.newer]):
                docs.write(collection, doc)  # else: the host wrote a newer one since
            docs.drop_hostless(collection, legacy["_id"])
        count += 1
    return count
