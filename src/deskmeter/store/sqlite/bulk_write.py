"""The SQLite backend's bulk writes of switches: what makes a write of thousands of switches
(an import, a large batch) cost little more than SQLite's own work.

* ``insert_many``: the rows 100 to a statement (the sqlite3 module's own work per
  ``executemany`` row was most of an insert's time), with the change counter's per-row
  trigger lifted for them and the counter bumped once instead;
* ``cache_room``: room in SQLite's page cache while the write runs;
* ``LATE_INDEX_ROWS`` and ``index_ids``: a first write into an empty store drops the id
  index and makes it again at its end, in one sort.

``switches.py`` decides when each applies; ``tests/store_totals/test_bulk_write_paths.py``
checks that the rows and the kept totals are those of a write without them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

from deskmeter.models import SwitchValues
from deskmeter.store.sqlite.codec import SWITCH_COLUMNS, SWITCH_MARKS, Row, encode_id
from deskmeter.store.sqlite.schema import SCHEMA, statements
from deskmeter.store.sqlite.totals_sql import INSERT_TRIGGER

_ID_INDEX_HEAD = "CREATE UNIQUE INDEX switch_by_id "
#: The insert of one switch row, and of ``_ROWS_PER_INSERT`` rows (``insert_many``; 900
#: parameters, under the 999 of the oldest SQLite builds).
INSERT_ONE = f"INSERT OR REPLACE INTO switch ({SWITCH_COLUMNS}) VALUES ({SWITCH_MARKS})"
_ROWS_PER_INSERT = 100
_SWITCH_WIDTH = len(SWITCH_COLUMNS.split(", "))
_INSERT_MANY = f"INSERT OR REPLACE INTO switch ({SWITCH_COLUMNS}) VALUES " + ", ".join(
    [f"({SWITCH_MARKS})"] * _ROWS_PER_INSERT
)
#: The id index, as ``schema.py`` makes it; a first write of this many switches or more drops
#: it and makes it again at its end (``index_ids``).
ID_INDEX = next(
    s.strip().rstrip(";") for s in statements(SCHEMA) if s.lstrip().startswith(_ID_INDEX_HEAD)
)
LATE_INDEX_ROWS = 10_000
#: Page cache a bulk write asks for per switch it writes (``cache_room``).
_PAGE_BYTES_PER_ROW = 128
#: From this many switches a write goes the bulk way (``insert_many``, ``cache_room``).
BULK_ROWS = 500


def insert_many(db: sqlite3.Connection, rows: Sequence[Row]) -> None:
    """``INSERT OR REPLACE`` the rows (``BULK_ROWS`` or more), ``_ROWS_PER_INSERT`` to a
    statement, the counter's insert trigger lifted for them (``_trigger_lifted``): the sqlite3
    module's own work per ``executemany`` row is most of an insert's time (each row is
    still its own insert, in order: a row replaces an earlier one of the same key as
    ever). Measured: 330,000 rows in 165 ms instead of 275 ms."""
    whole = len(rows) - len(rows) % _ROWS_PER_INSERT
    flat = list(chain.from_iterable(rows[:whole] if whole < len(rows) else rows))
    step = _ROWS_PER_INSERT * _SWITCH_WIDTH

    def insert(db: sqlite3.Connection) -> None:
        db.executemany(_INSERT_MANY, [flat[at : at + step] for at in range(0, len(flat), step)])
        db.executemany(INSERT_ONE, rows[whole:])

    _trigger_lifted(db, insert)


@contextmanager
def cache_room(db: sqlite3.Connection, rows: int) -> Iterator[None]:
    """Room in SQLite's page cache for a bulk write of ``rows`` switches (about 100 bytes
    of pages each, with their index and kept totals) while it runs: within the default 2 MB
    its pages are written out and read back before it commits (about 6% of a 330k import).
    The cache is back to what it was afterwards; SQLite takes the room only as it is used."""
    wanted = -(rows * _PAGE_BYTES_PER_ROW // 1024)  # (negative: KiB)
    before = int(db.execute("PRAGMA cache_size").fetchone()[0])
    if rows < BULK_ROWS or _kib(before) >= -wanted:
        yield
        return
    db.execute(f"PRAGMA cache_size = {wanted}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def index_ids(db: sqlite3.Connection, values: Sequence[SwitchValues]) -> None:
    """Make the id index again after a first write of ``values`` without it (dropped for
    the write: one sort at the end is faster than keeping it row by row). Without it, an
    id written twice with two starts left two rows (the primary key is start and id): the
    unique index refuses them, so each such id keeps the row of its last value, as
    ``INSERT OR REPLACE`` with the index would have left, and the index is made then."""
    try:
        db.execute(ID_INDEX)
        return
    except sqlite3.IntegrityError:
        pass
    final = {key: start for start, key, *_ in values}  # (the last value of each id wins)
    superseded = {(start, key) for start, key, *_ in values if final[key] != start}
    db.executemany(
        "DELETE FROM switch WHERE start = ? AND id = ?",
        [(start, encode_id(key)) for start, key in superseded],
    )
    db.execute(ID_INDEX)


def _kib(cache_size: int) -> int:
    """``PRAGMA cache_size`` in KiB (positive: pages of SQLite's default 4 KiB)."""
    return -cache_size if cache_size < 0 else cache_size * 4


def _trigger_lifted(db: sqlite3.Connection, insert: Callable[[sqlite3.Connection], object]) -> None:
    """``insert(db)``, inserts into ``switch``, with the counter's insert trigger lifted for
    them (it costs more than the inserts themselves) and the counter bumped once instead;
    inside the write transaction, so no other connection sees it lifted."""
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        ("switch_counted_insert",),
    ).fetchone()
    if found is None:
        insert(db)
        return
    db.execute("DROP TRIGGER switch_counted_insert")
    insert(db)
    db.execute(INSERT_TRIGGER)
    db.execute("UPDATE switch_change SET n = n + 1 WHERE id = 1")
