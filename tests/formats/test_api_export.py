"""The API's export serves every registered format, and the OpenAPI document lists them; the
Deskmeter CSV export re-imports to the same switches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from icalendar import Calendar

from deskmeter.config import Settings
from deskmeter.formats import EXPORTS
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.formats.conftest import Deskmeter

NOW = datetime(2026, 4, 7, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 4, 6, tzinfo=UTC)
SWITCHES = [
    Switch("a", DAY + timedelta(hours=9), 3600, 0, "code", None, "work/x", "desk"),
    Switch("b", DAY + timedelta(hours=10), 600.25, 1, "mail", None, None, "desk"),
    Switch("c", DAY + timedelta(hours=11), 300, 1, "mail", None, None, "desk", away=True),
]


def app(tmp_path: Path) -> Flask:
    store = SQLiteStore(tmp_path / "a.db")
    store.add_switches(SWITCHES)
    settings = Settings(
        store=str(tmp_path / "a.db"),
        timezone="UTC",
        host="desk",
        task_file=tmp_path / "tasks.txt",
        web={"session_key_file": tmp_path / "key"},
    )
    return create_app(settings, store=store, clock=lambda: NOW)


def test_api_export_serves_every_format_with_its_media_type_and_file_name(
    tmp_path: Path,
) -> None:
    client = app(tmp_path).test_client()
    for fmt in EXPORTS.values():
        response = client.get(f"/api/v1/export?start=2026-04-06&end=2026-04-06&format={fmt.name}")
        assert response.status_code == 200, fmt.name
        assert response.mimetype == fmt.media_type
        disposition = response.headers["Content-Disposition"]
        assert disposition.endswith(f'deskmeter-2026-04-06-2026-04-06.{fmt.extension}"')
    body = client.get("/api/v1/export?start=2026-04-06&end=2026-04-06&format=timewarrior")
    assert json.loads(body.data) == [
        {"id": 2, "start": "20260406T090000Z", "end": "20260406T100000Z", "tags": ["work/x"]},
        {"id": 1, "start": "20260406T100000Z", "end": "20260406T101000Z"},
    ]
    ics = client.get("/api/v1/export?start=2026-04-06&end=2026-04-06&format=ical")
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(ics.data).walk("VEVENT")] == ["work/x"]


def test_openapi_lists_the_registrys_export_formats(tmp_path: Path) -> None:
    document = app(tmp_path).test_client().get("/api/v1/openapi.json").get_json()
    export = document["paths"]["/api/v1/export"]["get"]
    (fmt,) = [p for p in export["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == list(EXPORTS)
    assert set(export["responses"]["200"]["content"]) == {f.media_type for f in EXPORTS.values()}


def test_deskmeter_csv_export_reimports_to_the_same_switches(
    deskmeter: Deskmeter, tmp_path: Path
) -> None:
    store = deskmeter.store()
    store.add_switches(SWITCHES)
    store.close()
    out = tmp_path / "all.csv"
    deskmeter.cli("export", "--format", "csv", "-o", str(out))
    again = Deskmeter(tmp_path / "again.db", deskmeter.env)
    assert "(Deskmeter CSV)" in again.cli("import", str(out)).stdout
    restored = again.store()
    try:
        assert restored.switches() == SWITCHES
    finally:
        restored.close()
