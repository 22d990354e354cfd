"""A bad record in the middle of a big import is reported as before, and only it is skipped.

The contract (issue 12, ``tests/hardening/test_import_hardening.py``): a record that cannot
become a switch is skipped and reported as ``record N: why`` (N counted from 1 in the file);
everything else is written. The bulk import takes the quick way for the usual record
(``importing/quick.py``); a bad one must still get ``record_to_switch``'s own message, with
its number, and the switches written must be those of the good records, exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deskmeter.formats import ImportContext, open_import
from deskmeter.importing.hosts import HostConflictError
from deskmeter.importing.loader import import_switches
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.models import switch_values
from deskmeter.records import write_json
from deskmeter.store.sqlite import SQLiteStore
from tests.store_totals.support import MADRID
from tests.store_totals.test_bulk_write_paths import history

#: Position in the file (from 0) → what replaces the good record there.
BAD: dict[int, dict[str, Any]] = {
    1234: {"delta": float("nan")},
    2500: {"date": "yesterday"},
    2501: {"id": "a\x00b"},
    3999: {"workspace_index": 5000},
    4000: {"delta": -1},
    4001: {"host": "desk\u200b"},
    4002: {"delta": 8 * 86400.0},
    4003: {"task": ["not", "text"]},
}


def export_with_bad_records(folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    switches = history(3, ("desk", "laptop"), 60, 0.7, 5_000)
    path = folder / "export.json"
    with path.open("w", encoding="utf-8") as out:
        write_json(switches, out)
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for position, change in BAD.items():
        records[position] = {**records[position], **change}
    path.write_text(json.dumps(records), encoding="utf-8")  # NaN as JSON's NaN
    return path, records


def test_bad_records_in_a_big_file_are_reported_as_ever_and_the_rest_written(
    tmp_path: Path,
) -> None:
    path, records = export_with_bad_records(tmp_path)
    expected_problems, good = [], {}
    for number, record in enumerate(records, 1):
        try:
            switch = record_to_switch(record)
        except (RecordError, ValueError, TypeError, OverflowError) as exc:
            expected_problems.append(f"record {number}: {exc}")
        else:
            good[switch.id] = switch  # a repeated id: the last one stands
    assert len(expected_problems) == len(BAD)

    with SQLiteStore(tmp_path / "big.db") as store:
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        result = import_switches(source, store)
        assert result.problems == expected_problems
        assert result.skipped == len(BAD)
        assert result.written == len(records) - len(BAD)
        stored = sorted(switch_values(s) for s in store.switches())
        assert stored == sorted(switch_values(s) for s in good.values())


def test_a_host_conflict_in_a_big_file_writes_nothing(tmp_path: Path) -> None:
    """An id already stored under another host, anywhere in the file: nothing is written."""
    path, records = export_with_bad_records(tmp_path)
    with SQLiteStore(tmp_path / "big.db") as store:
        moved = record_to_switch(records[4321])
        store.add_switch(
            type(moved)(
                moved.id,
                moved.date,
                moved.delta,
                moved.workspace_index,
                moved.workspace,
                moved.task_id,
                moved.task,
                "elsewhere",
                moved.away,
            )
        )
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        with pytest.raises(HostConflictError, match="nothing was written"):
            import_switches(source, store)
        assert store.count_switches() == 1


def test_mongomock_stand_in_store_gets_the_same_switches_as_sqlite(tmp_path: Path) -> None:
    """A store without ``add_switch_values`` (MongoDB; here mongomock, an in-memory stand-in)
    is given the checked values as ``Switch`` values: the same switches as SQLite stores."""
    import mongomock

    from deskmeter.store.mongo import MongoStore

    path, records = export_with_bad_records(tmp_path)
    stored = []
    for store in (
        SQLiteStore(tmp_path / "same.db"),
        MongoStore(
            "mongodb://mongomock.invalid/t",
            client=mongomock.MongoClient(tz_aware=True),
            database="t",
        ),
    ):
        _, source = open_import(str(path), ImportContext(tz=MADRID))
        result = import_switches(source, store)
        assert result.skipped == len(BAD)
        stored.append(sorted(switch_values(s) for s in store.switches()))
        store.close()
    assert stored[0] == stored[1]
    good = {r["id"] for n, r in enumerate(records) if n not in BAD}
    assert len(stored[0]) == len(good)
