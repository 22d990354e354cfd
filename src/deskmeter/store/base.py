"""The storage port: one interface, two backends (SQLite and MongoDB).

Both backends pass the same contract suite (``tests/contract``). Writes of a record with an
``id`` that already exists replace it, so every write is idempotent.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from deskmeter.models import HostInfo, State, Switch, Task, TaskHistoryEntry, Total, area_of
from deskmeter.store.adopt import Adopted
from deskmeter.store.day_grid import AWAY, GROUP_CODES, fold
from deskmeter.store.edit_record import EditRecord
from deskmeter.store.overlap import credited_pieces
from deskmeter.store.totals import MIDNIGHT, Group, Period, Sums, cut_totals

#: The collections (tables) of the data model, with the seed's names.
COLLECTIONS: tuple[str, ...] = ("switch", "task", "task_history", "state", "edit")
#: The remote's record of each host that syncs into it (last sync, last switch): written by
#: sync's sink, never synced itself (``Store.last_syncs`` reads it).
HOST_COLLECTION = "host"


def state_host(state: State | None, host: str | None) -> str:
    """The host a state write is for: ``state.host``, else ``host`` (one is required)."""
    if state is not None:
        if host is not None and host != state.host:
            raise ValueError(f"the state is {state.host!r}'s, not {host!r}'s")
        return state.host
    if host is None:
        raise ValueError("clearing a state needs the host whose state it is")
    return host


SortOrder = Literal["asc", "desc"]

#: The edit locks this thread holds (``Store.editing`` is re-entrant).
_EDIT_LOCKS = threading.local()


def _lock_expired(value: str) -> bool:
    try:
        return float(value.rsplit(maxsplit=1)[-1]) < time.time()
    except (ValueError, IndexError):
        return True  # not a lock this version wrote: take it over


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


class StoreNotFoundError(StoreError):
    """A read-only command was pointed at a store that does not exist."""


class EditConflictError(StoreError):
    """An edit's plan no longer matches the store (a switch it replaces is gone): nothing
    was written; plan it again."""


class EditBusyError(StoreError):
    """Another edit of the same host held its lock for too long; nothing was written."""


#: The ``meta`` key of a host's edit lock (backends without write transactions).
EDIT_LOCK_KEY = "edit_lock@{host}"
#: An edit lock older than this is taken as left by a crashed process and taken over.
EDIT_LOCK_SECONDS = 60.0
#: How long an edit waits for another edit of its host before giving up.
EDIT_WAIT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of a backend's change log: document ``doc_id`` of ``collection`` changed."""

    seq: int
    collection: str
    doc_id: str
    op: Literal["upsert", "delete"]
    at: datetime


