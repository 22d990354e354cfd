"""The SQLite backend's switches: writing them (with the day totals kept in step) and reading.

The schema (store/sqlite/schema.py) keeps a switch in about 60 bytes; store/sqlite/codec.py
packs and unpacks rows. Every switch write goes through ``SwitchTable.put`` inside a switch
transaction, which keeps the day totals (store/sqlite/totals.py) and the change log
(store/sqlite/changelog.py) in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from deskmeter import limits
from deskmeter.models import Switch, SwitchValues
from deskmeter.store.base import SortOrder
from deskmeter.store.instants import to_us
from deskmeter.store.sqlite.bulk_write import (
    BULK_ROWS,
    INSERT_ONE,
    LATE_INDEX_ROWS,
    cache_room,
    index_ids,
    insert_many,
)
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.codec import (
    LABEL_COLUMNS,
    SWITCH_COLUMNS,
    Labels,
    Row,
    encode_id,
    row_switch,
    rows_switches,
    switch_rows,
    switch_texts,
    values_rows,
    values_texts,
)
from deskmeter.store.sqlite.connection import Connections
from deskmeter.store.sqlite.day_refresh import spans_apart
from deskmeter.store.sqlite.switch_json import page_json
from deskmeter.store.sqlite.totals import DayTotals

#: Ids per ``IN (...)`` list (well under SQLite's bound-parameter limit).
_IDS_PER_QUERY = 500
#: ``host_number`` of a host no switch has.
NO_SUCH_HOST = -1
#: Rows per INSERT batch inside one transaction.
_WRITE_CHUNK = 10_000
#: A row's start, id key and delta.
_START, _KEY, _DELTA = itemgetter(0), itemgetter(1), itemgetter(2)


class ValuesWritten(NamedTuple):
    """What ``add_values`` wrote: rows, and switches whose id was not stored before."""

    written: int
    new: int


@dataclass
class _FirstWrite:
    """What ``add_values`` wrote so far into a store that had no switch as it began: the
    starts and deltas (for ``spans_apart``). The only rows such a write can replace are its
    own, whose days are noted already; how many it added is the table's count at its end."""

    starts: list[int] = field(default_factory=list)
    deltas: list[int] = field(default_factory=list)


