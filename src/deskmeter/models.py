"""The records Deskmeter stores: switches, tasks, task history, the tracker state.

All datetimes are timezone-aware and in UTC. Durations are seconds (float), kept to the
millisecond (the precision the tracker measures and the stores keep).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from deskmeter import limits

#: The label of time spent with no task set.
NO_TASK = "(no task)"


def area_of(path: str) -> str:
    """The top level of a task path (``work/a/b`` → ``work``): its area."""
    if path == NO_TASK:
        return path
    return path.split("/", 1)[0] or path


def workspace_label(index: int, name: str = "") -> str:
    """What a workspace is called: its name, else ``workspace N`` (N counted from 1)."""
    return name or f"workspace {index + 1}"


def stale_after(heartbeat_seconds: float) -> timedelta:
    """How long after its last heartbeat the tracker counts as not running any more."""
    return timedelta(seconds=heartbeat_seconds * 2 + 5)


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Switch:
    """One finished interval on one workspace with one task.

    ``date`` is the start of the interval and ``delta`` its length in seconds, the field
    names of the original Deskmeter.
    """

    id: str
    date: datetime
    delta: float
    workspace_index: int
    workspace: str
    task_id: str | None = None
    task: str | None = None
    host: str = ""
    #: The user was away (no input, screen locked, asleep): stored, never counted as work.
    away: bool = False
    #: Set once ``__post_init__`` checked the limits: a store need not check this switch again
    #: (one built around the check, as an old or hand-edited store's rows may be, is checked).
    checked: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def end(self) -> datetime:
        return self.date + timedelta(seconds=self.delta)

    @property
    def workspace_label(self) -> str:
        return workspace_label(self.workspace_index, self.workspace)

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime):
            object.__setattr__(self, "date", as_utc(self.date))
        if isinstance(self.delta, int | float):
            object.__setattr__(self, "delta", round(float(self.delta), 3))
        try:
            limits.validate_switch(self)
        except limits.LimitError as exc:
            raise limits.LimitError(f"switch {str(self.id)[:40]}: {exc}") from None
        object.__setattr__(self, "checked", True)


def checked_switch(
    id: str,
    date: datetime,
    delta: float,
    workspace_index: int,
    workspace: str,
    task_id: str | None,
    task: str | None,
    host: str,
    away: bool,
) -> Switch:
    """A ``Switch`` whose fields the caller already checked against the limits, in bulk
    (``store/sqlite/codec.rows_switches``): built without ``__post_init__``'s per-switch
    check. ``date`` must be aware UTC and ``delta`` already rounded to the millisecond."""
    switch = _new_switch(Switch)
    _set_field(switch, "id", id)
    _set_field(switch, "date", date)
    _set_field(switch, "delta", delta)
    _set_field(switch, "workspace_index", workspace_index)
    _set_field(switch, "workspace", workspace)
    _set_field(switch, "task_id", task_id)
    _set_field(switch, "task", task)
    _set_field(switch, "host", host)
    _set_field(switch, "away", away)
    _set_field(switch, "checked", True)
    return switch


_new_switch = object.__new__
_set_field = object.__setattr__


def task_key(host: str, task_id: str) -> str:
    """The store's key of task ``task_id`` of ``host``'s task file: ``host:task_id``.

    Each workstation has its own task file, so the same id on two hosts is two tasks (the
    task list merges them by path for display, ``merge_by_path``). A task without a host
    (written before several hosts were a case, or by a test) keeps its bare id.
    """
    return f"{host}:{task_id}" if host else task_id


def state_key(host: str) -> str:
    """The id of ``host``'s state document: ``current@host`` (``current`` without a host)."""
    return f"current@{host}" if host else "current"


