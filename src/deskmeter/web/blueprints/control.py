"""Writing (local mode only; never registered in portfolio mode): switch the current task.

* ``POST /api/v1/task`` JSON ``{"path": ...}`` with ``Authorization: Bearer TOKEN``;
* the pages' form: ``GET/POST /login`` (the token, once, into a signed session),
  ``POST /task`` and ``POST /logout``, each with the session's CSRF token.

With no token configured every one of them answers 403: nothing can write
(``web/auth.py``'s ``auth_required``).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import TaskFileError, validate_path
from deskmeter.web.auth import FORM_EXPIRED, auth_required, require_writing_enabled
from deskmeter.web.context import web_context
from deskmeter.web.errors import WebError
from deskmeter.web.security import (
    LoginLimiter,
    csrf_ok,
    end_all_sessions,
    safe_next,
    signed_in,
    start_session,
    token_matches,
)

#: The session key of a task chosen from the header that the tracker has not taken yet.
PENDING_KEY = "pending_task"
#: After this many seconds a chosen task the tracker never took is forgotten.
PENDING_SECONDS = 60.0

#: ``app.extensions`` key of the sign-in rate limiter (one per process).
LIMITER = "deskmeter.login_limiter"

blueprint = Blueprint("control", __name__)


def _set_task(path: str) -> tuple[str, str]:
    """Mark ``path`` current in the task file; return (id, path). Raises ValueError."""
    validate_path(path)
    context = web_context()
    registry = TaskRegistry(context.store, context.settings.task_file)
    try:
        line = registry.set_current(path)
    except (TaskFileError, OSError) as exc:
        raise ValueError(str(exc)) from exc
    return line.id, line.path


@blueprint.post("/api/v1/task")
@auth_required()
def api_set_task() -> tuple[Response, int]:
    if not request.is_json:
        raise WebError(415, "send the body as application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise WebError(400, 'expected a JSON object like {"path": "work/x"}', "path")
    path = body.get("path")
    if not isinstance(path, str):
        raise WebError(400, "a task path (string) is required", "path")
    try:
        task_id, task_path = _set_task(path)
    except ValueError as exc:
        raise WebError(400, str(exc), "path") from None
    return jsonify({"id": task_id, "path": task_path}), 200


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    """The sign-in form: the token, once, into a signed session (rate limited per address;
    not ``auth_required``: this is where the token is given)."""
    require_writing_enabled()
    next_url = safe_next(request.values.get("next"))
    if request.method == "POST":
        limiter = current_app.extensions[LIMITER]
        assert isinstance(limiter, LoginLimiter)
        wait = limiter.retry_after(request.remote_addr or "?")
        if wait is not None:
            raise WebError(
                429,
                f"too many sign-in attempts; try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        if not csrf_ok():
            raise WebError(403, FORM_EXPIRED)
        if token_matches(web_context().settings, request.form.get("token")):
            start_session()
            flash("Signed in: you can switch tasks from the header.")
            return redirect(next_url)
        flash("That token is not the one configured.", "error")
    return render_template("login.html", next_url=next_url)


@blueprint.post("/logout")
@auth_required(visitors=True)
def logout() -> BaseResponse:
    if signed_in():  # only the owner ends every sign-in (a write to the store)
        end_all_sessions()  # this cookie and any copy of it (or of an older one) stop working
    session.clear()  # a visitor's logout only clears its own cookie
    return redirect(url_for("pages.today"))


@blueprint.post("/task")
@auth_required()
def form_set_task() -> BaseResponse:
    path = request.form.get("path", "").strip()
    try:
        _, task_path = _set_task(path)
    except ValueError as exc:
        flash(f"Task not changed: {exc}", "error")
    else:
        session[PENDING_KEY] = [task_path, web_context().now().timestamp()]
        flash(f"Current task: {task_path} (the tracker switches within a moment).")
    return redirect(safe_next(request.form.get("next")))


@blueprint.app_context_processor
def pending_helpers() -> dict[str, Any]:
    """``pending_task(state)``: the task chosen from the header while the tracker has not
    taken it yet (the header says "switching to …" instead of showing the old task)."""

    def pending_task(current_task: str | None) -> str | None:
        found = session.get(PENDING_KEY)
        if not (isinstance(found, list) and len(found) == 2 and isinstance(found[0], str)):
            return None
        path, at = found[0], found[1]
        age = web_context().now().timestamp() - float(at)
        if path == current_task or not 0 <= age <= PENDING_SECONDS:
            session.pop(PENDING_KEY, None)
            return None
        return path

    return {"pending_task": pending_task}
