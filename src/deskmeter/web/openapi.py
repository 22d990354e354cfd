"""The OpenAPI 3.1 document of ``/api/v1`` (served at ``/api/v1/openapi.json``).

The paths are described here; every schema is generated from the pydantic models the API
serializes through (web/payloads.py, and ``SwitchRecord`` for a switch). Portfolio mode
leaves out the writing operation, since it is not registered there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from deskmeter import __version__
from deskmeter.formats import EXPORTS, default_export
from deskmeter.web.edits_openapi import EDIT_SCHEMAS, edit_paths
from deskmeter.web.params import MAX_PAGE
from deskmeter.web.payloads import component_schemas

DAY_OR_INSTANT = (
    "A date `YYYY-MM-DD` (a whole day in the configured time zone; as `end` that day is "
    "included) or an ISO 8601 date-time with its UTC offset (as `end` it is excluded)."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


BAD_REQUEST = _json(_ref("Error"), "A parameter is wrong: `parameter` names it")
HOST = _query(
    "host",
    {"type": "string", "maxLength": 200},
    "One workstation's own time (a name from `/api/v1/hosts`). Empty or absent: every host "
    "together, each moment counted once (where hosts overlap, the host whose switch started "
    "last gets the moment). An unknown name is a 400 that lists the hosts.",
)
RANGE = [
    _query("start", {"type": "string"}, "First moment. " + DAY_OR_INSTANT),
    _query("end", {"type": "string"}, "Last moment. " + DAY_OR_INSTANT),
]


def _read_paths() -> dict[str, Any]:
    return {
        "/api/v1/state": {
            "get": {
                "operationId": "getState",
                "summary": "What runs now (portfolio: as of the last sync)",
                "description": "`current` is the host asked for, or the host whose tracker "
                "beat last; `hosts` has each host's open interval. On a portfolio without "
                "`[portfolio] show_times`, times are cut to the start of their day "
                "(`times: day`).",
                "parameters": [HOST],
                "responses": {
                    "200": _json(_ref("State"), "The current state"),
                    "400": BAD_REQUEST,
                },
            }
        },
        "/api/v1/hosts": {
            "get": {
                "operationId": "listHosts",
                "summary": "The workstations: last switch, last sync, what runs now",
                "description": "On a portfolio without `[portfolio] show_times`, times are cut "
                "to the start of their day (`times: day`).",
                "parameters": [HOST],
                "responses": {
                    "200": _json(_ref("Hosts"), "The hosts, by name"),
                    "400": BAD_REQUEST,
                },
            }
        },
        "/api/v1/switches": {
            "get": {
                "operationId": "listSwitches",
                "summary": "Switches that start in the range, a page at a time",
                "parameters": [
                    *RANGE,
                    HOST,
                    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page"),
                    _query(
                        "per_page",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                        "Switches per page",
                    ),
                    _query("order", {"enum": ["asc", "desc"]}, "Oldest or newest first"),
                ],
                "responses": {
                    "200": _json(_ref("SwitchPage"), "One page of switches"),
                    "400": BAD_REQUEST,
                },
            }
        },
        "/api/v1/totals": {
            "get": {
                "operationId": "getTotals",
                "summary": "Seconds per task or workspace per day, week or month",
                "description": "Cut in the configured time zone; intervals that cross midnight "
                "or a daylight-saving change are split. Defaults: this month so far, by day.",
                "parameters": [
                    *RANGE,
                    HOST,
                    _query("group", {"enum": ["task", "workspace"]}, "What to sum by"),
                    _query("by", {"enum": ["day", "week", "month", "all"]}, "Period"),
                ],
                "responses": {"200": _json(_ref("Totals"), "The totals"), "400": BAD_REQUEST},
            }
        },
        "/api/v1/tasks": {
            "get": {
                "operationId": "listTasks",
                "summary": "The tasks of the task file",
                "description": "`current` is the host's current task (all hosts: the one "
                "whose tracker beat last).",
                "parameters": [HOST],
                "responses": {"200": _json(_ref("Tasks"), "The tasks"), "400": BAD_REQUEST},
            }
        },
        "/api/v1/export": {
            "get": {
                "operationId": "exportSwitches",
                "summary": "The switches of a range as a CSV or JSON download",
                "parameters": [
                    *RANGE,
                    HOST,
                    _query(
                        "format",
                        {"enum": list(EXPORTS.names()), "default": default_export()},
                        f"File format (default {default_export()}): "
                        + "; ".join(f"{f.name}: {f.summary}" for f in EXPORTS.values()),
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The switches",
                        "content": export_media_types(),
                    },
                    "400": BAD_REQUEST,
                },
            }
        },
    }


def export_media_types() -> dict[str, Any]:
    """Each export format's media type and body (formats sharing a type: one entry)."""
    schemas: dict[str, list[dict[str, Any]]] = {}
    for fmt in EXPORTS.values():
        found = schemas.setdefault(fmt.media_type, [])
        schema = dict(fmt.schema or {"type": "string"})
        if schema not in found:
            found.append(schema)
    return {
        media: {"schema": found[0] if len(found) == 1 else {"anyOf": found}}
        for media, found in schemas.items()
    }


def _write_paths() -> dict[str, Any]:
    return {
        "/api/v1/task": {
            "post": {
                "operationId": "setTask",
                "summary": "Make a task current (local mode; needs the configured token)",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("SetTask")}},
                },
                "responses": {
                    "200": _json(_ref("TaskSet"), "The task is now current"),
                    "400": BAD_REQUEST,
                    "401": _json(_ref("Error"), "No or a wrong bearer token"),
                    "403": _json(_ref("Error"), "No token is configured: nothing can write"),
                    "415": _json(_ref("Error"), "The body is not JSON"),
                },
            }
        }
    }


@cache
def schemas() -> dict[str, Any]:
    return component_schemas()


#: The paths that list switches one by one (off on a portfolio unless turned on).
SWITCH_LIST_PATHS = ("/api/v1/switches", "/api/v1/export")


def openapi_document(
    *, writable: bool, switch_list: bool = True, workspaces: bool = True
) -> dict[str, Any]:
    """The document; a portfolio that hides workspace names offers no ``group=workspace``."""
    paths = _read_paths()
    if not workspaces:
        for parameter in paths["/api/v1/totals"]["get"]["parameters"]:
            if parameter["name"] == "group":
                parameter["schema"] = {"enum": ["task"]}
    if not switch_list:
        for path in SWITCH_LIST_PATHS:
            paths.pop(path, None)
    components: dict[str, Any] = {"schemas": schemas()}
    if writable:
        paths.update(_write_paths())
        paths.update(edit_paths())
        components["schemas"] = {**schemas(), **EDIT_SCHEMAS}
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Deskmeter API",
            "version": __version__,
            "description": "Time per workspace and task. Every error is JSON with the "
            "parameter it concerns.",
        },
        "paths": {
            **paths,
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This document",
                    "responses": {
                        "200": _json({"type": "object"}, "The OpenAPI document"),
                    },
                }
            },
        },
        "components": components,
    }
