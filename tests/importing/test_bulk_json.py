"""A whole export read in bulk (``importing/bulk_json.py``) decides as the per-record way does.

A bulk import of ``deskmeter export --format json`` decodes the file with msgspec into typed
records and checks them column by column; any file with one unusual record is read the
exact way instead. The properties, on random files with fields of every type and at every
limit:

* whatever the bulk way accepts, ``record_to_switch`` accepts record by record, to the same
  values (and the bulk way refuses, for a whole file, any record it refuses);
* a file the bulk way takes is one format detection gives to Deskmeter's JSON format (it
  must never take a Timewarrior, ActivityWatch or Watson file from its own reader);
* an export is taken the bulk way (else nothing would be faster), and an import of a file
  gives the same switches, skips and messages with the bulk way as without it.
"""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmeter.formats import IMPORTS, ImportContext, detect, open_import
from deskmeter.formats.base import Sample
from deskmeter.importing import bulk_json
from deskmeter.importing.loader import import_switches
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.importing.workspace_map import with_tasks
from deskmeter.models import switch_values
from deskmeter.records import write_json
from deskmeter.store.sqlite import SQLiteStore
from tests.importing.test_quick_records import records as random_records
from tests.store_totals.support import BASES, MADRID
from tests.store_totals.support import switches as random_switch
from tests.store_totals.test_bulk_write_paths import history

#: Fields other formats' detection looks at, and one an export writes that is not read.
OTHERS = st.fixed_dictionaries(
    {},
    optional={
        "start": st.sampled_from([None, "20260501T090000Z", "x", 5]),
        "end": st.sampled_from(["2026-05-01T09:00:00+00:00", None]),
        "tags": st.lists(st.text(max_size=3), max_size=2),
        "buckets": st.just({}),
    },
)


@st.composite
def files(draw: Any) -> str:
    """A JSON text: mostly an array of export-like records (some odd), else other shapes."""
    shape = draw(st.sampled_from(["records", "records", "records", "object", "frames", "empty"]))
    if shape == "object":
        return json.dumps({**draw(random_records()), **draw(OTHERS)})
    if shape == "frames":
        return json.dumps([[1, 2, "p", "id", [], 3]])
    if shape == "empty":
        return "[]"
    items = draw(st.lists(st.tuples(random_records(), OTHERS), min_size=1, max_size=4))
    return json.dumps([{**record, **other} for record, other in items])


def the_exact_way(record: Any, host: str | None) -> Any:
    try:
        return switch_values(record_to_switch(record, host=host))
    except (RecordError, ValueError, TypeError, OverflowError, AttributeError) as exc:
        return f"refused: {exc}"


@settings(max_examples=3000, deadline=None)
@given(text=files(), host=st.sampled_from([None, "desk", "desk\u200b"]))
def test_what_the_bulk_way_accepts_every_record_the_exact_way_makes_the_same(
    text: str, host: str | None
) -> None:
    decoded = bulk_json.decode(text)
    if decoded is None:
        return  # read the exact way, as ever
    bulk = bulk_json.switch_values(decoded, host)
    if bulk is None:
        return
    parsed = json.loads(text)
    assert isinstance(parsed, list)
    assert bulk == [the_exact_way(record, host) for record in parsed], text


@settings(max_examples=1500, deadline=None)
@given(text=files())
def test_a_file_the_bulk_way_decodes_is_detected_as_deskmeter_json(text: str) -> None:
    if bulk_json.decode(text) is None:
        return
    assert detect(Sample(text)) is IMPORTS.row("json"), text


def test_odd_json_is_left_to_the_exact_way() -> None:
    good = {"id": "a", "date": "2026-05-01T09:00:00+00:00", "delta": 1.5, "workspace_index": 0}
    assert bulk_json.decode(json.dumps([good])) is not None
    for odd in (
        {**good, "delta": math.nan},  # Python's json reads NaN; JSON has none
        {**good, "_id": None},  # the original Deskmeter's documents
        {**good, "id": {"$oid": "0123456789abcdef01234567"}},  # extended JSON
        {**good, "date": 1714554000},  # a Unix time
        {**good, "workspace_index": True},
        {**good, "away": "true"},  # CSV's text: coerced by the exact way
        {**good, "start": "20260501T090000Z"},  # a Timewarrior field: detection decides
    ):
        assert bulk_json.decode(json.dumps([good, odd])) is None, odd
    for odd_values in (
        {**good, "date": "2026-05-01T09:00:00z"},  # not ISO for Python: refused
        {**good, "id": "a\x00"},
        {**good, "host": "desk\u200b"},
        {**good, "date": "1969-12-31T23:59:59+00:00"},
    ):
        decoded = bulk_json.decode(json.dumps([good, odd_values]))
        assert decoded is not None
        assert bulk_json.switch_values(decoded, None) is None, odd_values


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_an_export_is_read_the_bulk_way_to_its_own_switches(data: st.DataObject) -> None:
    switches = data.draw(st.lists(random_switch(st.integers(0, 999), BASES[0]), max_size=20))
    out = StringIO()
    write_json(switches, out)
    decoded = bulk_json.decode(out.getvalue())
    assert decoded is not None
    assert bulk_json.switch_values(decoded, None) == [switch_values(s) for s in switches]


