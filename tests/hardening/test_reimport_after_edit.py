"""Issue 22, item 4: re-importing an export taken before an edit never brings the replaced
switch back.

The export still holds the switch the edit replaced; importing it again said "1 new" and the
day counted 7,200 s for a one-hour span. Decision: an import skips the ids an edit replaced
(the ``before`` of an edit in force, the ``after`` of an undone one) and says so; it does
not refuse every overlap with the host's own switches, since a legitimate import (another
tool's history of the same hours, a machine's own older data) may overlap, and the edit log
says exactly which ids are gone on purpose. Both backends (MongoDB on mongomock).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmeter.edits.operations import make_edit, undo_last
from deskmeter.importing import import_switches
from deskmeter.importing.readers import ImportSource
from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.documents import switch_to_doc
from tests.hardening.support import open_store
from tests.web.conftest import utc

HOUR = utc(2024, 3, 4, 9)
NOW = utc(2024, 3, 5)


def _export(store: Store) -> list[dict[str, object]]:
    return [dict(switch_to_doc(s)) for s in store.switches()]


def _reimport(store: Store, docs: list[dict[str, object]]) -> int:
    result = import_switches(ImportSource("export", iter(docs), len(docs)), store)
    return result.new


def _day_seconds(store: Store) -> float:
    totals = store.day_seconds(HOUR - timedelta(hours=9), NOW, ZoneInfo("UTC"))
    return sum(totals.values())


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_export_from_before_an_edit_does_not_bring_the_replaced_switch_back(
    kind: str, tmp_path: Path
) -> None:
    store = open_store(kind, tmp_path)
    store.add_switches(
        [
            Switch(
                id="one-hour",
                date=HOUR,
                delta=3600.0,
                workspace_index=0,
                workspace="code",
                task_id=None,
                task=None,
                host="desk",
            )
        ]
    )
    exported = _export(store)
    make_edit(
        store, "away", HOUR + timedelta(minutes=15), HOUR + timedelta(minutes=30),
        who="test", now=NOW, host="desk",
    )  # fmt: skip
    assert _day_seconds(store) == 2700
    assert _reimport(store, exported) == 0
    assert _day_seconds(store) == 2700
    assert store.count_existing_switches(["one-hour"]) == 0


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_after_an_undo_the_edits_pieces_are_the_ones_not_brought_back(
    kind: str, tmp_path: Path
) -> None:
    store = open_store(kind, tmp_path)
    store.add_switches(
        [
            Switch(
                id="one-hour",
                date=HOUR,
                delta=3600.0,
                workspace_index=0,
                workspace="code",
                task_id=None,
                task=None,
                host="desk",
            )
        ]
    )
    make_edit(
        store, "away", HOUR + timedelta(minutes=15), HOUR + timedelta(minutes=30),
        who="test", now=NOW, host="desk",
    )  # fmt: skip
    exported = _export(store)  # the edit's three pieces
    undo_last(store, who="test", now=NOW, host="desk")
    assert _reimport(store, exported) == 0
    assert _day_seconds(store) == 3600
