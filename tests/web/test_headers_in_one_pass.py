"""The security headers added in one pass and the session opened without a signing
serializer when there is no cookie (issue 25, every request's share): the same headers,
once each, a view's own kept, and a session still verified when a cookie comes."""

from __future__ import annotations

import re

from flask import Response

from deskmeter.web.security import HEADERS
from tests.web.conftest import TOKEN, AppFactory

API = [
    "/api/v1/totals?start=2024-05-01&end=2024-05-31",  # rows spliced in as SQL wrote them
    "/api/v1/switches?start=2024-05-01&end=2024-05-31",  # records spliced in likewise
    "/api/v1/totals?by=x",  # an error answer
    "/healthz",
]


def test_every_header_is_sent_once_and_the_api_is_never_cached(make_app: AppFactory) -> None:
    client = make_app(token=TOKEN).test_client()
    for url in API:
        headers = client.get(url).headers
        for name, value in HEADERS.items():
            assert headers.getlist(name) == [value], (url, name)
        assert headers.getlist("Cache-Control") == ["no-store"], url
    page = client.get("/").headers
    assert "no-store" not in page.getlist("Cache-Control")
    assert page.getlist("X-Frame-Options") == ["DENY"]


def test_a_views_own_header_is_kept_and_not_doubled(make_app: AppFactory) -> None:
    app = make_app(token=TOKEN)

    def own() -> Response:
        answer = Response("{}", mimetype="application/json")
        answer.headers["cache-control"] = "max-age=5"
        answer.headers["X-Frame-Options"] = "SAMEORIGIN"
        return answer

    app.add_url_rule("/api/v1/own-headers", "own_headers", own)
    headers = app.test_client().get("/api/v1/own-headers").headers
    assert headers.getlist("Cache-Control") == ["max-age=5"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("Referrer-Policy") == ["same-origin"]


def test_a_session_cookie_is_still_verified_and_a_forged_one_signs_nobody_in(
    make_app: AppFactory,
) -> None:
    app = make_app(token=TOKEN)
    client = app.test_client()
    assert client.get("/").headers.get("Set-Cookie") is None  # no cookie, none made
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    client.post("/login", data={"csrf_token": csrf.group(1), "token": TOKEN})
    assert 'id="switch-path"' in client.get("/").get_data(as_text=True)  # signed in
    cookie = client.get_cookie("deskmeter_session")
    assert cookie is not None
    forged = app.test_client()
    forged.set_cookie("deskmeter_session", cookie.value[:-4] + "AAAA")
    assert 'id="switch-path"' not in forged.get("/").get_data(as_text=True)
