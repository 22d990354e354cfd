"""The API's ``/api/v1/export?format=`` and the OpenAPI document read the export table when a
request comes: a row added at test time is served and documented, anything else is a 400
that lists the table's names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from deskmeter.config import Settings
from deskmeter.formats import EXPORTS
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

NOW = datetime(2026, 4, 7, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 4, 6, tzinfo=UTC)
RANGE = "start=2026-04-06&end=2026-04-06"


def app(tmp_path: Path) -> Flask:
    store = SQLiteStore(tmp_path / "a.db")
    store.add_switches(
        [Switch("a", DAY + timedelta(hours=9), 3600, 0, "code", None, "work/x", "desk")]
    )
    settings = Settings(
        store=str(tmp_path / "a.db"),
        timezone="UTC",
        host="desk",
        task_file=tmp_path / "tasks.txt",
        web={"session_key_file": tmp_path / "key"},
    )
    return create_app(settings, store=store, clock=lambda: NOW)


def test_the_api_serves_a_format_added_to_the_table(tmp_path: Path, added_export: str) -> None:
    response = app(tmp_path).test_client().get(f"/api/v1/export?{RANGE}&format={added_export}")
    assert response.status_code == 200
    assert response.mimetype == "text/x-deskmeter-lines"
    assert response.headers["Content-Disposition"].endswith('2026-04-06-2026-04-06.lines"')
    assert response.get_data(as_text=True) == "2026-04-06T09:00:00+00:00 work/x\n"


def test_an_unknown_format_is_a_400_that_lists_the_tables_names(
    tmp_path: Path, added_export: str
) -> None:
    response = app(tmp_path).test_client().get(f"/api/v1/export?{RANGE}&format=xlsx")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert ", ".join(EXPORTS) in text
    assert text.count(added_export) == 1


def test_without_its_row_the_format_is_refused(tmp_path: Path) -> None:
    response = app(tmp_path).test_client().get(f"/api/v1/export?{RANGE}&format=lines")
    assert response.status_code == 400


def test_openapi_documents_a_format_added_to_the_table(tmp_path: Path, added_export: str) -> None:
    document = app(tmp_path).test_client().get("/api/v1/openapi.json").get_json()
    export = document["paths"]["/api/v1/export"]["get"]
    (fmt,) = [p for p in export["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == [*EXPORTS.names()]
    assert fmt["schema"]["enum"][-1] == added_export
    assert fmt["schema"]["default"] == "json"
    assert "lines: One line per switch" in fmt["description"]
    body = export["responses"]["200"]["content"]["text/x-deskmeter-lines"]
    assert body == {"schema": {"type": "string"}}
