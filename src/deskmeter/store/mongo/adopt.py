"""A MongoDB database written by the single-host versions, brought to per-host documents.

Those versions kept one ``state`` document (``_id: "current"``), task documents keyed by the
bare task id, task history and edit documents without a ``host``. Only one machine wrote
them, so they all belong to one host: the one the legacy state names, else the host of the
latest switch, else ``fallback`` (the host running the migration: the first to sync or
track after upgrading).

``adopt_legacy`` rewrites them under their per-host ids. It is safe to run again and at the
same time from several hosts: a document is first written under its new id (kept if that is
already there and newer), and only then is its legacy document deleted, by its exact id and
only while it still has no host. Documents of a host are never touched.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import Any

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from deskmeter.store.documents import (
    LEGACY_STATE_ID,
    Document,
    history_from_doc,
    history_to_doc,
    state_from_doc,
    state_to_doc,
    task_from_doc,
    task_to_doc,
)

#: Matches a document that has no host (the field is missing, null or empty).
NO_HOST: dict[str, Any] = {"host": {"$in": [None, ""]}}


def legacy_owner(db: Database[Document], fallback: str) -> str:
    """The host the single-host documents belong to."""
    state = db.state.find_one({"_id": LEGACY_STATE_ID})
    if state and state.get("host"):
        return str(state["host"])
    latest = db.switch.find_one(
        {"host": {"$nin": [None, ""]}}, {"host": 1}, sort=[("date", DESCENDING)]
    )
    if latest and latest.get("host"):
        return str(latest["host"])
    return fallback


def has_legacy(db: Database[Document]) -> bool:
    """Whether anything is left to adopt (cheap: one indexed lookup per collection)."""
    if db.state.find_one({"_id": LEGACY_STATE_ID}, {"_id": 1}) is not None:
        return True
    return any(db[name].find_one(NO_HOST, {"_id": 1}) is not None for name in _ADOPTED)


def adopt_legacy(db: Database[Document], fallback: str) -> dict[str, int]:
    """Give the host-less task, task_history, state and edit documents to their host.

    Returns how many documents of each collection changed (empty: nothing to do).
    """
    if not has_legacy(db):
        return {}
    owner = legacy_owner(db, fallback)
    if not owner:
        return {}
    changed = {name: adopt(db, owner) for name, adopt in _ADOPTED.items()}
    return {name: count for name, count in changed.items() if count}


def _write_new(db: Database[Document], collection: str, doc: Document, newer: str) -> None:
    """Write ``doc`` under its new id unless one is there with ``newer`` at least as late."""
    found = db[collection].find_one({"_id": doc["_id"]}, {newer: 1})
    if found is not None and found.get(newer) is not None and found[newer] >= doc[newer]:
        return
    with suppress(DuplicateKeyError):  # another host adopted it at the same moment
        db[collection].replace_one({"_id": doc["_id"]}, doc, upsert=True)


def _drop_legacy(db: Database[Document], collection: str, legacy_id: Any) -> None:
    db[collection].delete_one({"_id": legacy_id, **NO_HOST})


def _adopt_tasks(db: Database[Document], owner: str) -> int:
    count = 0
    for legacy in list(db.task.find(NO_HOST)):
        doc = task_to_doc(replace(task_from_doc(legacy), host=owner))
        if doc["_id"] != legacy["_id"]:
            _write_new(db, "task", doc, "updated")
            _drop_legacy(db, "task", legacy["_id"])
        else:
            db.task.update_one({"_id": legacy["_id"]}, {"$set": {"host": owner}})
        count += 1
    return count


def _adopt_history(db: Database[Document], owner: str) -> int:
    count = 0
    for legacy in list(db.task_history.find(NO_HOST)):
        doc = history_to_doc(replace(history_from_doc(legacy), host=owner))
        _write_new(db, "task_history", doc, "since")
        if doc["_id"] != legacy["_id"]:
            _drop_legacy(db, "task_history", legacy["_id"])
        count += 1
    return count


def _adopt_state(db: Database[Document], owner: str) -> int:
    count = 0
    for legacy in list(db.state.find({"$or": [{"_id": LEGACY_STATE_ID}, NO_HOST]})):
        doc = state_to_doc(replace(state_from_doc(legacy), host=owner))
        _write_new(db, "state", doc, "heartbeat")
        if doc["_id"] != legacy["_id"]:
            db.state.delete_one({"_id": legacy["_id"]})
        count += 1
    return count


def _adopt_edits(db: Database[Document], owner: str) -> int:
    return int(db.edit.update_many(NO_HOST, {"$set": {"host": owner}}).modified_count)


_ADOPTED = {
    "task": _adopt_tasks,
    "task_history": _adopt_history,
    "state": _adopt_state,
    "edit": _adopt_edits,
}
