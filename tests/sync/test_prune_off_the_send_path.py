"""The SQLite source prunes its change log when nothing waits to be sent, not between a
commit and its sending: pruning is a write, which may wait for another process's
transaction (real SQLite file)."""

from __future__ import annotations

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.source import SQLiteSource
from tests.sync.support import switch


def test_a_read_that_finds_changes_does_not_prune_and_the_next_empty_one_does(
    local_sqlite: SQLiteStore,
) -> None:
    source = SQLiteSource(local_sqlite, watch=False)
    log = local_sqlite.changelog
    start = source.start_position()
    local_sqlite.add_switch(switch(1))
    first = source.read(start, 100)
    assert [c.doc_id for c in first.changes] == [switch(1).id]
    local_sqlite.add_switch(switch(2))  # committed while the first batch was being sent
    second = source.read(first.position, 100)  # the first batch was acknowledged
    assert [c.doc_id for c in second.changes] == [switch(2).id]
    assert log.pruned_through() == start  # changes were waiting: no write before sending
    empty = source.read(second.position, 100)
    assert not empty.changes
    assert log.pruned_through() == second.position  # nothing waiting: pruned now
    assert log.pending(0) == 0
