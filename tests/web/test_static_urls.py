"""The layout's static file addresses (``web/static_urls.py``) are remembered per script
root: the same app served under another prefix (``SCRIPT_NAME``, which a proxy may set per
request) links its own files, never the addresses of an earlier request's prefix."""

from __future__ import annotations

import re

from flask import url_for
from flask.testing import FlaskClient

from deskmeter.web.static_urls import MAX_ENTRIES, StaticUrls

ASSETS = re.compile(r'(?:href|src)="([^"]*/static/[^"]+)"')


def assets(client: FlaskClient, prefix: str) -> list[str]:
    response = client.get("/calendar/2025/6", environ_overrides={"SCRIPT_NAME": prefix})
    assert response.status_code == 200
    return ASSETS.findall(response.get_data(as_text=True))


def test_each_prefix_gets_its_own_static_addresses(client: FlaskClient) -> None:
    plain = assets(client, "")
    under = assets(client, "/deskmeter")
    again = assets(client, "")
    assert plain and all(url.startswith("/static/") for url in plain)
    assert under == ["/deskmeter" + url for url in plain]
    assert again == plain


def test_a_remembered_address_is_what_url_for_builds(client: FlaskClient) -> None:
    app = client.application
    remembered = StaticUrls()
    for prefix in ("", "/a", "/b/c"):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": prefix}):
            for _ in range(2):
                assert remembered("style.css") == url_for("static", filename="style.css")


def test_many_prefixes_do_not_grow_the_memo_without_bound(client: FlaskClient) -> None:
    remembered = StaticUrls()
    for n in range(MAX_ENTRIES * 2):
        prefix = f"/p{n}"
        with client.application.test_request_context(
            "/", environ_overrides={"SCRIPT_NAME": prefix}
        ):
            assert remembered("app.js") == f"{prefix}/static/app.js"
    assert len(remembered._known) <= MAX_ENTRIES
