"""One imported record → one ``Switch``.

Two shapes are accepted: ``deskmeter export --format json`` records (``id``, ISO ``date``,
``delta``, ``workspace_index``, ``workspace``, ``task_id``, ``task``, ``host``, ``away``) and
the original Deskmeter's documents (``_id`` ObjectId, ``workspace`` = the name, ``date``,
``delta`` int).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pydantic import ValidationError

from deskmeter import limits
from deskmeter.models import Switch, as_utc
from deskmeter.records import SwitchRecord


class RecordError(ValueError):
    """This record cannot become a switch; the message says why."""


class BadRecord(dict[str, Any]):
    """A row a reader could not turn into a record: skipped and reported with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _date(value: Any) -> datetime:
    if type(value) is str:  # an export's ISO date (the common case first)
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise RecordError(f"date {value!r} is not an ISO date") from None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str):
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise RecordError(f"date {value!r} is not an ISO date") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A Unix time is UTC by definition (never the importing machine's zone); values
        # above 1e11 are milliseconds, as JavaScript and mongoexport write them.
        seconds = limits.check_epoch(value / 1000 if value > 1e11 else float(value))
        return datetime.fromtimestamp(seconds, UTC)
    raise RecordError(f"date {value!r} is not a date")


def _id(record: Mapping[str, Any], date: datetime, workspace: str, delta: float) -> str:
    value = record["_id"] if "_id" in record else record.get("id")
    if type(value) is str and value:  # an export's id (the common case first)
        return value
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, Mapping) and "$oid" in value:
        return str(value["$oid"])
    if value not in (None, ""):
        return str(value)
    # No id at all: derive a stable one, so a second import finds the same record.
    key = f"{date.isoformat()}|{workspace}|{delta}".encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:24]


def _plain(switch_id: Any, host: Any, task: Any, task_id: Any) -> bool:
    """Whether ``SwitchRecord`` would take these fields as they are: every text already text
    (or None where it may be), so building the model would change nothing and the switch's
    own check (``limits.validate_switch``) is the whole check."""
    return (
        type(switch_id) is str
        and type(host) is str
        and (task is None or type(task) is str)
        and (task_id is None or type(task_id) is str)
    )


def record_to_switch(
    record: Mapping[str, Any], labels: Sequence[str] = (), *, host: str | None = None
) -> Switch:
    """The switch of ``record``; ``labels`` give the workspace index of a name (else -1).

    ``host`` (``deskmeter import --host``) replaces the record's own host, which the original
    Deskmeter never wrote and another machine's export carries as that machine's.

    The record follows ``SwitchRecord``, the definition export and the API use: a record
    whose fields need coercing (a number as a task) goes through the model; one that needs
    none (nearly all) is only checked by ``Switch`` itself, once.
    """
    if isinstance(record, BadRecord):
        raise RecordError(record.reason)
    if "date" not in record or "delta" not in record:
        raise RecordError("no 'date' or no 'delta'")
    date = _date(record["date"])
    try:
        delta = float(record["delta"])
    except (TypeError, ValueError):
        raise RecordError(f"delta {record['delta']!r} is not a number") from None
    if delta < 0:
        raise RecordError(f"negative delta {delta}")
    workspace = str(record.get("workspace") or "")
    index = record.get("workspace_index")
    if not isinstance(index, int) or isinstance(index, bool):
        index = labels.index(workspace) if workspace in labels else -1
    switch_id = _id(record, date, workspace, delta)
    task_id, task = record.get("task_id"), record.get("task")
    stamped = (record.get("host") or "") if host is None else host
    # JSON true, CSV "True", 1: an away stretch; anything else (or no field) is not.
    flag = record.get("away", "")
    away = flag is True or (flag is not False and str(flag).strip().lower() in ("true", "1"))
    if _plain(switch_id, stamped, task, task_id):  # the usual record: nothing to coerce,
        try:  # the Switch checks it (once)
            return Switch(switch_id, date, delta, index, workspace, task_id, task, stamped, away)
        except limits.LimitError as exc:
            raise RecordError(str(exc)) from None
    fields: dict[str, Any] = {
        "id": switch_id,
        "date": date,
        "delta": delta,
        "workspace_index": index,
        "workspace": workspace,
        "task_id": task_id,
        "task": task,
        "host": stamped,
        "away": away,
    }
    try:
        return SwitchRecord.model_validate(fields).to_switch()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        raise RecordError(f"{where}: {first['msg']}") from None
    except limits.LimitError as exc:  # the model's types, but outside the limits
        raise RecordError(str(exc)) from None