@dataclass(frozen=True, slots=True)
class Task:
    """A task from a host's task file. ``id`` is stable, ``path`` may be renamed.

    ``id`` is the id in the file (``@ID`` or the path); ``host`` the workstation whose task
    file it is; ``key`` is what the store keys it by.
    """

    id: str
    path: str
    active: bool = True
    updated: datetime = field(default_factory=utcnow)
    host: str = ""

    @property
    def top(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def key(self) -> str:
        return task_key(self.host, self.id)


def merge_by_path(tasks: Iterable[Task]) -> list[Task]:
    """One task per path (the task list of all hosts): active if any host's is active.

    The row kept is the most recently updated active one (else the most recent), so the id
    and host shown are those of the host that touched it last. Ordered by path.
    """
    best: dict[str, Task] = {}
    for task in tasks:
        kept = best.get(task.path)
        if kept is None or (task.active, task.updated) > (kept.active, kept.updated):
            best[task.path] = task
    return [best[path] for path in sorted(best)]


@dataclass(frozen=True, slots=True)
class TaskHistoryEntry:
    """The path that task ``task_id`` (of ``host``'s task file) had from ``since`` on."""

    task_id: str
    path: str
    since: datetime
    host: str = ""

    @property
    def id(self) -> str:
        return f"{task_key(self.host, self.task_id)}@{self.since.timestamp():.6f}"


@dataclass(frozen=True, slots=True)
class State:
    """A host's open interval: where the user is now, since when, and the last heartbeat.

    Each host has its own (``state_key(host)`` is its id in the store).
    """

    workspace_index: int
    workspace: str
    since: datetime
    heartbeat: datetime
    interval_id: str
    task_id: str | None = None
    task: str | None = None
    host: str = ""
    #: The open interval is an away stretch (see ``deskmeter.tracker.presence``).
    away: bool = False

    def __post_init__(self) -> None:
        limits.check_instant("since", self.since)
        limits.check_instant("heartbeat", self.heartbeat)
        limits.check_workspace_index(self.workspace_index)
        limits.check_text("workspace", self.workspace)
        limits.check_text("task", self.task, optional=True)
        limits.check_text("host", self.host)
        limits.check_flag("away", self.away)

    @property
    def key(self) -> str:
        return state_key(self.host)

    def is_live(self, now: datetime, heartbeat_seconds: float) -> bool:
        """True while the tracker's heartbeat is recent: it is running and counting.

        An away tracker sleeps until the first input, without heartbeats: still running.
        """
        return self.away or now - self.heartbeat <= stale_after(heartbeat_seconds)

    def beat(self, when: datetime) -> State:
        return replace(self, heartbeat=when)

    def closed_at(self, end: datetime) -> Switch:
        """The switch this open interval becomes when closed at ``end``."""
        delta = limits.clamp_delta((end - self.since).total_seconds())
        return Switch(
            id=self.interval_id,
            date=self.since,
            delta=round(delta, 3),
            workspace_index=self.workspace_index,
            workspace=self.workspace,
            task_id=self.task_id,
            task=self.task,
            host=self.host,
            away=self.away,
        )


@dataclass(frozen=True, slots=True)
class HostInfo:
    """One workstation whose data a store holds."""

    name: str
    #: The end of its latest switch (None: no switch yet).
    last_switch: datetime | None
    #: When it last synced into this store (None: never, or this is its own local store).
    last_sync: datetime | None
    #: Its open interval, if it has one.
    state: State | None


class Total(NamedTuple):
    """Seconds spent on ``key`` (a task path or workspace) in the period starting ``period``.

    ``period`` is None when the totals are not cut by period. A named tuple (immutable, and
    three times cheaper to make than a frozen dataclass): a month of many tasks is ~1,500.
    """

    period: date | None
    key: str
    seconds: float


#: A switch as plain values, in the order of the SQLite store's row (``store/sqlite/codec``),
#: with texts where the row has label numbers: (start in µs since the epoch, id, delta in
#: ms, workspace index, workspace, task, task id, host, away). Bulk imports carry switches
#: this way (``importing/quick.py``): no ``Switch`` or ``datetime`` kept per record.
SwitchValues = tuple[int, str, int, int, str, str | None, str | None, str, bool]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def switch_values(switch: Switch) -> SwitchValues:
    """``switch`` as ``SwitchValues`` (exact: its date is whole µs, its delta whole ms)."""
    return (
        (switch.date - _EPOCH) // _MICROSECOND,
        switch.id,
        round(switch.delta * 1000),
        switch.workspace_index,
        switch.workspace,
        switch.task,
        switch.task_id,
        switch.host,
        switch.away,
    )


def values_switch(values: SwitchValues) -> Switch:
    """The ``Switch`` of values already checked against the limits (``switch_values`` of a
    checked switch, or ``importing/quick.py``'s rows)."""
    start, switch_id, delta_ms, index, workspace, task, task_id, host, away = values
    return checked_switch(
        switch_id,
        _EPOCH + timedelta(microseconds=start),
        delta_ms / 1000,
        index,
        workspace,
        task_id,
        task,
        host,
        away,
    )
