"""Local and portfolio modes, the token, CSRF, and the security headers on every response."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.web.conftest import TOKEN, AppFactory

PAGES = ["/", "/day/2024-03-30", "/calendar/2024/03", "/switches", "/tasks", "/day/2024-02-30"]
WRITING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: The policy, written out: a change to the code's constant must show up here too.
EXPECTED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def writing_rules(app: Flask) -> list[str]:
    return [
        rule.rule for rule in app.url_map.iter_rules() if (rule.methods or set()) & WRITING_METHODS
    ]


def test_portfolio_mode_registers_no_endpoint_that_writes(make_app: AppFactory) -> None:
    app = make_app(mode="portfolio", token=TOKEN)
    assert writing_rules(app) == []
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/v1/task", json={"path": "work/x"}, headers=headers)
    assert response.status_code in (404, 405)
    assert "/api/v1/task" not in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_local_mode_has_the_write_endpoints(make_app: AppFactory) -> None:
    assert set(writing_rules(make_app(token=TOKEN))) == {
        "/api/v1/task",
        "/login",
        "/logout",
        "/task",
        # corrections of history (deskmeter.web.blueprints.edits)
        "/api/v1/edits",
        "/api/v1/edits/undo",
        "/api/v1/away",
        "/edits",
        "/edits/undo",
        "/away",
    }


def test_portfolio_header_shows_the_task_as_of_the_last_sync(make_app: AppFactory) -> None:
    html = make_app(mode="portfolio").test_client().get("/").get_data(as_text=True)
    # no host name (hidden on a public page by default), and the day only: exact times are
    # off on a public page by default
    assert ">last sync</span>" in html and ">test</span>" not in html
    assert "as of 31 Mar<" in html and "14:30" not in html
    assert "for 30m" in html  # the interval had run 30 min at the last sync
    assert "data-since" not in html  # not ticking: it is not real-time


def test_portfolio_can_coarsen_task_paths_everywhere(make_app: AppFactory) -> None:
    client = make_app(mode="portfolio", coarsen_tasks=True).test_client()
    day = client.get("/day/2024-03-31").get_data(as_text=True)
    assert "deskmeter" not in day.replace("Deskmeter", "")
    totals = client.get("/api/v1/totals?start=2024-03-31&end=2024-03-31&by=all").get_json()
    assert {t["key"]: t["seconds"] for t in totals["totals"]} == {
        "work": 3 * 3600 + 5400 + 1800,
        "personal": 1800,
    }
    assert client.get("/api/v1/switches").status_code == 404  # off on a public page
    assert client.get("/api/v1/state").get_json()["current"]["task"] == "work"
    assert [t["path"] for t in client.get("/api/v1/tasks").get_json()["tasks"]] == [
        "learning",
        "personal",
        "work",
    ]


def test_with_no_token_configured_nothing_can_write(make_app: AppFactory, tmp_path: Path) -> None:
    client = make_app().test_client()
    response = client.post(
        "/api/v1/task", json={"path": "work/x"}, headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 403
    assert client.post("/task", data={"path": "work/x"}).status_code == 403
    assert client.get("/login").status_code == 403
    assert not (tmp_path / "tasks.txt").exists()
    assert "Sign in" not in client.get("/").get_data(as_text=True)


def test_api_write_needs_the_bearer_token(make_app: AppFactory, tmp_path: Path) -> None:
    client = make_app(token=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.post("/api/v1/task", json={"path": "work/x"}, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not (tmp_path / "tasks.txt").exists()
    ok = client.post(
        "/api/v1/task", json={"path": "work/new"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 200 and ok.get_json()["path"] == "work/new"
    assert "* work/new" in (tmp_path / "tasks.txt").read_text()


def test_api_write_rejects_a_bad_path_or_body(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = client.post("/api/v1/task", json={"path": "has space"}, headers=auth)
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "path"
    assert client.post("/api/v1/task", json=["x"], headers=auth).status_code == 400
    assert client.post("/api/v1/task", data="path=x", headers=auth).status_code == 415


def sign_in(client, token: str = TOKEN) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    response = client.post("/login", data={"csrf_token": csrf.group(1), "token": token})
    assert response.status_code in (200, 302)


def test_the_task_form_needs_sign_in_and_a_csrf_token(make_app: AppFactory, tmp_path: Path) -> None:
    client = make_app(token=TOKEN).test_client()
    assert client.post("/task", data={"path": "work/x"}).status_code == 403  # not signed in
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert 'id="switch-path"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    assert client.post("/task", data={"path": "work/x"}).status_code == 403  # no CSRF token
    forged = client.post("/task", data={"path": "work/x", "csrf_token": "forged"})
    assert forged.status_code == 403
    assert not (tmp_path / "tasks.txt").exists()
    done = client.post(
        "/task", data={"path": "work/form", "csrf_token": csrf.group(1), "next": "//evil.example"}
    )
    assert done.status_code == 302 and done.location == "/"  # never redirected off-site
    assert "* work/form" in (tmp_path / "tasks.txt").read_text()


def test_a_wrong_token_does_not_sign_in(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    sign_in(client, token="wrong")
    assert 'id="switch-path"' not in client.get("/").get_data(as_text=True)


def test_every_response_carries_the_security_headers(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    for url in [*PAGES, "/api/v1/state", "/api/v1/totals?by=x", "/healthz", "/static/style.css"]:
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == EXPECTED_CSP, url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    sign_in(client)
    for url in [*PAGES, "/login"]:
        html = client.get(url).get_data(as_text=True)
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
        for script in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in script, url
        assert not re.search(r"<script[^>]*>\s*[^<\s]", html), url


def test_session_cookie_is_strict_and_http_only(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_assets_are_served_locally(make_app: AppFactory) -> None:
    client = make_app().test_client()
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in ("style.css", "app.js", "favicon.svg"):
        assert client.get(f"/static/{asset}").status_code == 200
