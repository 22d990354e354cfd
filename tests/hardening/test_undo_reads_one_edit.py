"""Issue 22, item 11: ``edit undo`` reads only the newest edit it will undo, not the log.

990 edits then 990 undos took 221 s when every undo read the whole log. Here the log is
never read whole (``Store.edits`` would fail), and the one edit read is the right one: the
newest of this host (or of none) that is not undone. Both backends (MongoDB on mongomock).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit, undo_last
from deskmeter.store import Store
from tests.hardening.support import open_store
from tests.hardening.test_concurrent_edits import HOST, MORNING, NOW, _fill


def _no_full_log(*args: object, **kwargs: object) -> list[object]:
    raise AssertionError("undo read the whole edit log")


def _edit(store: Store, minute: int, host: str = HOST) -> str:
    start = MORNING + timedelta(minutes=minute)
    return make_edit(
        store, "away", start, start + timedelta(minutes=5), who="test", now=NOW, host=host
    ).id


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_undo_takes_the_newest_undoable_edit_without_reading_the_log(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(kind, tmp_path)
    _fill(store)
    first, second, third = _edit(store, 0), _edit(store, 10), _edit(store, 20)
    monkeypatch.setattr(store, "edits", _no_full_log)
    assert undo_last(store, who="test", now=NOW, host=HOST).id == third
    assert undo_last(store, who="test", now=NOW, host=HOST).id == second
    assert undo_last(store, who="test", now=NOW, host=HOST).id == first
    with pytest.raises(EditError, match="no edit to undo"):
        undo_last(store, who="test", now=NOW, host=HOST)


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_undo_skips_another_hosts_edits(kind: str, tmp_path: Path) -> None:
    store = open_store(kind, tmp_path)
    _fill(store)
    mine = _edit(store, 0)
    assert store.last_undoable_edit("laptop") is None
    assert undo_last(store, who="test", now=NOW, host=HOST).id == mine
    with pytest.raises(EditError, match="no edit to undo"):
        undo_last(store, who="test", now=NOW, host="laptop")
