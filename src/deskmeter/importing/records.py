"""One imported record → one ``Switch``.

Two shapes are accepted: ``deskmeter export --format json`` records (``id``, ISO ``date``,
``delta``, ``workspace_index``, ``workspace``, ``task_id``, ``task``, ``host``) and the original
Deskmeter's documents (``_id`` ObjectId, ``workspace`` = the name, ``date``, ``delta`` int).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId

from deskmeter.models import Switch, as_utc


class RecordError(ValueError):
    """This record cannot become a switch; the message says why."""


def _date(value: Any) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str):
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise RecordError(f"date {value!r} is not an ISO date") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return as_utc(datetime.fromtimestamp(value / 1000 if value > 1e11 else value))
    raise RecordError(f"date {value!r} is not a date")


def _id(record: Mapping[str, Any], date: datetime, workspace: str, delta: float) -> str:
    value = record.get("_id", record.get("id"))
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, Mapping) and "$oid" in value:
        return str(value["$oid"])
    if value not in (None, ""):
        return str(value)
    # No id at all: derive a stable one, so a second import finds the same record.
    key = f"{date.isoformat()}|{workspace}|{delta}".encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:24]


def record_to_switch(record: Mapping[str, Any], labels: Sequence[str] = ()) -> Switch:
    """The switch of ``record``; ``labels`` give the workspace index of a name (else -1)."""
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
    return Switch(
        id=_id(record, date, workspace, delta),
        date=date,
        delta=delta,
        workspace_index=index,
        workspace=workspace,
        task_id=_text(record.get("task_id")),
        task=_text(record.get("task")),
        host=str(record.get("host") or ""),
        away=str(record.get("away", "")).strip().lower() in ("true", "1"),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
