"""The embedded SQLite backend: the default, zero set-up store.

``SQLiteStore`` answers the ``Store`` interface (store/base.py) by handing each question to
the part of this package that holds its concern:

* ``Connections`` (connection.py): one connection per thread, serialized write transactions;
  ``migrate`` (migrate.py) brings the file to the current schema (schema.py) on open;
* ``SwitchTable`` (switches.py): switch writes and reads, with the day totals (totals.py) and
  the change log (changelog.py) kept in the same transaction;
* ``KeptTotals`` (kept.py): the fast totals path; the reference path is ``Store``'s own;
* ``TaskTables`` (tasks.py), ``StateTable`` (state.py), ``EditLog`` (edits.py), ``MetaTable``
  (meta.py), ``DocumentReader`` (documents.py: the records in their synced shape);
* ``SQLiteDocuments`` (documents.py) for adopting single-host data (store/adopt.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from deskmeter.models import State, Switch, SwitchValues, Task, TaskHistoryEntry, Total
from deskmeter.store.adopt import Adopted, adopt
from deskmeter.store.base import SortOrder, Store, StoreError, state_host
from deskmeter.store.day_grid import GROUP_CODES, Zone
from deskmeter.store.documents import Document
from deskmeter.store.edit_record import EditRecord
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.codec import Labels
from deskmeter.store.sqlite.connection import Connections
from deskmeter.store.sqlite.documents import DocumentReader, SQLiteDocuments
from deskmeter.store.sqlite.edits import EditLog
from deskmeter.store.sqlite.kept import KeptTotals
from deskmeter.store.sqlite.meta import MetaTable
from deskmeter.store.sqlite.migrate import migrate
from deskmeter.store.sqlite.state import StateTable, put_state
from deskmeter.store.sqlite.switches import SwitchTable, ValuesWritten
from deskmeter.store.sqlite.tasks import TaskTables
from deskmeter.store.sqlite.totals import DayTotals
from deskmeter.store.totals import MIDNIGHT, Group, Period, Sums


class SQLiteStore(Store):
    """A store in one SQLite file (WAL mode), safe to share between threads."""

    kind = "sqlite"
    write_errors = (StoreError, OSError, sqlite3.Error)

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.connections = Connections(self.path, read_only=read_only)
        labels = Labels()
        self._switches = SwitchTable(self.connections, labels, DayTotals(labels))
        self._kept = KeptTotals(self.connections, self._switches)
        self._tasks = TaskTables(self.connections)
        self._states = StateTable(self.connections)
        self._edits = EditLog(self.connections, self._switches)
        self._meta = MetaTable(self.connections)
        self._documents = DocumentReader(self.connections, self._switches, self._states)
        #: The change log sync's SQLite source reads (store/sqlite/changelog.py).
        self.changelog = ChangeLog(self.connections.db, self.connections.transaction)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connections.db()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc
        migrate(self.connections)
        self._kept.open()

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    def close(self) -> None:
        self.connections.close()

    def data_version(self) -> int:
        """Changes when another connection (any process) commits (see ``Connections``)."""
        return self.connections.data_version()

    def schema_version(self) -> int:
        return self.connections.schema_version()

    # -- switches ---------------------------------------------------------------------------

    def add_switches(self, switches: Iterable[Switch]) -> int:
        return self._switches.add(switches)

    def add_switch_values(
        self, values: Sequence[SwitchValues], told: Callable[[int], object] | None = None
    ) -> ValuesWritten:
        """``add_switches`` for switch values checked at the boundary (a bulk import's
        ``importing/quick.py`` or ``bulk_json.py`` rows): written without a ``Switch`` per
        value; ``told`` gets the number written after each batch. Answers how many were
        written and how many of their ids the store did not hold before."""
        return self._switches.add_values(values, told)

    def delete_switches(self, ids: Iterable[str]) -> int:
        """Remove switches by id (maintenance; the tracker never deletes); return how many."""
        return self._switches.delete(ids)

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
        return self._switches.switches(
            start, end, limit=limit, offset=offset, order=order, host=host
        )

    def count_switches(
        self, start: datetime | None = None, end: datetime | None = None, *, host: str | None = None
    ) -> int:
        return self._switches.count(start, end, host=host)

    def switches_json(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        limit: int,
        offset: int = 0,
        order: SortOrder = "asc",
        host: str | None = None,
    ) -> tuple[str, int] | None:
        """The page as JSON text written by SQLite (``switch_json.py``), and its length."""
        return self._switches.switches_json(
            start, end, limit=limit, offset=offset, order=order, host=host
        )

    def count_existing_switches(self, ids: Sequence[str]) -> int:
        return self._switches.count_existing(ids)

    def longest_switch(self) -> float:
        """The longest delta ever written (an upper bound once a switch was shortened)."""
        return self._switches.longest()

    def last_switch_ends(self) -> dict[str, datetime]:
        return self._kept.last_switch_ends()

    # -- totals: the kept day totals (kept.py), else Store's reference path -----------------

    def _kept_sums(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        group_code: int,
        host: str | None,
        by: Period | None,
    ) -> Sums | None:
        return self._kept.sums(start, end, tz, day_start, group_code, host, by)

    def day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds per local day and key, from the day totals kept ready (whole days read a
        few rows each; a range's partial days are cut from the switches)."""
        kept = self._kept.day_totals(start, end, Zone(tz, day_start), GROUP_CODES[group], host)
        if kept is not None:
            return kept
        return super().day_totals(start, end, tz, group=group, day_start=day_start, host=host)

    def day_totals_json(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> tuple[str, float]:
        """``day_totals`` as JSON rows, encoded by SQLite from the kept day totals."""
        zone = Zone(tz, day_start)
        kept = self._kept.day_totals_json(start, end, zone, GROUP_CODES[group], host)
        if kept is not None:
            return kept
        return super().day_totals_json(start, end, tz, group=group, day_start=day_start, host=host)

    def day_task_ms(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
        detail: tuple[date, date] | None = None,
    ) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
        """Milliseconds per local day and task, read from the kept day totals in one pass."""
        days = None if detail is None else (detail[0].toordinal(), detail[1].toordinal())
        kept = self._kept.day_task_ms(start, end, Zone(tz, day_start), host, days)
        if kept is not None:
            return kept
        return super().day_task_ms(start, end, tz, day_start=day_start, host=host, detail=detail)

    def days_ms_total(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> int:
        """The local days' totals added up, in ms: one SQL sum of the kept day totals."""
        kept = self._kept.days_ms_total(start, end, Zone(tz, day_start), host)
        if kept is not None:
            return kept
        return super().days_ms_total(start, end, tz, day_start=day_start, host=host)

    def day_seconds(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> dict[date, float]:
        kept = self._kept.day_seconds(start, end, tz, day_start, GROUP_CODES["task"], host)
        if kept is not None:
            return kept
        return super().day_seconds(start, end, tz, day_start=day_start, host=host)

    def area_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        by: Literal["day", "week", "month"] = "week",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        kept = self._kept.area_totals(start, end, Zone(tz, day_start), by, host)
        if kept is not None:
            return kept
        return super().area_totals(start, end, tz, by=by, day_start=day_start, host=host)

    # -- tasks ------------------------------------------------------------------------------

    def upsert_tasks(self, tasks: Sequence[Task]) -> None:
        self._tasks.upsert(tasks)

    def tasks(self, *, include_inactive: bool = False, host: str | None = None) -> list[Task]:
        return self._tasks.tasks(include_inactive=include_inactive, host=host)

    def task_paths(self) -> frozenset[str]:
        return self._tasks.paths()

    def add_task_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        self._tasks.add_history(entries)

    def task_history(
        self, task_id: str | None = None, *, host: str | None = None
    ) -> list[TaskHistoryEntry]:
        return self._tasks.history(task_id, host=host)

    # -- state ------------------------------------------------------------------------------

    def states(self) -> list[State]:
        return self._states.states()

    def get_state(self, host: str | None = None) -> State | None:
        return super().get_state() if host is None else self._states.get(host)

    def put_state(self, state: State | None, *, host: str | None = None) -> None:
        self._states.put(state, state_host(state, host))

    def close_interval(
        self, switch: Switch | None, state: State | None, *, host: str | None = None
    ) -> None:
        owner = state_host(state, host)
        with self._switches.transaction() as db:
            if switch is not None:
                self._switches.put(db, [switch])
            put_state(db, state, owner)

    def adopt_legacy(self, host: str) -> Adopted:
        with self.connections.transaction() as db:
            return adopt(SQLiteDocuments(db), host)

    # -- edits ------------------------------------------------------------------------------

    def apply_edit(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        self._edits.apply(remove, add, edit)

    @contextmanager
    def editing(self, host: str) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``) around an edit's plan and its writes:
        another edit, an undo or the tracker's ``close_interval`` waits for it."""
        with self._switches.transaction():
            yield

    def replaced_switch_ids(self, ids: Sequence[str]) -> set[str]:
        return self._edits.replaced_switch_ids(ids)

    def last_undoable_edit(self, host: str = "") -> EditRecord | None:
        return self._edits.last_undoable(host)

    def edits(self, *, limit: int | None = None) -> list[EditRecord]:
        return self._edits.edits(limit=limit)

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str | None) -> None:
        self._meta.set(key, value)

    def swap_meta(self, key: str, expected: str | None, new: str | None) -> bool:
        return self._meta.swap(key, expected, new)

    # -- documents (sync reads them in their MongoDB shape) ---------------------------------

    def get_document(self, collection: str, doc_id: str) -> Document | None:
        return self._documents.get(collection, doc_id)

    def documents(self, collection: str) -> Iterator[Document]:
        return self._documents.all(collection)

    def count_documents(self, collection: str) -> int:
        return self._documents.count(collection)

    def last_document_id(self, collection: str) -> str | None:
        return self._documents.last_id(collection)

    def documents_page(
        self, collection: str, after: str | None, limit: int, until: str | None = None
    ) -> list[Document]:
        return self._documents.page(collection, after, limit, until)
