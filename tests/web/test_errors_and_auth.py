"""Issue 21, item 5: the web's errors in one place and one auth decorator.

* Every error of the API answers the one JSON shape ``{"error", "status"[, "parameter"]}``
  (``web/errors.py``); before, the switch list's 404 had no ``status`` and three builders
  wrote bodies of their own.
* A refused away decision is a 409 because the edit layer raised ``NothingToDoError``, not
  because its message said "no away".
* Every writing route of the app (read from its ``url_map``) is guarded by
  ``web/auth.py``'s ``auth_required`` and refuses a caller without the token.

On a real SQLite store (the seeded history of ``conftest.py``), the clock standing at ``NOW``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pydantic import SecretStr
from werkzeug.test import TestResponse

from deskmeter.config import Settings
from deskmeter.edits.errors import EditError, NothingToDoError
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from deskmeter.web.auth import GUARDED
from deskmeter.web.errors import WebError
from tests.web.conftest import NOW, TOKEN, make_settings, seed

WRITING = {"POST", "PUT", "PATCH", "DELETE"}
#: The sign-in form: where the token is given, so it cannot ask for it (it checks the CSRF
#: token and its rate limit itself).
SIGN_IN = {"control.login"}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "web.db")
    seed(store)
    yield store
    store.close()


def build(
    tmp_path: Path, store: SQLiteStore, settings: Settings | None = None, **web: Any
) -> Flask:
    if isinstance(web.get("token"), str):
        web["token"] = SecretStr(web["token"])
    app = create_app(settings or make_settings(tmp_path, **web), store=store, clock=lambda: NOW)
    app.config["TESTING"] = True
    return app


def assert_error_shape(response: TestResponse, status: int, parameter: str | None = None) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, dict)
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    expected_keys = {"error", "status"} | ({"parameter"} if parameter else set())
    assert set(body) == expected_keys, body
    if parameter:
        assert body["parameter"] == parameter


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_every_api_error_has_the_one_json_shape_with_its_status(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    client = build(tmp_path, sqlite_store, token=TOKEN).test_client()
    # 400: a wrong parameter, named
    assert_error_shape(client.get("/api/v1/totals?group=colour"), 400, "group")
    assert_error_shape(client.post("/api/v1/task", json={"path": 3}, headers=BEARER), 400, "path")
    assert_error_shape(client.get("/api/v1/edits?limit=0", headers=BEARER), 400, "limit")
    assert_error_shape(client.post("/api/v1/edits", json={"op": "task"}, headers=BEARER), 400)
    # 401: no or a wrong token, with the bearer challenge
    refused = client.post("/api/v1/task", json={"path": "work/x"})
    assert_error_shape(refused, 401)
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer not-the-token"}
    assert_error_shape(client.get("/api/v1/edits", headers=wrong), 401)
    # 404: no such endpoint
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)
    # 405: a method the endpoint does not take
    not_allowed = client.delete("/api/v1/totals")
    assert_error_shape(not_allowed, 405)
    assert "GET" in not_allowed.headers["Allow"]
    # 409: nothing to act on (no away stretch waiting, no edit to undo)
    assert_error_shape(client.post("/api/v1/away", json={}, headers=BEARER), 409)
    assert_error_shape(client.post("/api/v1/edits/undo", headers=BEARER), 409)
    # 415: the body is not JSON
    assert_error_shape(client.post("/api/v1/task", data="path=work/x", headers=BEARER), 415)


def test_writing_disabled_and_the_hidden_switch_list_answer_the_same_shape(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    # 403: no token configured, nothing can write
    client = build(tmp_path, sqlite_store).test_client()
    assert_error_shape(client.post("/api/v1/task", json={"path": "work/x"}, headers=BEARER), 403)
    assert_error_shape(client.post("/api/v1/edits/undo", headers=BEARER), 403)
    # 404: a portfolio keeps its switch list off (this body had no ``status`` before)
    settings = make_settings(tmp_path, mode="portfolio")
    portfolio = build(tmp_path, sqlite_store, settings).test_client()
    for path in ("/api/v1/switches", "/api/v1/export"):
        answer = portfolio.get(path)
        assert_error_shape(answer, 404)
        assert "show_switches" in answer.get_json()["error"]
    # 403: a portfolio's metrics from afar without the token (JSON: a scraper reads it)
    assert_error_shape(portfolio.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}), 403)
    # the page says the same on its error page
    page = portfolio.get("/switches")
    assert page.status_code == 404 and b"show_switches" in page.data


def test_the_switch_list_page_and_api_answer_the_same_switches(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    client = build(tmp_path, sqlite_store).test_client()
    query = "start=2024-03-29&end=2024-04-01"
    api = client.get(f"/api/v1/switches?{query}&per_page=50").get_json()
    ids = [item["id"] for item in api["items"]]
    assert ids == ["s3", "s2", "s1", "s4"]  # newest first, the seeded switches in the range
    page = client.get(f"/switches?{query}").get_data(as_text=True)
    positions = [page.index(f'data-id="{sid}"') for sid in ids]
    assert positions == sorted(positions)
    oldest_first = client.get(f"/api/v1/switches?{query}&order=asc").get_json()
    assert [item["id"] for item in oldest_first["items"]] == ids[::-1]


def test_a_409_comes_from_the_type_of_the_edit_error_not_its_words() -> None:
    worded_alike = EditError("no away stretch is waiting for a decision")
    assert WebError.of_edit(worded_alike).status == 400
    assert WebError.of_edit(NothingToDoError("nothing here")).status == 409
    assert WebError.of_edit(NothingToDoError("x"), "path").parameter == "path"


def writing_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, path, method) of every route that takes a writing method."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITING):
            assert not rule.arguments, f"{rule.rule}: give the test a value for its arguments"
            found.append((rule.endpoint, rule.rule, method))
    return found


def test_every_writing_route_is_guarded_by_the_auth_decorator(
    tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    app = build(tmp_path, sqlite_store, token=TOKEN)
    rules = writing_rules(app)
    endpoints = {endpoint for endpoint, _, _ in rules}
    # the app's writing routes (as of this test): a new one is checked the same way
    assert {"control.api_set_task", "edits.api_make_edit", "edits.form_edit"} <= endpoints
    unguarded = sorted(
        endpoint for endpoint in endpoints - SIGN_IN if app.view_functions[endpoint] not in GUARDED
    )
    assert not unguarded, f"writing routes without auth_required: {unguarded}"


@pytest.mark.parametrize("token", [TOKEN, None], ids=["token-configured", "no-token"])
def test_every_writing_route_refuses_a_caller_without_auth(
    tmp_path: Path, sqlite_store: SQLiteStore, token: str | None
) -> None:
    app = build(tmp_path, sqlite_store, token=token)
    client = app.test_client()
    before = (sqlite_store.count_switches(None, None), len(sqlite_store.edits(limit=100)))
    task_file = tmp_path / "tasks.txt"
    for endpoint, path, method in writing_rules(app):
        body = {"path": "work/x", "op": "task", "start": "10:00", "end": "11:00"}
        if path.startswith("/api/"):
            answer = client.open(path, method=method, json=body)
            expected = {401} if token else {403}
            assert answer.status_code in expected, (endpoint, answer.status_code)
            assert_error_shape(answer, answer.status_code)
        else:  # a form without a session and without the CSRF token
            answer = client.open(path, method=method, data=body)
            assert answer.status_code == 403, (endpoint, answer.status_code)
            assert answer.mimetype == "text/html"
    assert (sqlite_store.count_switches(None, None), len(sqlite_store.edits(limit=100))) == before
    assert not task_file.exists() or "work/x" not in task_file.read_text()
