"""The OpenAPI description of the edit endpoints (``web/blueprints/edits.py``; local mode)."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = _ref("Error")
_AUTH = {
    "401": _json(_ERROR, "No or a wrong bearer token"),
    "403": _json(_ERROR, "No token is configured: nothing can write"),
}
_TIME = {
    "type": "string",
    "description": "HH:MM (today, local), 'YYYY-MM-DD HH:MM' (local) or ISO with an offset",
}

EDIT_SCHEMAS: dict[str, Any] = {
    "EditRequest": {
        "type": "object",
        "required": ["op", "start", "end"],
        "properties": {
            "op": {"enum": ["task", "away", "add"]},
            "start": _TIME,
            "end": _TIME,
            "path": {"type": ["string", "null"], "description": "The task (task and add)"},
        },
    },
    "Edit": {
        "type": "object",
        "required": ["id", "at", "who", "op", "start", "end", "before", "after", "undone"],
        "properties": {
            "id": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "who": {"type": "string", "description": "cli, web, api or panel"},
            "op": {"enum": ["task", "away", "add"]},
            "path": {"type": ["string", "null"]},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "before": {"type": "array", "items": {"type": "object"}},
            "after": {"type": "array", "items": {"type": "object"}},
            "undone": {"type": "boolean"},
            "undone_at": {"type": ["string", "null"]},
            "undone_by": {"type": ["string", "null"]},
        },
    },
    "EditList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Edit")}},
    },
    "PendingAway": {
        "type": "object",
        "required": ["pending"],
        "properties": {"pending": {"type": ["object", "null"]}},
    },
    "AwayResolved": {
        "type": "object",
        "required": ["kept_as_away", "edit"],
        "properties": {
            "kept_as_away": {"type": "boolean"},
            "edit": {"oneOf": [{"type": "null"}, _ref("Edit")]},
        },
    },
}


def edit_paths() -> dict[str, Any]:
    security: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "/api/v1/edits": {
            "get": {
                "operationId": "listEdits",
                "summary": "The edit log, newest first",
                "security": security,
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "1-1000 (default 50)",
                    }
                ],
                "responses": {
                    "200": _json(_ref("EditList"), "The edits"),
                    "400": _json(_ERROR, "A bad limit"),
                    **_AUTH,
                },
            },
            "post": {
                "operationId": "makeEdit",
                "summary": "Correct history: a stretch was a task, away, or added work",
                "security": security,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("EditRequest")}},
                },
                "responses": {
                    "201": _json(_ref("Edit"), "The edit, with what it replaced"),
                    "400": _json(_ERROR, "The edit cannot be made as asked"),
                    "415": _json(_ERROR, "The body is not JSON"),
                    **_AUTH,
                },
            },
        },
        "/api/v1/edits/undo": {
            "post": {
                "operationId": "undoEdit",
                "summary": "Take the last edit back",
                "security": security,
                "responses": {
                    "200": _json(_ref("Edit"), "The edit, now undone"),
                    "409": _json(_ERROR, "No edit to undo"),
                    **_AUTH,
                },
            }
        },
        "/api/v1/away": {
            "get": {
                "operationId": "pendingAway",
                "summary": "The away stretch waiting for a decision",
                "security": security,
                "responses": {"200": _json(_ref("PendingAway"), "It, or null"), **_AUTH},
            },
            "post": {
                "operationId": "resolveAway",
                "summary": "Keep the pending away stretch as away, or give it to a task",
                "security": security,
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"path": {"type": ["string", "null"]}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("AwayResolved"), "Decided"),
                    "400": _json(_ERROR, "A bad task path"),
                    "409": _json(_ERROR, "No away stretch is waiting"),
                    **_AUTH,
                },
            },
        },
    }
