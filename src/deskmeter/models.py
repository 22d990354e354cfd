"""The records Deskmeter stores: switches, tasks, task history, the tracker state.

All datetimes are timezone-aware and in UTC. Durations are seconds (float).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

NO_TASK = "(no task)"


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
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

    @property
    def end(self) -> datetime:
        return self.date + timedelta(seconds=self.delta)

    def __post_init__(self) -> None:
        if self.delta < 0:
            raise ValueError(f"switch {self.id}: negative delta {self.delta}")
        object.__setattr__(self, "date", as_utc(self.date))


@dataclass(frozen=True, slots=True)
class Task:
    """A task from the user's task file. ``id`` is stable, ``path`` may be renamed."""

    id: str
    path: str
    active: bool = True
    updated: datetime = field(default_factory=utcnow)

    @property
    def top(self) -> str:
        return self.path.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class TaskHistoryEntry:
    """The path that task ``task_id`` had from ``since`` on."""

    task_id: str
    path: str
    since: datetime

    @property
    def id(self) -> str:
        return f"{self.task_id}@{self.since.timestamp():.6f}"


@dataclass(frozen=True, slots=True)
class State:
    """The one open interval: where the user is now, since when, and the last heartbeat."""

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

    def beat(self, when: datetime) -> State:
        return replace(self, heartbeat=when)

    def closed_at(self, end: datetime) -> Switch:
        """The switch this open interval becomes when closed at ``end``."""
        delta = max(0.0, (end - self.since).total_seconds())
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
class Total:
    """Seconds spent on ``key`` (a task path or workspace) in the period starting ``period``.

    ``period`` is None when the totals are not cut by period.
    """

    period: date | None
    key: str
    seconds: float