def _import(path: Path, folder: Path, name: str) -> tuple[Any, list[Any]]:
    with SQLiteStore(folder / f"{name}.db") as store:
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        result = import_switches(source, store)
        return (result.read, result.written, result.new, result.skipped, result.problems), [
            switch_values(s) for s in store.switches()
        ]


@pytest.mark.parametrize(
    "change",
    [
        {},  # every record usual: the bulk way
        {"delta": -1},  # refused by the decoder: the whole file the exact way
        {"date": "yesterday"},  # refused by the column checks
        {"task": 7},  # coerced by the exact way
    ],
)
def test_an_import_is_the_same_with_and_without_the_bulk_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]
) -> None:
    switches = history(4, ("desk", "laptop"), 60, 0.7, 800)
    records = json.loads(_exported(switches))
    records[400] = {**records[400], **change}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with_bulk = _import(path, tmp_path, "bulk")
    monkeypatch.setattr(bulk_json, "decode", lambda text: None)
    without = _import(path, tmp_path, "exact")
    assert with_bulk == without
    assert with_bulk[0][1] == 800 - (1 if change and "task" not in change else 0)


def test_an_export_takes_the_bulk_way_and_map_still_rewrites_its_records(tmp_path: Path) -> None:
    switches = history(4, ("desk",), 60, 0.7, 50)
    path = tmp_path / "export.json"
    path.write_text(_exported(switches), encoding="utf-8")
    _, source = open_import(str(path), ImportContext(tz=MADRID))
    assert source.values is not None and source.values(None) == [switch_values(s) for s in switches]
    _, source = open_import(str(path), ImportContext(tz=MADRID))
    mapped = with_tasks(source, {switches[0].workspace: "mapped/task"})
    assert mapped.values is None  # the records are rewritten: read one by one
    first = next(iter(mapped.records))
    assert first["task"] == (switches[0].task or "mapped/task")


def _exported(switches: Any) -> str:
    out = StringIO()
    write_json(switches, out)
    return out.getvalue()


def test_a_file_that_is_not_utf8_is_refused_as_ever(tmp_path: Path) -> None:
    from deskmeter.importing.readers import ImportSourceError

    path = tmp_path / "latin1.json"
    good = '[{"id": "a", "date": "2026-05-01T09:00:00+00:00", "delta": 1, "workspace_index": 0'
    path.write_bytes((good + ', "task": "caf\u00e9"}]').encode("latin-1"))
    with pytest.raises(ImportSourceError, match="not UTF-8 text"):
        open_import(str(path), ImportContext(tz=MADRID))
    path.write_bytes(b"\xef\xbb\xbf" + (good + ', "task": "caf\u00e9"}]').encode())  # a BOM
    _, source = open_import(str(path), ImportContext(tz=MADRID))
    assert source.values is not None
    assert [v[5] for v in source.values(None) or []] == ["caf\u00e9"]


def test_the_collector_runs_again_after_an_import_even_a_refused_one(tmp_path: Path) -> None:
    import gc

    from deskmeter.importing.hosts import HostConflictError

    switches = history(5, ("desk",), 10, 0.7, 30)
    path = tmp_path / "export.json"
    path.write_text(_exported(switches), encoding="utf-8")
    assert gc.isenabled()
    with SQLiteStore(tmp_path / "gc.db") as store:
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        assert import_switches(source, store).written == 30
        assert gc.isenabled()
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        with pytest.raises(HostConflictError):
            import_switches(source, store, host="laptop")  # the ids are stored as desk's
        assert gc.isenabled()