def _range(
    start: datetime | None, end: datetime | None, host: int | None = None
) -> tuple[str, list[int]]:
    clauses, params = [], []
    if host is not None:
        clauses.append("host = ?")
        params.append(host)
    if start is not None:
        clauses.append("start >= ?")
        params.append(to_us(start))
    if end is not None:
        clauses.append("start < ?")
        params.append(to_us(end))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SwitchTable:
    """The ``switch`` table of one store, its labels and the day totals kept beside it."""

    def __init__(self, connections: Connections, labels: Labels, day_totals: DayTotals) -> None:
        self._connections = connections
        self.labels = labels
        self.day_totals = day_totals
        #: Labels made by the switch transaction in progress (cached once it commits).
        self._pending_labels: dict[str, int] = {}
        #: How deep this store's switch transactions are nested (the write lock is held).
        self._depth = 0

    # -- writing ----------------------------------------------------------------------------

    def put(self, db: sqlite3.Connection, switches: Sequence[Switch]) -> int:
        """Write ``switches`` (replacing by id) inside the open switch transaction ``db``.

        EVERY switch write goes through here (``add``, the store's ``close_interval``, an
        edit): the place for anything that must change in the same transaction as a switch.
        """
        if not switches:
            return 0
        for switch in switches:
            if not switch.checked:  # checked when made (the boundary); else here
                limits.validate_switch(switch)  # refuse what the queries cannot handle
        numbers = self.labels.numbers(db, switch_texts(switches), self._pending_labels)
        self._pending_labels.update(numbers)
        return self._write(db, switch_rows(switches, numbers), [s.id for s in switches])[0]

    def put_values(
        self,
        db: sqlite3.Connection,
        values: Sequence[SwitchValues],
        first: _FirstWrite | None = None,
    ) -> tuple[int, int]:
        """``put`` for switch values already checked at the boundary (``models.SwitchValues``,
        a bulk import's): straight to rows, no ``Switch`` per value. ``first``: see
        ``_write``, whose (written, added) it answers."""
        if not values:
            return 0, 0
        numbers = self.labels.numbers(db, values_texts(values), self._pending_labels)
        self._pending_labels.update(numbers)
        return self._write(db, values_rows(values, numbers), map(_KEY, values), first)

    def _write(
        self,
        db: sqlite3.Connection,
        rows: list[Row],
        ids: Iterable[str],
        first: _FirstWrite | None = None,
    ) -> tuple[int, int]:
        """Write encoded rows (``ids``: their ids as text, read only when the change log
        records) and note their days; ``first``: given (and added to) when the store had no
        switch as the transaction began, so no old row is looked up. Answers how many rows
        were written and how many of their ids were not stored before (0 with ``first``:
        ``add_values`` counts them at its end).
        """
        replaced: list[tuple[int, int]] = []
        if first is None:
            keys = list(dict.fromkeys(map(_KEY, rows)))
            replaced = self.day_totals.old_rows(db, keys)  # their old days are recomputed too
            added = len(keys) - len(replaced)
        else:  # counted once at the end (``add_values``)
            added = 0
        if len(rows) >= BULK_ROWS:
            insert_many(db, rows)
        else:
            db.executemany(INSERT_ONE, rows)
        deltas = list(map(_DELTA, rows))
        db.execute("UPDATE switch_stats SET longest = MAX(longest, ?) WHERE id = 1", (max(deltas),))
        ChangeLog.record(db, "switch", ids, "upsert")
        if replaced:
            self.day_totals.note(replaced, 0)
        starts = list(map(_START, rows))
        self.day_totals.note_columns(starts, deltas, added)
        if first is not None:
            first.starts += starts
            first.deltas += deltas
        return len(rows), added

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction whose new labels are cached only once it committed."""
        with self._connections.write_lock:
            if self._depth:  # nested (an edit inside ``editing``): part of it
                yield self._connections.db()
                return
            self._depth += 1
            try:
                self._pending_labels = {}
                with self._connections.transaction() as db:
                    self.day_totals.begin(db)
                    try:
                        yield db
                        self.day_totals.flush(db)  # the noted days, recomputed before COMMIT
                    finally:
                        self.day_totals.end()
                self.labels.remember(self._pending_labels)
            finally:
                self._depth -= 1

    def add(self, switches: Iterable[Switch]) -> int:
        written = 0
        with self.transaction() as db:
            chunk: list[Switch] = []
            for switch in switches:
                chunk.append(switch)
                if len(chunk) >= _WRITE_CHUNK:
                    written += self.put(db, chunk)
                    chunk = []
            written += self.put(db, chunk)
        return written

    def add_values(
        self, values: Sequence[SwitchValues], told: Callable[[int], object] | None = None
    ) -> ValuesWritten:
        """``add`` for switch values already checked (``put_values``); ``told``: called with
        the number of values after each batch is written (an import's progress)."""
        written = added = 0
        with cache_room(self._connections.db(), len(values)), self.transaction() as db:
            empty = db.execute("SELECT 1 FROM switch LIMIT 1").fetchone() is None
            first = _FirstWrite() if empty else None
            late_index = first is not None and len(values) >= LATE_INDEX_ROWS
            if late_index:  # made again below, in one sort
                db.execute("DROP INDEX IF EXISTS switch_by_id")
            for start in range(0, len(values), _WRITE_CHUNK):
                chunk = values[start : start + _WRITE_CHUNK]
                rows, new = self.put_values(db, chunk, first)
                written, added = written + rows, added + new
                if told is not None:
                    told(len(chunk))
            if late_index:
                index_ids(db, values)
            if first is not None:  # the table holds what this wrote, and only that
                added = int(db.execute("SELECT COUNT(*) FROM switch").fetchone()[0])
                self.day_totals.count(added)
                if self._depth == 1:  # the store is what this wrote: the window pass over it
                    # for overlaps is not needed when none are among them
                    self.day_totals.apart = partial(spans_apart, first.starts, first.deltas)
        return ValuesWritten(written, added)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove switches by id (maintenance; the tracker never deletes); return how many."""
        wanted = list(ids)
        with self.transaction() as db:
            return self.delete_in(db, wanted)

    def delete_in(self, db: sqlite3.Connection, ids: Sequence[str]) -> int:
        """Delete by id inside the open switch transaction (their days are recomputed)."""
        keys = list(dict.fromkeys(encode_id(i) for i in ids))
        old = self.day_totals.old_rows(db, keys)
        gone = int(db.executemany("DELETE FROM switch WHERE id = ?", [(k,) for k in keys]).rowcount)
        self.day_totals.note(old, -gone)
        ChangeLog.record(db, "switch", ids, "delete")
        return gone

    # -- reading ----------------------------------------------------------------------------

    def read(self, sql: str, params: Sequence[Any]) -> list[Switch]:
        """The switches a ``SELECT {SWITCH_COLUMNS}`` query finds (bad rows are reported and
        skipped)."""
        db = self._connections.db()
        rows = db.execute(sql, params).fetchall()
        self.labels.load(db, (n for r in rows for n in r[LABEL_COLUMNS]))
        try:
            return rows_switches(rows, self.labels)  # the fast path: every row is sane
        except (ValueError, TypeError, OverflowError, KeyError):  # skip (and report) the bad ones
            return list(limits.readable(rows, lambda r: row_switch(r, self.labels)))

    def switches(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: SortOrder = "asc",
        host: str | None = None,
    ) -> list[Switch]:
        number = self.host_number(host)
        if number == NO_SUCH_HOST:
            return []
        where, params = _range(start, end, number)
        direction = "DESC" if order == "desc" else "ASC"
        sql = (
            f"SELECT {SWITCH_COLUMNS} FROM switch{where} ORDER BY start {direction}, id {direction}"
        )
        args: list[Any] = list(params)
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else limit, offset]
        return self.read(sql, args)

    def switches_json(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        limit: int,
        offset: int,
        order: SortOrder,
        host: str | None,
    ) -> tuple[str, int] | None:
        """``switches(...)`` as the JSON text of their records, written by SQLite
        (``switch_json.py``), and how many; None when a row is outside the limits."""
        number = self.host_number(host)
        if number == NO_SUCH_HOST:
            return "[]", 0
        where, params = _range(start, end, number)
        db = self._connections.db()
        return page_json(db, where, params, limit=limit, offset=offset, order=order)

    def count(
        self, start: datetime | None = None, end: datetime | None = None, *, host: str | None = None
    ) -> int:
        number = self.host_number(host)
        if number == NO_SUCH_HOST:
            return 0
        where, params = _range(start, end, number)
        return int(self._connections.query(f"SELECT COUNT(*) FROM switch{where}", params)[0][0])

    def host_number(self, host: str | None) -> int | None:
        """The label number of ``host`` (None: any host; ``NO_SUCH_HOST``: none has it)."""
        if host is None:
            return None
        rows = self._connections.query("SELECT id FROM label WHERE text = ?", (host,))
        return int(rows[0][0]) if rows else NO_SUCH_HOST

    def count_existing(self, ids: Sequence[str]) -> int:
        if not self._connections.query("SELECT 1 FROM switch LIMIT 1"):
            return 0  # an empty store (a first import): nothing to look up
        unique = [encode_id(i) for i in dict.fromkeys(ids)]
        found = 0
        for first in range(0, len(unique), _IDS_PER_QUERY):
            chunk = unique[first : first + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            found += int(
                self._connections.query(
                    f"SELECT COUNT(*) FROM switch WHERE id IN ({marks})", chunk
                )[0][0]
            )
        return found

    def longest(self) -> float:
        """The longest delta ever written (an upper bound once a switch was shortened)."""
        rows = self._connections.query("SELECT longest FROM switch_stats WHERE id = 1")
        return limits.clamp_delta(int(rows[0][0]) / 1000) if rows else 0.0
