"""One switch record: export (CLI and API), the API's pages, import and the OpenAPI document
all use ``SwitchRecord``; the document's schemas are generated, not written by hand."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient
from pydantic import TypeAdapter

from deskmeter.importing import record_to_switch
from deskmeter.importing.records import RecordError
from deskmeter.records import FIELDS, SwitchRecord, switch_record, write_json
from deskmeter.store import Store
from deskmeter.web.edits_openapi import EDIT_SCHEMAS
from deskmeter.web.payloads import MODELS, SwitchPage


def test_every_served_switch_is_a_switch_record(client: FlaskClient, store: Store) -> None:
    page = client.get("/api/v1/switches?per_page=100").get_json()
    SwitchPage.model_validate(page)
    by_id = {s.id: s for s in store.switches()}
    assert page["items"] and all(item == switch_record(by_id[item["id"]]) for item in page["items"])
    assert all(list(item) == [*FIELDS[:2], *FIELDS[3:], "end"] for item in page["items"])


def test_the_api_export_the_cli_export_and_import_agree(client: FlaskClient, store: Store) -> None:
    served = client.get("/api/v1/export?start=2024-03-01&end=2024-04-30").get_json()
    by_id = {s.id: s for s in store.switches()}
    switches = [by_id[record["id"]] for record in served]
    assert len(switches) >= 5
    written = io.StringIO()
    write_json(switches, written)
    assert served == json.loads(written.getvalue())
    assert [record_to_switch(r) for r in served] == switches


def test_the_openapi_schemas_are_the_models_schemas(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    # local mode: the edit endpoints' schemas come on top of the models'
    assert set(schemas) == set(MODELS) | set(EDIT_SCHEMAS)
    assert not set(MODELS) & set(EDIT_SCHEMAS)
    switch = TypeAdapter(SwitchRecord).json_schema(mode="serialization")
    assert schemas["Switch"] == switch
    assert set(switch["required"]) == set(FIELDS)
    assert switch["properties"]["away"]["type"] == "boolean"
    assert schemas["SwitchPage"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/Switch"
    }
    refs = set(_values(doc, "$ref"))
    assert refs <= {f"#/components/schemas/{name}" for name in schemas}, refs


def test_a_record_the_model_refuses_is_skipped_with_the_reason() -> None:
    with pytest.raises(RecordError, match="delta"):
        record_to_switch({"id": "x", "date": "2026-01-01T00:00:00Z", "delta": float("inf")})


def _values(value: object, key: str) -> list[str]:
    """Every value of ``key`` anywhere in a JSON document."""
    if isinstance(value, dict):
        own = [v for k, v in value.items() if k == key]
        return own + [w for v in value.values() for w in _values(v, key)]
    if isinstance(value, list):
        return [w for v in value for w in _values(v, key)]
    return []
