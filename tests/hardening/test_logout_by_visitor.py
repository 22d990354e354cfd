"""Issue 22, item 6: a visitor's ``POST /logout`` ends no one else's sign-in.

Anyone can take a CSRF token from ``GET /login``; before the fix a logout with it bumped the
store's session generation, so the owner was signed out (and an anonymous caller wrote to the
store). Now only a signed-in caller ends every session; a visitor only clears its own cookie.
"""

from __future__ import annotations

from pathlib import Path

from deskmeter.web.security import GENERATION_KEY
from tests.hardening.test_sessions_and_secrets import app_with, csrf, sign_in
from tests.web.conftest import TOKEN


def test_a_visitors_logout_leaves_the_owner_signed_in_and_the_store_unwritten(
    tmp_path: Path,
) -> None:
    app = app_with(tmp_path, token=TOKEN)
    owner, visitor = app.test_client(), app.test_client()
    assert sign_in(owner) == 302
    store = app.extensions["deskmeter"].store
    generation = store.get_meta(GENERATION_KEY)
    response = visitor.post("/logout", data={"csrf_token": csrf(visitor)})
    assert response.status_code == 302
    assert store.get_meta(GENERATION_KEY) == generation  # nothing written
    # The owner can still write with the form (a signed-in-only action).
    page = owner.post("/task", data={"path": "work/x", "csrf_token": csrf(owner, "/")})
    assert page.status_code == 302


def test_the_owners_logout_still_ends_every_session(tmp_path: Path) -> None:
    app = app_with(tmp_path, token=TOKEN)
    owner = app.test_client()
    assert sign_in(owner) == 302
    store = app.extensions["deskmeter"].store
    before = store.get_meta(GENERATION_KEY)
    assert owner.post("/logout", data={"csrf_token": csrf(owner, "/")}).status_code == 302
    assert store.get_meta(GENERATION_KEY) != before
