"""The document shape of each record, as stored in MongoDB and as sync ships it.

``switch`` keeps the field names of the original Deskmeter (``workspace`` = the workspace
name, ``date`` = interval start, ``delta`` = seconds) and adds ``workspace_index``, ``task``,
``task_id``, ``end`` and ``host``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskmeter.models import State, Switch, Task, TaskHistoryEntry, as_utc, state_key

Document = dict[str, Any]

#: The id of the state document of a store written before several hosts were a case (and of
#: a state without a host): each host's is ``state_key(host)``, ``current@HOST``.
LEGACY_STATE_ID = state_key("")


def _dt(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    return as_utc(value)


def switch_to_doc(switch: Switch) -> Document:
    return {
        "_id": switch.id,
        "date": switch.date,
        "delta": switch.delta,
        "end": switch.end,
        "workspace": switch.workspace,
        "workspace_index": switch.workspace_index,
        "task": switch.task,
        "task_id": switch.task_id,
        "host": switch.host,
        "away": switch.away,
    }


def switch_from_doc(doc: Document) -> Switch:
    return Switch(
        id=str(doc["_id"]),
        date=_dt(doc["date"]),
        delta=float(doc["delta"]),
        workspace_index=int(doc.get("workspace_index", -1)),
        workspace=str(doc.get("workspace", "")),
        task_id=doc.get("task_id"),
        task=doc.get("task"),
        host=str(doc.get("host", "")),
        away=bool(doc.get("away", False)),
    )


def task_to_doc(task: Task) -> Document:
    """``_id`` is ``task_key(host, id)``; ``task_id`` the id in the host's task file."""
    return {
        "_id": task.key,
        "task_id": task.id,
        "host": task.host,
        "path": task.path,
        "active": task.active,
        "updated": task.updated,
    }


def task_from_doc(doc: Document) -> Task:
    """A task document (one of the single-host code, keyed by the bare id, reads too)."""
    return Task(
        id=str(doc.get("task_id", doc["_id"])),
        path=str(doc["path"]),
        active=bool(doc.get("active", True)),
        updated=_dt(doc["updated"]),
        host=str(doc.get("host") or ""),
    )


def history_to_doc(entry: TaskHistoryEntry) -> Document:
    return {
        "_id": entry.id,
        "task_id": entry.task_id,
        "host": entry.host,
        "path": entry.path,
        "since": entry.since,
    }


def history_from_doc(doc: Document) -> TaskHistoryEntry:
    return TaskHistoryEntry(
        task_id=str(doc["task_id"]),
        path=str(doc["path"]),
        since=_dt(doc["since"]),
        host=str(doc.get("host") or ""),
    )


def state_to_doc(state: State) -> Document:
    """``_id`` is ``state_key(state.host)``: one document per host."""
    return {
        "_id": state.key,
        "workspace_index": state.workspace_index,
        "workspace": state.workspace,
        "since": state.since,
        "heartbeat": state.heartbeat,
        "interval_id": state.interval_id,
        "task_id": state.task_id,
        "task": state.task,
        "host": state.host,
        "away": state.away,
    }


def state_from_doc(doc: Document) -> State:
    return State(
        workspace_index=int(doc["workspace_index"]),
        workspace=str(doc["workspace"]),
        since=_dt(doc["since"]),
        heartbeat=_dt(doc["heartbeat"]),
        interval_id=str(doc["interval_id"]),
        task_id=doc.get("task_id"),
        task=doc.get("task"),
        host=str(doc.get("host", "")),
        away=bool(doc.get("away", False)),
    )
