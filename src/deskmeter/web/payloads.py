"""The JSON bodies of ``/api/v1`` as pydantic models: the API serializes through them and the
OpenAPI document's schemas are generated from them (web/openapi.py), so the two agree.

A switch is ``deskmeter.records.SwitchRecord``, the same record ``deskmeter export`` writes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from deskmeter.records import SwitchRecord, UtcDatetime


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class Error(BaseModel):
    """Every error answer; ``parameter`` only when one parameter is wrong."""

    model_config = ConfigDict(frozen=True)

    error: str
    status: int
    parameter: str = Field("", description="The parameter that is wrong.")


#: How exact the clock times of states and hosts are: ``day`` on a public page unless
#: ``[portfolio] show_times`` (each time is then the start of its local day).
Times = Literal["exact", "day"]


class Current(_Payload):
    task: str
    workspace: str
    since: UtcDatetime
    heartbeat: UtcDatetime = Field(
        description="The last heartbeat: in portfolio mode, the time of the last sync."
    )
    seconds: float = Field(ge=0)
    live: bool = Field(description="The tracker beat recently.")
    host: str = Field("", description="The workstation it runs on.")


class State(_Payload):
    mode: Literal["local", "portfolio"]
    timezone: str
    now: UtcDatetime
    current: Current | None = Field(
        description="The host asked for; without one, the host whose tracker beat last."
    )
    host: str | None = Field(None, description="The host asked for (null: all hosts).")
    times: Times = "exact"
    hosts: list[Current] = Field(
        default_factory=list,
        description="Each host's open interval (of the host asked for: only its own), "
        "latest heartbeat first.",
    )


class Host(_Payload):
    name: str
    last_switch: UtcDatetime | None = Field(description="The end of its latest switch.")
    last_sync: UtcDatetime | None = Field(
        description="When it last synced into this store (null: never; a local store)."
    )
    current: Current | None = Field(description="Its open interval, if any.")


class Hosts(_Payload):
    times: Times
    hosts: list[Host]


class SwitchPage(_Payload):
    start: UtcDatetime | None
    end: UtcDatetime | None
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)
    pages: int = Field(ge=0)
    items: list[SwitchRecord]


class Total(_Payload):
    period: date | None = Field(description="First day of the period (null: the whole range).")
    key: str
    seconds: float = Field(ge=0)


class Totals(_Payload):
    start: UtcDatetime
    end: UtcDatetime
    group: Literal["task", "workspace"]
    by: Literal["day", "week", "month", "all"]
    timezone: str
    totals: list[Total]
    seconds: float = Field(ge=0)


class Task(_Payload):
    id: str
    path: str
    active: bool


class Tasks(_Payload):
    tasks: list[Task]
    current: str | None


class SetTask(_Payload):
    path: str = Field(min_length=1, max_length=200)


class TaskSet(_Payload):
    id: str
    path: str


#: Every schema the document lists under ``components.schemas``, by name.
MODELS: dict[str, type[BaseModel]] = {
    "Error": Error,
    "Current": Current,
    "State": State,
    "Host": Host,
    "Hosts": Hosts,
    "Switch": SwitchRecord,
    "SwitchPage": SwitchPage,
    "Total": Total,
    "Totals": Totals,
    "Task": Task,
    "Tasks": Tasks,
    "SetTask": SetTask,
    "TaskSet": TaskSet,
}

#: Request bodies are validated input; everything else is what the API sends.
_INPUTS = frozenset({"SetTask"})


def component_schemas() -> dict[str, Any]:
    """``components.schemas`` for the OpenAPI document, generated from the models."""
    _, document = models_json_schema(
        [
            (model, "validation" if name in _INPUTS else "serialization")
            for name, model in MODELS.items()
        ],
        ref_template=_REF + "{model}",
    )
    schemas: dict[str, Any] = document.get("$defs", {})
    # Schemas are named after the classes; the switch record is served as "Switch".
    schemas["Switch"] = schemas.pop(SwitchRecord.__name__)
    renamed = _renamed(schemas, _REF + SwitchRecord.__name__, _REF + "Switch")
    assert isinstance(renamed, dict) and set(renamed) == set(MODELS)
    return renamed


_REF = "#/components/schemas/"


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {
            k: new if k == "$ref" and v == old else _renamed(v, old, new) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return value
