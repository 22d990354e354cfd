"""``deskmeter import``: original Deskmeter data and JSON exports, twice without duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import mongomock
from bson import ObjectId, json_util

from deskmeter.importing import import_switches
from deskmeter.importing.readers import mongo_records
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **env},
    )


ORIGINAL = [  # what the original dmcore wrote: naive UTC date, int delta, workspace name
    {
        "_id": ObjectId("5f1d7a2e9b1e8a3c4d5e6f70"),
        "workspace": "Work",
        "date": datetime(2020, 7, 26, 9, 0),
        "delta": 300,
    },
    {
        "_id": ObjectId("5f1d7a2e9b1e8a3c4d5e6f71"),
        "workspace": "Browse",
        "date": datetime(2020, 7, 26, 9, 5),
        "delta": 42,
    },
    {
        "_id": ObjectId("5f1d7a2e9b1e8a3c4d5e6f72"),
        "workspace": "Other",
        "date": datetime(2020, 7, 26, 9, 6),
        "delta": 0,
    },
]


def test_an_original_deskmeter_database_imports_twice_without_duplicates(tmp_path: Path) -> None:
    original = mongomock.MongoClient(tz_aware=True)
    original["deskmeter"]["switch"].insert_many([dict(d) for d in ORIGINAL])
    store = SQLiteStore(tmp_path / "s.db")
    for run in (1, 2):
        source = mongo_records("mongodb://old.test/deskmeter", client=original)
        result = import_switches(source, store, labels=["Work", "Browse", "Write"])
        assert (result.read, result.written, result.skipped) == (3, 3, 0)
        assert result.new == (3 if run == 1 else 0)
    switches = store.switches()
    assert [s.id for s in switches] == [str(d["_id"]) for d in ORIGINAL]
    assert [s.workspace_index for s in switches] == [0, 1, -1]
    assert switches[0].date == datetime(2020, 7, 26, 9, 0, tzinfo=UTC)
    assert switches[1].delta == 42.0


def test_import_into_the_mongodb_backend_is_idempotent_too() -> None:
    original = mongomock.MongoClient(tz_aware=True)
    original["deskmeter"]["switch"].insert_many([dict(d) for d in ORIGINAL])
    target = MongoStore("mongodb://new.test/deskmeter", client=mongomock.MongoClient(tz_aware=True))
    for _ in range(2):
        import_switches(mongo_records("mongodb://old.test/deskmeter", client=original), target)
    assert target.count_switches() == 3


def test_json_export_and_mongoexport_files_import_via_the_cli(tmp_path: Path, xdg: Path) -> None:
    exported = tmp_path / "export.json"
    exported.write_text(
        json.dumps(
            [
                {
                    "id": "a1",
                    "date": "2026-05-01T09:00:00+00:00",
                    "end": "2026-05-01T09:01:00+00:00",
                    "delta": 60,
                    "workspace_index": 2,
                    "workspace": "Code",
                    "task_id": "t",
                    "task": "work/x",
                    "host": "box",
                },
                {"id": "a2", "date": "2026-05-01T09:01:00+00:00", "delta": 5, "workspace": "Mail"},
                {"id": "bad", "date": "yesterday", "delta": 5},
            ]
        )
    )
    lines = (
        tmp_path / "mongoexport.json"
    )  # mongoexport's default: one extended-JSON document a line
    lines.write_text("\n".join(json_util.dumps(d) for d in ORIGINAL) + "\n")
    store = str(tmp_path / "s.db")
    first = cli("--store", store, "import", str(exported))
    assert first.returncode == 0, first.stderr
    assert (
        "imported 2 switches" in first.stdout
        and "2 new" in first.stdout
        and "1 skipped" in first.stdout
    )
    assert "not an ISO date" in first.stderr
    again = cli("--store", store, "import", str(exported))
    assert "0 new, 2 already there" in again.stdout
    original = cli("--store", store, "import", str(lines))
    assert original.returncode == 0, original.stderr
    assert "3 new" in original.stdout
    assert SQLiteStore(store).count_switches() == 5
    exported_back = json.loads(cli("--store", store, "export").stdout)
    assert {r["id"] for r in exported_back} >= {"a1", "a2", "5f1d7a2e9b1e8a3c4d5e6f70"}
    assert next(r for r in exported_back if r["id"] == "a1")["task"] == "work/x"


def test_import_of_a_missing_file_says_so_in_one_line(tmp_path: Path, xdg: Path) -> None:
    result = cli("--store", str(tmp_path / "s.db"), "import", str(tmp_path / "nope.json"))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("no such file (give a file or a mongodb:// URI)")
