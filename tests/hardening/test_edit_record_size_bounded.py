"""Issue 22, item 10: an edit record stays far under MongoDB's 16 MiB document limit, and the
sink refuses an oversized document with a clear error instead of stalling the stream.

An ``edit away`` over two years of switches made one 29 MB record that sync could never
ship. An edit now replaces at most ``MAX_EDIT_SWITCHES`` switches (refused from a count,
before they are read) in a record of at most ``MAX_EDIT_BYTES``; the refusal is one line and
writes nothing. SQLite runs at the real limits; the MongoDB backend runs on mongomock (a
stand-in, ~100x slower per write) with the limits lowered ten-fold, the same code paths.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import bson
import mongomock
import pytest

from deskmeter.edits import operations
from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit
from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.edit_record import edit_to_doc
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MAX_DOCUMENT_BYTES, MongoSink
from tests.hardening.support import open_store
from tests.web.conftest import utc

START = utc(2020, 1, 1)
NOW = utc(2024, 1, 1)


def _fill(store: Store, count: int, text: str = "w") -> None:
    store.add_switches(
        Switch(
            id=f"b{i:07d}",
            date=START + timedelta(minutes=i),
            delta=60.0,
            workspace_index=0,
            workspace=text,
            task_id=None,
            task=text if text != "w" else None,
            host="desk",
        )
        for i in range(count)
    )


@pytest.fixture
def limits(kind: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(most switches, most bytes) of an edit: the real ones, or a tenth on mongomock."""
    if kind == "mongomock":
        monkeypatch.setattr(operations, "MAX_EDIT_SWITCHES", operations.MAX_EDIT_SWITCHES // 10)
        monkeypatch.setattr(operations, "MAX_EDIT_BYTES", operations.MAX_EDIT_BYTES // 10)
    return operations.MAX_EDIT_SWITCHES, operations.MAX_EDIT_BYTES


def _away_over_all(store: Store) -> None:
    make_edit(store, "away", START, NOW, who="test", now=NOW, host="desk")


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_edit_of_too_many_switches_is_refused_and_writes_nothing(
    kind: str, tmp_path: Path, limits: tuple[int, int]
) -> None:
    most = limits[0]
    store = open_store(kind, tmp_path)
    _fill(store, most + 1)
    with pytest.raises(EditError, match="too large") as caught:
        _away_over_all(store)
    assert "\n" not in str(caught.value)
    assert store.edits() == []
    assert store.count_switches() == most + 1


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_edit_whose_record_would_be_too_big_is_refused(
    kind: str, tmp_path: Path, limits: tuple[int, int]
) -> None:
    store = open_store(kind, tmp_path)
    count = limits[1] // 1800 + 1  # each before and after copy: over 900 bytes
    assert count * 2 < limits[0]  # refused for its bytes, not its count
    _fill(store, count, "x" * 400)
    with pytest.raises(EditError, match="MiB"):
        _away_over_all(store)
    assert store.edits() == []


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_edit_under_the_limits_is_made_and_its_record_fits(
    kind: str, tmp_path: Path, limits: tuple[int, int]
) -> None:
    store = open_store(kind, tmp_path)
    _fill(store, limits[1] // 4000, "x" * 400)
    _away_over_all(store)
    (edit,) = store.edits()
    assert len(bson.encode(edit_to_doc(edit))) <= limits[1] <= MAX_DOCUMENT_BYTES // 2


def test_the_sink_refuses_an_oversized_document_and_ships_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The remote is mongomock (a stand-in for MongoDB)."""
    client = mongomock.MongoClient(tz_aware=True)
    sink = MongoSink("mongodb://remote.invalid/deskmeter", client=client, host="desk")
    huge = {"_id": "e1", "host": "desk", "op": "away", "before": ["x" * MAX_DOCUMENT_BYTES]}
    small = {"_id": "e2", "host": "desk", "op": "away", "before": []}
    with caplog.at_level(logging.ERROR, logger="deskmeter.sync"):
        sink.apply([DocChange("edit", "e1", huge), DocChange("edit", "e2", small)])
    assert [d["_id"] for d in client["deskmeter"]["edit"].find({})] == ["e2"]
    assert "not syncing edit e1" in caplog.text and "16,777,216" in caplog.text
