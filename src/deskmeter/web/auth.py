"""Who may write: one decorator, ``auth_required``, on every route that changes something.

* Nothing writes unless a token is configured (``web.token``) in local mode: else 403.
* An API route (``/api/...``) needs ``Authorization: Bearer TOKEN``: else 401 with the
  bearer challenge.
* A page's form needs the session's CSRF token and, unless the route lets visitors in
  (``visitors=True``: the logout, which then only clears the visitor's own cookie), a signed-in
  session: else 403.

The sign-in form itself (``/login``) is where the token is given; it checks the same
configured token and CSRF token in its own order (its rate limit first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import request

from deskmeter.web.context import web_context
from deskmeter.web.errors import WebError, wants_json
from deskmeter.web.security import bearer_token, csrf_ok, signed_in, token_matches

P = ParamSpec("P")
R = TypeVar("R")

WRITING_DISABLED = "no token is configured (web.token): writing is disabled"
BEARER_REQUIRED = "a valid 'Authorization: Bearer TOKEN' header is required"
SIGN_IN_FIRST = "sign in with the token first"
FORM_EXPIRED = "the form expired (CSRF check failed); reload and try again"
#: The methods that change something (a form's CSRF token is checked on these).
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Every view ``auth_required`` guards (the tests check each writing route is one).
GUARDED: set[Callable[..., object]] = set()


def require_writing_enabled() -> None:
    """403 unless this dashboard can write at all (local mode and a token configured)."""
    if not web_context().can_write:
        raise WebError(403, WRITING_DISABLED)


def check_caller(*, visitors: bool = False) -> None:
    """Refuse the request (``WebError``) unless its caller may write, as the module says."""
    require_writing_enabled()
    if wants_json():
        if not token_matches(web_context().settings, bearer_token()):
            raise WebError(401, BEARER_REQUIRED)
        return
    if not visitors and not signed_in():
        raise WebError(403, SIGN_IN_FIRST)
    if request.method in WRITING_METHODS and not csrf_ok():
        raise WebError(403, FORM_EXPIRED)


def auth_required(*, visitors: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The route runs only for a caller who may write (``check_caller``)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            check_caller(visitors=visitors)
            return view(*args, **kwargs)

        GUARDED.add(guarded)
        return guarded

    return decorate
