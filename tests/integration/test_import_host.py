"""``deskmeter import --host NAME``: data from another machine or the original Deskmeter.

Real SQLite stores and the real CLI (typer's runner); the original database is mongomock (a
fake MongoDB, the only one obtainable here), read through the same reader as a real server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import mongomock
import pytest
from bson import ObjectId, json_util
from typer.testing import CliRunner, Result

from deskmeter import importing
from deskmeter.cli.main import app as cli
from deskmeter.importing import import_switches
from deskmeter.importing.readers import mongo_records
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore

ORIGINAL = [  # what the original dmcore wrote: no host, naive UTC date, int delta
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
        "delta": 7,
    },
]
IDS = [str(d["_id"]) for d in ORIGINAL]


@pytest.fixture
def original(tmp_path: Path) -> Path:
    """The original Deskmeter's switch collection as mongoexport writes it (one per line)."""
    path = tmp_path / "original.json"
    path.write_text("\n".join(json_util.dumps(d) for d in ORIGINAL) + "\n")
    return path


def run(store: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", str(store), "import", *args])


def hosts(store: Path) -> dict[str, str]:
    with SQLiteStore(store) as opened:
        return {s.id: s.host for s in opened.switches()}


def test_every_switch_is_stamped_and_the_summary_says_with_what(
    tmp_path: Path, xdg: Path, original: Path
) -> None:
    # The regression: the old command had no --host (a usage error, exit 2) and stamped nothing.
    store = tmp_path / "s.db"
    result = run(store, str(original), "--host", "old-desktop")
    assert result.exit_code == 0, result.output
    assert hosts(store) == dict.fromkeys(IDS, "old-desktop")
    assert "imported 3 switches" in result.stdout
    assert "stamped with host 'old-desktop': 3 new, 0 already there" in result.stdout
    assert "note: 'old-desktop' is not this machine" in result.stderr


def test_no_note_when_the_host_is_this_machine(tmp_path: Path, xdg: Path, original: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('host = "desk"\n')
    store = str(tmp_path / "s.db")
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--store", store, "import", str(original), "--host", "desk"]
    )
    assert result.exit_code == 0, result.output
    assert "stamped with host 'desk'" in result.stdout and "note:" not in result.stderr


def test_the_same_source_twice_with_the_same_host_adds_nothing(
    tmp_path: Path, xdg: Path, original: Path
) -> None:
    store = tmp_path / "s.db"
    assert run(store, str(original), "--host", "laptop").exit_code == 0
    again = run(store, str(original), "--host", "laptop")
    assert again.exit_code == 0, again.output
    assert "stamped with host 'laptop': 0 new, 3 already there" in again.stdout
    assert hosts(store) == dict.fromkeys(IDS, "laptop")


def test_a_host_the_records_carry_is_replaced(tmp_path: Path, xdg: Path) -> None:
    # Another machine's `deskmeter export`: its records name that machine as it called itself.
    exported = tmp_path / "export.json"
    exported.write_text(
        json.dumps(
            [
                {"id": "a1", "date": "2026-05-01T09:00:00+00:00", "delta": 60, "host": "box"},
                {"id": "a2", "date": "2026-05-01T09:01:00+00:00", "delta": 5},
            ]
        )
    )
    store = tmp_path / "s.db"
    result = run(store, str(exported), "--host", "office")
    assert result.exit_code == 0, result.output
    assert hosts(store) == {"a1": "office", "a2": "office"}


def test_without_host_records_keep_their_own_as_before(
    tmp_path: Path, xdg: Path, original: Path
) -> None:
    store = tmp_path / "s.db"
    result = run(store, str(original))
    assert result.exit_code == 0, result.output
    assert hosts(store) == dict.fromkeys(IDS, "")
    assert "3 new, 0 already there" in result.stdout
    assert "3 carry none: --host NAME stamps them" in result.stdout


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "--host is empty"),
        ("   ", "--host is empty"),
        (" laptop", "has blanks at its ends"),
        ("x" * 501, "is longer than 253 characters"),
        ("lap\x00top", "contains a control character (U+0000)"),
        ("de\u200bsk", "contains an invisible or text-direction character (U+200B)"),
    ],
)
def test_a_bad_host_name_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, xdg: Path, original: Path, name: str, why: str
) -> None:
    store = tmp_path / "s.db"
    result = run(store, str(original), "--host", name)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskmeter: error: ") and why in lines[0]
    assert not store.exists() or hosts(store) == {}


