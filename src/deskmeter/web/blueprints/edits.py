"""Corrections of history over the web (local mode only; never registered in portfolio mode).

* ``GET /api/v1/edits`` (the edit log), ``POST /api/v1/edits`` JSON ``{"op": "task"|"away"|
  "add", "start": T, "end": T, "path": ...}``, ``POST /api/v1/edits/undo``, and
  ``GET /api/v1/away`` / ``POST /api/v1/away`` ``{"path": ...}`` (the pending away stretch):
  all with ``Authorization: Bearer TOKEN``. T: ``HH:MM`` (today), ``YYYY-MM-DD HH:MM`` or ISO
  with an offset.
* The day page's forms (signed in, CSRF): ``POST /edits``, ``POST /edits/undo``,
  ``POST /away`` (keep the pending away stretch as away, or give it to a task).

The same operation as ``deskmeter edit`` (``deskmeter.edits.operations``); the log says ``web``
or ``api``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit, undo_last
from deskmeter.edits.pending import pending_away, resolve_away
from deskmeter.edits.times import parse_time
from deskmeter.edits.wording import in_words
from deskmeter.store.edit_record import EditRecord, edit_to_doc
from deskmeter.web.auth import auth_required
from deskmeter.web.context import web_context
from deskmeter.web.errors import WebError
from deskmeter.web.security import safe_next, signed_in

blueprint = Blueprint("edits", __name__)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {("id" if k == "_id" else k): _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def edit_item(edit: EditRecord) -> dict[str, Any]:
    item: dict[str, Any] = _json(edit_to_doc(edit))
    item["undone"] = edit.undone
    return item


def _edit(values: dict[str, Any], who: str) -> EditRecord:
    context = web_context()
    now = context.now()
    today = now.astimezone(context.tz).date()
    op = values.get("op")
    if not isinstance(op, str):
        raise EditError("op is required: task, away or add")
    times = []
    for name in ("start", "end"):
        value = values.get(name)
        if not isinstance(value, str) or not value.strip():
            raise EditError(f"{name} is required (HH:MM, 'YYYY-MM-DD HH:MM' or ISO)")
        times.append(parse_time(value, context.tz, today, name=name))
    path = values.get("path") or None
    if path is not None and not isinstance(path, str):
        raise EditError("path must be a string")
    return make_edit(
        context.store,
        op,
        times[0],
        times[1],
        path,
        who=who,
        now=now,
        host=context.settings.host,
        task_file=context.settings.task_file,
        tz=context.tz,
    )


@blueprint.get("/api/v1/edits")
@auth_required()
def api_edits() -> tuple[Response, int]:
    limit = request.args.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise WebError(400, "limit must be a number from 1 to 1000", "limit")
    edits = web_context().store.edits(limit=int(limit))
    return jsonify({"items": [edit_item(e) for e in edits]}), 200


@blueprint.post("/api/v1/edits")
@auth_required()
def api_make_edit() -> tuple[Response, int]:
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise WebError(415 if not request.is_json else 400, "send a JSON object")
    try:
        edit = _edit(body, "api")
    except EditError as exc:
        raise WebError.of_edit(exc) from None
    return jsonify(edit_item(edit)), 201


@blueprint.post("/api/v1/edits/undo")
@auth_required()
def api_undo() -> tuple[Response, int]:
    context = web_context()
    try:
        edit = undo_last(context.store, who="api", now=context.now(), host=context.settings.host)
    except EditError as exc:
        raise WebError(409, str(exc)) from None
    return jsonify(edit_item(edit)), 200


@blueprint.get("/api/v1/away")
@auth_required()
def api_pending_away() -> tuple[Response, int]:
    pending = pending_away(web_context().store)
    if pending is None:
        return jsonify({"pending": None}), 200
    return jsonify(
        {
            "pending": {
                "start": pending.start.isoformat(),
                "end": pending.end.isoformat(),
                "seconds": pending.seconds,
            }
        }
    ), 200


@blueprint.post("/api/v1/away")
@auth_required()
def api_resolve_away() -> tuple[Response, int]:
    body = request.get_json(silent=True) if request.is_json else None
    path = body.get("path") if isinstance(body, dict) else None
    context = web_context()
    try:
        edit = resolve_away(
            context.store,
            path or None,
            who="api",
            now=context.now(),
            host=context.settings.host,
            task_file=context.settings.task_file,
        )
    except EditError as exc:
        raise WebError.of_edit(exc) from None
    return jsonify({"kept_as_away": edit is None, "edit": edit_item(edit) if edit else None}), 200


@blueprint.post("/edits")
@auth_required()
def form_edit() -> BaseResponse:
    try:
        edit = _edit(
            {k: request.form.get(k, "").strip() for k in ("op", "start", "end", "path")}, "web"
        )
    except EditError as exc:
        flash(f"Nothing changed: {exc}", "error")
    else:
        flash(f"Corrected: {in_words(edit, web_context().tz)}. Undo it below if that was wrong.")
    return redirect(safe_next(request.form.get("next")))


@blueprint.post("/edits/undo")
@auth_required()
def form_undo() -> BaseResponse:
    context = web_context()
    try:
        edit = undo_last(context.store, who="web", now=context.now(), host=context.settings.host)
    except EditError as exc:
        flash(f"Nothing undone: {exc}", "error")
    else:
        flash(f"Undone: {in_words(edit, context.tz)}.")
    return redirect(safe_next(request.form.get("next")))


@blueprint.post("/away")
@auth_required()
def form_resolve_away() -> BaseResponse:
    context = web_context()
    path = request.form.get("path", "").strip() or None
    try:
        edit = resolve_away(
            context.store,
            path,
            who="web",
            now=context.now(),
            host=context.settings.host,
            task_file=context.settings.task_file,
        )
    except EditError as exc:
        flash(f"Nothing changed: {exc}", "error")
    else:
        flash(f"The away stretch went to {path}." if edit else "Kept as away.")
    return redirect(safe_next(request.form.get("next")))


@blueprint.app_context_processor
def edit_helpers() -> dict[str, Any]:
    """For the day page's banner and forms (local mode only: this blueprint)."""

    def away_banner() -> dict[str, Any] | None:
        if not (web_context().can_write and signed_in()):
            return None
        pending = pending_away(web_context().store)
        if pending is None:
            return None
        return {"start": pending.start, "end": pending.end, "seconds": pending.seconds}

    def last_edit() -> str | None:
        """The edit ``Undo`` would take back, in words (None: nothing to undo)."""
        context = web_context()
        for edit in context.store.edits(limit=20):
            if edit.undone or (edit.host and edit.host != context.settings.host):
                continue
            return in_words(edit, context.tz)
        return None

    return {"away_banner": away_banner, "can_edit": True, "last_edit": last_edit}
