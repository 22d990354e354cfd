"""Every error the dashboard answers, in one shape.

A route raises ``WebError`` (or a ``werkzeug`` HTTP exception, a ``ParameterError``, a
``StoreError``); ``register_error_handlers`` turns each into one answer: under ``/api/`` (and
``/healthz``) the JSON body ``{"error": ..., "status": ..., "parameter": ...}`` of
``payloads.Error`` (``parameter`` only when one parameter is wrong), on a page the error page
with the same status and message. No route builds an error body itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from deskmeter.edits.errors import EditError, NothingToDoError
from deskmeter.store import StoreError
from deskmeter.web.params import ParameterError
from deskmeter.web.payloads import Error

log = logging.getLogger(__name__)

#: What a 401 asks for (RFC 6750).
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="deskmeter"'}


class WebError(Exception):
    """An error answer: ``status``, a one-line ``message``, the wrong ``parameter`` if one is,
    and extra headers (a 401's challenge, a 429's ``Retry-After``)."""

    def __init__(
        self,
        status: int,
        message: str,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.headers = dict(headers or {})

    @classmethod
    def of_edit(cls, exc: EditError, parameter: str | None = None) -> WebError:
        """An edit refused: 409 when the store's present state leaves nothing to act on
        (``NothingToDoError``: no away stretch waiting, nothing to undo), else 400."""
        return cls(409 if isinstance(exc, NothingToDoError) else 400, str(exc), parameter)


def wants_json() -> bool:
    """The answers of the API and of the health check are JSON; everything else a page."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(status: int, message: str, parameter: str | None = None) -> dict[str, Any]:
    """The JSON error body (``payloads.Error``, the OpenAPI document's ``Error``)."""
    error = Error(error=message, status=status, parameter=parameter or "")
    return error.model_dump(mode="json", exclude_defaults=True)


def error_answer(
    status: int,
    message: str,
    parameter: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The answer to an error: JSON for the API, the error page for a page."""
    if wants_json():
        response = jsonify(error_body(status, message, parameter))
    else:
        shown = f"{parameter}: {message}" if parameter else message
        response = Response(render_template("error.html", status=status, message=shown))
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers.update(BEARER_CHALLENGE)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(WebError)
    def web_error(exc: WebError) -> Response:
        return error_answer(exc.status, exc.message, exc.parameter, exc.headers)

    @app.errorhandler(ParameterError)
    def bad_parameter(exc: ParameterError) -> Response:
        return error_answer(400, exc.message, exc.name)

    @app.errorhandler(StoreError)
    def store_error(exc: StoreError) -> Response:
        log.error("store unavailable: %s", exc)
        return error_answer(503, "the store is unavailable; try again shortly")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response | HTTPException:
        if exc.code is None:
            return exc
        message = exc.description or exc.name
        if exc.code == 404 and message == NotFound.description:
            message = "no such page"
        headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type",)}
        return error_answer(exc.code, message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return error_answer(500, "internal error (logged)")