def test_the_same_database_under_another_host_is_refused(
    tmp_path: Path, xdg: Path, original: Path
) -> None:
    store = tmp_path / "s.db"
    assert run(store, str(original), "--host", "desktop").exit_code == 0
    with SQLiteStore(store) as opened:
        before = opened.switches()
    # The ids are the original ObjectIds: a second import under another name would have moved
    # desktop's switches to the laptop (and sync would have pushed the move).
    clash = run(store, str(original), "--host", "laptop")
    assert clash.exit_code == 1
    lines = clash.stderr.strip().splitlines()
    assert len(lines) == 1, clash.stderr
    assert "3 of these switches are already in the store" in lines[0]
    assert "3 to host 'desktop' (e.g. id 5f1d7a2e9b1e8a3c4d5e6f70)" in lines[0]
    assert "give --host desktop" in lines[0] and "nothing was written" in lines[0]
    with SQLiteStore(store) as opened:
        assert opened.switches() == before
    # Forgetting --host the second time (the records carry none) is refused the same way.
    bare = run(store, str(original))
    assert bare.exit_code == 1 and "'desktop'" in bare.stderr
    assert hosts(store) == dict.fromkeys(IDS, "desktop")


def test_a_refused_import_writes_none_of_the_new_records_either(
    tmp_path: Path, xdg: Path, original: Path
) -> None:
    store = tmp_path / "s.db"
    assert run(store, str(original), "--host", "desktop").exit_code == 0
    more = tmp_path / "more.json"
    fresh = {"_id": ObjectId("5f1d7a2e9b1e8a3c4d5e6f99"), "date": datetime(2020, 7, 27), "delta": 1}
    more.write_text(
        "\n".join(json_util.dumps(d) for d in [fresh, *ORIGINAL]) + "\n"  # new one first
    )
    assert run(store, str(more), "--host", "laptop").exit_code == 1
    assert set(hosts(store)) == set(IDS)


def test_switches_imported_with_no_host_keep_it(tmp_path: Path, xdg: Path, original: Path) -> None:
    # Imported without --host (or before it existed): stamping them now would be a move the
    # remote refuses (its upserts match _id and host), so the import says so instead.
    store = tmp_path / "s.db"
    assert run(store, str(original)).exit_code == 0
    result = run(store, str(original), "--host", "old-desktop")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "3 to no host (imported without --host)" in line
    assert "import them again without --host" in line and "nothing was written" in line
    assert hosts(store) == dict.fromkeys(IDS, "")
    assert run(store, str(original)).exit_code == 0  # as it was: no host, nothing new


def test_other_hosts_switches_are_left_alone(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    mine = Switch("tracked-1", datetime(2020, 7, 26, 9, 2, tzinfo=UTC), 60.0, 0, "w", host="laptop")
    store.add_switches([mine])
    source = mongomock.MongoClient(tz_aware=True)
    source["deskmeter"]["switch"].insert_many([dict(d) for d in ORIGINAL])
    result = import_switches(
        mongo_records("mongodb://old.test/deskmeter", client=source), store, host="old-desktop"
    )
    assert (result.written, result.new, result.host) == (3, 3, "old-desktop")
    assert {s.id: s.host for s in store.switches()} == {
        **dict.fromkeys(IDS, "old-desktop"),
        "tracked-1": "laptop",
    }
    store.close()


def test_a_stored_switch_found_only_outside_its_date_is_still_checked(tmp_path: Path) -> None:
    # The id is stored, but at another start (edited by hand, or the source changed): the
    # check looks it up in the whole store rather than missing it.
    store = SQLiteStore(tmp_path / "s.db")
    moved = Switch(IDS[0], datetime(2021, 1, 1, tzinfo=UTC), 5.0, 0, "Work", host="desktop")
    store.add_switches([moved])
    source = mongomock.MongoClient(tz_aware=True)
    source["deskmeter"]["switch"].insert_many([dict(d) for d in ORIGINAL])
    with pytest.raises(importing.HostConflictError, match="1 to host 'desktop'"):
        import_switches(
            mongo_records("mongodb://old.test/deskmeter", client=source),
            store,
            host="laptop",
            batch_size=2,
        )
    assert [s.host for s in store.switches()] == ["desktop"]
    store.close()


def test_host_names_follow_the_host_field_rules() -> None:
    assert importing.check_host_name("laptop.example.org") == "laptop.example.org"
    assert importing.check_host_name("Marta's laptop") == "Marta's laptop"  # the field allows it
    with pytest.raises(importing.HostNameError):
        importing.check_host_name("x" * 501)


def test_ids_of_several_other_hosts_are_all_named(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.add_switches(
        [
            Switch(IDS[0], datetime(2020, 7, 26, 9, 0, tzinfo=UTC), 300.0, 0, "Work", host="desk"),
            Switch(IDS[1], datetime(2020, 7, 26, 9, 5, tzinfo=UTC), 42.0, 0, "Browse", host="box"),
        ]
    )
    source = mongomock.MongoClient(tz_aware=True)
    source["deskmeter"]["switch"].insert_many([dict(d) for d in ORIGINAL])
    with pytest.raises(importing.HostConflictError) as refused:
        import_switches(
            mongo_records("mongodb://old.test/deskmeter", client=source), store, host="laptop"
        )
    message = str(refused.value)
    assert message.startswith("2 of these switches are already in the store")
    assert "1 to host 'desk'" in message and "1 to host 'box'" in message
    assert "import each machine's data with its own --host" in message
    assert store.count_switches() == 2  # the third, new one was not written either
    store.close()
