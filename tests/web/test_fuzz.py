"""Fuzzing the API: nothing returns a 500, and every answer matches the OpenAPI document.

* schemathesis generates requests from the served ``/api/v1/openapi.json`` (both modes,
  valid and invalid data) and checks status codes, content types and response schemas;
* hypothesis throws arbitrary text at every query parameter of every GET route.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.web.conftest import NOW, TOKEN, make_settings, seed

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def build_app(mode: str):  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix=f"deskmeter-fuzz-{mode}-"))
    store = seed(SQLiteStore(folder / "web.db"))
    web_settings = make_settings(folder, mode=mode, token=SecretStr(TOKEN))
    return create_app(web_settings, store=store, clock=lambda: NOW)


LOCAL_APP = build_app("local")
PORTFOLIO_APP = build_app("portfolio")

local_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", LOCAL_APP)
portfolio_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", PORTFOLIO_APP)
for schema in (local_schema, portfolio_schema):
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@local_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_local_api_never_fails_and_matches_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@portfolio_schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_portfolio_api_never_fails_and_matches_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


GET_ROUTES = [
    "/api/v1/state",
    "/api/v1/hosts",
    "/api/v1/switches",
    "/api/v1/totals",
    "/api/v1/export",
    "/switches",
    "/tasks",
    "/calendar",
    "/day",
]
PARAMETERS = [
    "start",
    "end",
    "page",
    "per_page",
    "group",
    "by",
    "order",
    "format",
    "month",
    "date",
    "host",
]
nasty_text = st.text(max_size=40) | st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1e9",
        "9" * 30,
        "2024-02-30",
        "0001-01-01",
        "9999-12-31T23:59:59+14:00",
        "2024-03-31T02:30:00+01:00",
        "2024-03-31T02:30",
        "NaN",
        "\x00",
        "%",
        "2024-13",
        "1969-12-31",
        "test",
        "test ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    route=st.sampled_from(GET_ROUTES),
    params=st.dictionaries(st.sampled_from(PARAMETERS), nasty_text, max_size=4),
)
def test_no_query_string_makes_a_route_fail(route: str, params: dict[str, str]) -> None:
    client = LOCAL_APP.test_client()
    response = client.get(route, query_string=params)
    assert response.status_code in (200, 302, 400), (route, params, response.data[:300])
    if response.status_code == 400 and route.startswith("/api/"):
        assert response.get_json()["parameter"] in PARAMETERS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segment=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s))
def test_no_path_segment_makes_a_page_fail(segment: str) -> None:
    client = PORTFOLIO_APP.test_client()
    for url in (f"/day/{segment}", f"/calendar/{segment}/1", f"/calendar/2024/{segment}"):
        assert client.get(url).status_code in (200, 400, 404), url


def test_a_segment_werkzeug_would_merge_as_a_slash_is_a_404_not_a_redirect() -> None:
    """Found by the fuzz test above: ``/calendar/\\n/1`` answered 308 to ``/calendar/1``."""
    response = PORTFOLIO_APP.test_client().get("/calendar/\n/1")
    assert response.status_code == 404
