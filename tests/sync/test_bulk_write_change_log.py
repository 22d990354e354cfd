"""A bulk write records its documents in the change log as a write of one does: one row per
document, the newest, in the order written (the ids go to SQLite as one JSON array, not a
statement per document; real SQLite file)."""

from __future__ import annotations

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.source import SQLiteSource
from tests.sync.support import switch


def test_a_bulk_write_logs_each_document_once_newest_last(local_sqlite: SQLiteStore) -> None:
    source = SQLiteSource(local_sqlite, watch=False)
    start = source.start_position()
    log = local_sqlite.changelog
    local_sqlite.add_switches([switch(i) for i in range(0, 150)])
    local_sqlite.add_switch(switch(3))
    local_sqlite.add_switches([switch(i, delta=30.0) for i in range(140, 300)])  # 140..149 again
    local_sqlite.delete_switches([switch(i).id for i in range(290, 300)])
    changes = log.changes_after(start, 10_000)
    assert len(changes) == 300 and log.pending(start) == 300
    order = [c.doc_id for c in changes]
    assert len(set(order)) == 300  # one row per document
    expected = (
        [switch(i).id for i in range(0, 140) if i != 3]
        + [switch(3).id]
        + [switch(i).id for i in range(140, 300)]
    )
    assert order == expected  # the newest change of each, in the order written
    deleted = {c.doc_id for c in changes if c.op == "delete"}
    assert deleted == {switch(i).id for i in range(290, 300)}
