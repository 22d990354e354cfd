"""The switch record: the one definition of a switch outside the store.

``deskmeter export`` (JSON and CSV), ``deskmeter import``, the JSON API (``/api/v1/switches``,
``/api/v1/export``) and the OpenAPI document all use ``SwitchRecord``: the API schema is
generated from it (``switch_record_schema``), so the document cannot drift from what is
served. Dates are ISO 8601 with their UTC offset (``2026-05-01T09:00:00+00:00``); ``end`` is
derived (``date`` + ``delta``) and ignored on input.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated, Any, TextIO

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    WithJsonSchema,
    computed_field,
)

from deskmeter.csvsafe import csv_row
from deskmeter.models import Switch, as_utc

#: A UTC instant: naive input is taken as UTC; written as ISO 8601 with ``+00:00``.
UtcDatetime = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class SwitchRecord(BaseModel):
    """One finished interval: ``workspace``, ``date`` and ``delta`` as the original Deskmeter."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        coerce_numbers_to_str=True,
        json_schema_serialization_defaults_required=True,
    )

    id: str = Field(min_length=1, description="Stable id (an ObjectId's 24 hex digits).")
    date: UtcDatetime = Field(description="Start of the interval.")
    delta: float = Field(ge=0, allow_inf_nan=False, description="Length in seconds.")
    workspace_index: int = Field(-1, description="Workspace number from 0 (-1: unknown).")
    workspace: str = Field("", description="Workspace name.")
    task_id: str | None = Field(None, description="The task's stable id.")
    task: str | None = Field(None, description="The task's path at the time.")
    host: str = Field("", description="The machine that recorded it.")
    away: bool = Field(
        False, description="An away stretch (no input, locked, asleep): never counted."
    )

    @computed_field(description="End of the interval (date + delta).")  # type: ignore[prop-decorator]
    @property
    def end(self) -> UtcDatetime:
        return self.date + timedelta(seconds=self.delta)

    @classmethod
    def of(cls, switch: Switch) -> SwitchRecord:
        return cls.model_construct(
            id=switch.id,
            date=switch.date,
            delta=switch.delta,
            workspace_index=switch.workspace_index,
            workspace=switch.workspace,
            task_id=switch.task_id,
            task=switch.task,
            host=switch.host,
            away=switch.away,
        )

    def to_switch(self) -> Switch:
        return Switch(
            id=self.id,
            date=self.date,
            delta=self.delta,
            workspace_index=self.workspace_index,
            workspace=self.workspace,
            task_id=self.task_id,
            task=self.task,
            host=self.host,
            away=self.away,
        )


#: The columns of a CSV export, in order.
FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "end",
    "delta",
    "workspace_index",
    "workspace",
    "task_id",
    "task",
    "host",
    "away",
)

_RECORDS = TypeAdapter(list[SwitchRecord])


def switch_record(switch: Switch) -> dict[str, Any]:
    """``switch`` as its JSON record (a dict of JSON values)."""
    return SwitchRecord.of(switch).model_dump(mode="json")


def switch_json(switch: Switch) -> dict[str, Any]:
    """What ``switch_record`` gives, without a model per switch (a page holds hundreds): the
    same keys in the same order (``tests/web/test_read_fast_paths.py`` compares them)."""
    start = switch.date
    return {
        "id": switch.id,
        "date": start.isoformat(),
        "delta": switch.delta,
        "workspace_index": switch.workspace_index,
        "workspace": switch.workspace,
        "task_id": switch.task_id,
        "task": switch.task,
        "host": switch.host,
        "away": switch.away,
        "end": (start + timedelta(seconds=switch.delta)).isoformat(),
    }


def switch_record_schema() -> dict[str, Any]:
    """The JSON Schema of one record as served (``end`` included, read-only)."""
    return TypeAdapter(SwitchRecord).json_schema(mode="serialization")


def write_json(switches: Iterable[Switch], out: TextIO) -> None:
    records = [SwitchRecord.of(s) for s in switches]
    json.dump(_RECORDS.dump_python(records, mode="json"), out, indent=1)
    out.write("\n")


def write_csv(switches: Iterable[Switch], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for switch in switches:
        writer.writerow(csv_row(switch_record(switch)))