class Store(ABC):
    """What the tracker, the dashboard, sync and the CLI need from storage."""

    #: A short name for logs and ``status`` output: ``sqlite`` or ``mongodb``.
    kind: str = ""
    #: What the backend raises when it cannot write just now (disk full, read-only, network
    #: away): the tracker keeps the interval in memory and retries on these.
    write_errors: tuple[type[Exception], ...] = (StoreError, OSError)

    # -- switches ---------------------------------------------------------------------------

    @abstractmethod
    def add_switches(self, switches: Iterable[Switch]) -> int:
        """Insert or replace switches by id; return how many were written."""

    def add_switch(self, switch: Switch) -> None:
        self.add_switches([switch])

    @abstractmethod
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
        """Switches that *start* in ``[start, end)``, ordered by start then id.

        ``host`` keeps only that workstation's switches (None: every host's).
        """

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
        """``switches(...)`` as the JSON text of their records (``records.switch_json``,
        key for key) and how many there are, when the backend writes it itself; None: the
        caller builds it from ``switches`` (this default, and a backend's answer for a row
        outside the limits)."""
        return None

    @abstractmethod
    def count_switches(
        self, start: datetime | None = None, end: datetime | None = None, *, host: str | None = None
    ) -> int:
        """How many switches (of ``host``, or of all) start in ``[start, end)``."""

    @abstractmethod
    def count_existing_switches(self, ids: Sequence[str]) -> int:
        """How many of ``ids`` are switch ids in the store now (for an exact import summary)."""

    @abstractmethod
    def longest_switch(self) -> float:
        """The largest ``delta`` stored, 0.0 when empty (bounds overlap queries).

        SQLite keeps the largest ever written: after a switch was shortened it is an upper
        bound, which is all overlap queries need.
        """

    def switches_overlapping(
        self, start: datetime, end: datetime, *, host: str | None = None
    ) -> list[Switch]:
        """Switches (of ``host``, or of all) whose interval intersects ``[start, end)``."""
        lookback = timedelta(seconds=self.longest_switch())
        return [s for s in self.switches(start - lookback, end, host=host) if s.end > start]

    def counted_switches(
        self, start: datetime, end: datetime, *, host: str | None = None
    ) -> list[Switch]:
        """What the totals of ``[start, end)`` count: one host's switches as they are, or
        (``host`` None) every host's, each moment credited once (``store/overlap.py``)."""
        switches = self.switches_overlapping(start, end, host=host)
        return switches if host is not None else credited_pieces(switches)

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
        """µs per (local day as an ordinal, or a period's first day; key) from the day totals
        a backend keeps ready (``store/day_grid.py``), for ``totals``, ``range_totals`` and
        ``away_totals``; None (here, always) when none are kept for this question: then the
        switches answer."""
        return None

    def totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        by: Period | None = "day",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds per task path (or workspace) per day/week/month cut in ``tz``.

        Days begin ``day_start`` after local midnight (default: at midnight).

        Intervals that cross a period boundary (midnight, a DST change) are split. ``host``
        counts one workstation; None counts all, each moment once (``store/overlap.py``).
        """
        sums = self._kept_sums(start, end, tz, day_start, GROUP_CODES[group], host, by)
        if sums is not None:
            return fold(sums, by)
        return cut_totals(
            self.counted_switches(start, end, host=host),
            start,
            end,
            tz,
            group,
            by,
            day_start=day_start,
        )

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
        """The same as ``totals(start, end, tz, group=group, by="day", host=host)``.

        The dashboard's hot path (calendar, totals API): backends answer it from the day
        totals they keep ready (``_kept_sums``; SQLite reads its rows directly), so a month or
        a year costs a few rows a day; this, over the switches, is the reference path.
        """
        return self.totals(start, end, tz, group=group, by="day", day_start=day_start, host=host)

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
        """``day_totals`` of the tasks as ``{local day ordinal: {task: milliseconds}}`` (keys
        with no whole millisecond left out) and, for the days outside ``detail`` (first and
        last day; None: every day in detail), their total only, ``{ordinal: ms}`` (their
        tasks' ms added up): the month page's rows, which it folds itself.

        This, over ``day_totals``, is the reference; SQLite reads its rows straight in.
        """
        tasks: dict[int, dict[str, int]] = {}
        for total in self.day_totals(start, end, tz, day_start=day_start, host=host):
            ms = round(total.seconds * 1000)
            if total.period is not None and ms > 0:
                tasks.setdefault(total.period.toordinal(), {})[total.key] = ms
        return split_detail(tasks, detail)

    def days_ms_total(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> int:
        """``day_seconds``'s values added up, in milliseconds (each day's total rounded to
        the ms first): a period's total to compare with the previous one's.

        This, over ``day_seconds``, is the reference; SQLite sums its kept rows in SQL.
        """
        found = self.day_seconds(start, end, tz, day_start=day_start, host=host)
        return sum(round(seconds * 1000) for seconds in found.values())

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
        """``day_totals`` as the totals API writes its rows: the JSON text of
        ``[{"period": "YYYY-MM-DD", "key": ..., "seconds": ...}, ...]`` in the same order,
        and the rows' seconds added up (rounded to ms).

        This, over ``day_totals``, is the reference; SQLite writes the text in SQL.
        """
        rows = self.day_totals(start, end, tz, group=group, day_start=day_start, host=host)
        text = json.dumps(
            [
                {
                    "period": t.period.isoformat() if t.period else None,
                    "key": t.key,
                    "seconds": t.seconds,
                }
                for t in rows
            ],
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return text, round(sum([t.seconds for t in rows]), 3)

    def range_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: Group = "task",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds per key over the whole range (``period`` None), summed from day totals."""
        kept = self._kept_sums(start, end, tz, day_start, GROUP_CODES[group], host, None)
        if kept is not None:
            return [t for t in fold(kept, None) if t.seconds > 0]
        sums: dict[str, float] = {}
        for total in self.day_totals(start, end, tz, group=group, day_start=day_start, host=host):
            sums[total.key] = sums.get(total.key, 0.0) + total.seconds
        return [
            Total(period=None, key=key, seconds=round(seconds, 3))
            for key, seconds in sorted(sums.items())
            if seconds > 0
        ]

    def day_seconds(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> dict[date, float]:
        """Seconds counted per local day, every task together (a heat map's cells).

        The same as summing ``day_totals`` per day; backends may add the day up inside the
        database (SQLite does), which spares a year's page its ~6,000 per-task rows.
        """
        sums: dict[date, int] = {}
        for total in self.day_totals(start, end, tz, day_start=day_start, host=host):
            if total.period is not None:
                sums[total.period] = sums.get(total.period, 0) + round(total.seconds * 1000)
        return {day: ms / 1000 for day, ms in sums.items() if ms > 0}

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
        """Seconds per period and area (a task path's top level: ``models.area_of``).

        The same as folding ``totals(group="task")`` by area; backends may group inside
        the database (SQLite does): a year's trend is 12 months x a few areas, not x tasks.
        """
        sums: dict[tuple[date | None, str], int] = {}
        for total in self.totals(
            start, end, tz, group="task", by=by, day_start=day_start, host=host
        ):
            key = (total.period, area_of(total.key))
            sums[key] = sums.get(key, 0) + round(total.seconds * 1000)
        return [
            Total(period=period, key=key, seconds=ms / 1000)
            for (period, key), ms in sorted(
                sums.items(), key=lambda i: (i[0][0] or date.min, i[0][1])
            )
            if ms > 0
        ]

    def away_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        by: Period | None = "day",
        day_start: timedelta = MIDNIGHT,
        host: str | None = None,
    ) -> list[Total]:
        """Seconds away (no input, locked, asleep) per period; ``key`` is always ``away``.

        ``totals`` and ``day_totals`` never count away time; this is where it shows. With
        every host (``host`` None), a moment is away only when no host was working.
        """
        sums = self._kept_sums(start, end, tz, day_start, AWAY, host, by)
        if sums is not None:
            return fold(sums, by)
        return cut_totals(
            self.counted_switches(start, end, host=host),
            start,
            end,
            tz,
            "task",
            by,
            day_start=day_start,
            away=True,
        )

    # -- edits (corrections of history, ``deskmeter.edits``) --------------------------------

    @abstractmethod
    def apply_edit(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        """Delete switches ``remove``, write ``add`` and the edit record, as one step.

        SQLite does it in one transaction. MongoDB writes the record, then the new switches,
        then deletes the old ones: a crash in between leaves the record saying what to redo.
        """

    @abstractmethod
    def edits(self, *, limit: int | None = None) -> list[EditRecord]:
        """The edit log, newest first."""

    def replaced_switch_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` an edit replaced: in the ``before`` of an edit in force, or the
        ``after`` of an undone one (an import never brings such a switch back)."""
        wanted = set(ids)
        gone: set[str] = set()
        for edit in self.edits():
            for switch in edit.after if edit.undone else edit.before:
                if switch.id in wanted:
                    gone.add(switch.id)
        return gone

    def last_undoable_edit(self, host: str = "") -> EditRecord | None:
        """The newest edit that is not undone, of ``host`` (or made without a host; any
        host's when ``host`` is empty). Backends answer it without reading the whole log."""
        for edit in self.edits():
            if not edit.undone and (not host or not edit.host or edit.host == host):
                return edit
        return None

    @contextmanager
    def editing(self, host: str) -> Iterator[None]:
        """Hold ``host``'s history still while one edit is planned and applied.

        Everything an edit reads (the state, the switches it replaces, the task list) and
        writes happens inside: two edits of one host never work from the same snapshot.
        SQLite makes it one write transaction (``BEGIN IMMEDIATE``). Here (MongoDB, which
        has no multi-document transaction on a standalone server or mongomock) it is a lock
        document in the never-synced ``meta`` collection, taken by compare-and-set
        (``swap_meta``) and taken over when older than ``EDIT_LOCK_SECONDS`` (a crashed
        editor). The edit re-checks that the switches it replaces still exist. The
        tracker's ``close_interval`` needs no lock: an edit never reaches into the open
        interval, whose switch is the only one the tracker writes.
        """
        key = EDIT_LOCK_KEY.format(host=host)
        held: set[tuple[int, str]] = _EDIT_LOCKS.__dict__.setdefault("held", set())
        mine = (id(self), key)
        if mine in held:  # nested (e.g. resolving the pending away stretch): already ours
            yield
            return
        token = secrets.token_hex(8)
        deadline = time.monotonic() + EDIT_WAIT_SECONDS
        value = ""
        while True:
            value = f"{token} {time.time() + EDIT_LOCK_SECONDS:.3f}"
            if self.swap_meta(key, None, value):
                break
            current = self.get_meta(key)
            if (
                current is not None
                and _lock_expired(current)
                and self.swap_meta(key, current, value)
            ):
                break
            if time.monotonic() > deadline:
                raise EditBusyError(
                    f"another edit of host {host!r} has been in progress for "
                    f"{EDIT_WAIT_SECONDS:.0f} s; nothing was changed, try again"
                )
            time.sleep(0.01)
        held.add(mine)
        try:
            yield
        finally:
            held.discard(mine)
            self.swap_meta(key, value, None)

    # -- tasks ------------------------------------------------------------------------------

    @abstractmethod
    def upsert_tasks(self, tasks: Sequence[Task]) -> None:
        """Insert or replace tasks by (host, id): each host's task file is its own."""

    @abstractmethod
    def tasks(self, *, include_inactive: bool = False, host: str | None = None) -> list[Task]:
        """Tasks of ``host``'s task file, ordered by path.

        ``host`` None: every host's rows, one per (host, id), ordered by path then host; two
        hosts with the same path give two rows (``models.merge_by_path`` makes one of them,
        as the task list shows them).
        """

    def task_paths(self) -> frozenset[str]:
        """The paths of every host's active tasks (what the colours know; no order)."""
        return frozenset(t.path for t in self.tasks())

    @abstractmethod
    def add_task_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        """Record the paths tasks had from a moment on (idempotent)."""

    @abstractmethod
    def task_history(
        self, task_id: str | None = None, *, host: str | None = None
    ) -> list[TaskHistoryEntry]:
        """History entries (of one task id, of one host, or all) ordered by task then time."""

    def task_path_at(self, task_id: str, when: datetime, host: str | None = None) -> str | None:
        """The path task ``task_id`` (of ``host``, or of any) had at ``when``, or None."""
        path = None
        for entry in self.task_history(task_id, host=host):
            if entry.since <= when:
                path = entry.path
        return path

    # -- state (one open interval per host) -------------------------------------------------

    @abstractmethod
    def states(self) -> list[State]:
        """Every host's open interval (one per host), most recent heartbeat first."""

    def get_state(self, host: str | None = None) -> State | None:
        """``host``'s open interval, or None when it tracks nothing.

        ``host`` None: the most recent of all hosts' (by heartbeat), what a dashboard of
        several hosts shows as "now". The tracker and ``status`` always pass their own host.
        """
        for state in self.states():
            if host is None or state.host == host:
                return state
        return None

    @abstractmethod
    def put_state(self, state: State | None, *, host: str | None = None) -> None:
        """Replace ``state.host``'s open interval; ``None`` clears ``host``'s (required then).

        Another host's state is never touched.
        """

    @abstractmethod
    def close_interval(
        self, switch: Switch | None, state: State | None, *, host: str | None = None
    ) -> None:
        """Write ``switch`` and replace the host's state with ``state`` as one step.

        The host is ``state.host`` (``host``, required when ``state`` is None, clears it).
        SQLite does both in one transaction. MongoDB writes the switch first: its id is the
        interval id, so a crash in between only repeats an idempotent write.
        """

    @abstractmethod
    def adopt_legacy(self, host: str) -> Adopted:
        """Give ``host`` the records without a host (a store written by the single-host
        versions: its ``current`` state, tasks keyed by bare id); return how many changed
        per collection (store/adopt.py, the same steps for both backends). MongoDB, which
        several hosts may share, gives them to the host they name when they name one.

        Idempotent; nothing is deleted that is not first written under its new key.
        """

    # -- hosts ------------------------------------------------------------------------------

    @abstractmethod
    def last_switch_ends(self) -> dict[str, datetime]:
        """Each host that has switches, with the end of its latest switch."""

    def last_syncs(self) -> dict[str, datetime]:
        """When each host last synced into this store (empty where nothing syncs in)."""
        return {}

    def hosts(self) -> list[HostInfo]:
        """The workstations this store has data of, by name: last switch, last sync, now."""
        ends = self.last_switch_ends()
        syncs = self.last_syncs()
        states = {s.host: s for s in self.states()}
        return [
            HostInfo(
                name=name,
                last_switch=ends.get(name),
                last_sync=syncs.get(name),
                state=states.get(name),
            )
            for name in sorted(set(ends) | set(states) | set(syncs))
        ]

    # -- key/value metadata (checkpoints, settings) -----------------------------------------

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str | None) -> None: ...

    @abstractmethod
    def swap_meta(self, key: str, expected: str | None, new: str | None) -> bool:
        """Set ``key`` to ``new`` (None deletes) only if it holds ``expected`` now, atomically.

        Returns whether it did: the compare-and-set the tracker's lease is built on.
        """

    # -- life cycle -------------------------------------------------------------------------

    def describe(self) -> str:
        """Where the data lives, for logs (no secrets)."""
        return self.kind

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def split_detail(
    tasks: dict[int, dict[str, int]], detail: tuple[date, date] | None
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """``day_task_ms``'s answer from every day's tasks: the days outside ``detail`` as their
    totals only."""
    if detail is None:
        return tasks, {}
    first, last = detail[0].toordinal(), detail[1].toordinal()
    inside = {day: keys for day, keys in tasks.items() if first <= day <= last}
    outside = {day: sum(keys.values()) for day, keys in tasks.items() if not first <= day <= last}
    return inside, outside
