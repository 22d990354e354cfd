"""The numbers behind every page and API answer, cut in the configured time zone.

Every figure counts the stored (closed) switches plus the open interval up to its last
heartbeat, so today's numbers include what is running now. In portfolio mode with
``coarsen_tasks`` task paths are cut to their top level before anything is summed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskmeter.config import Settings
from deskmeter.models import NO_TASK, State, Switch, Total
from deskmeter.store import Store
from deskmeter.store.totals import Group, Period, cut_totals, local_midnight, period_start
from deskmeter.web.formatting import coarsen

#: Calendar intensity: a day with at least this many hours gets level index + 1.
LEVEL_HOURS: tuple[float, ...] = (0.0, 1.0, 3.0, 5.0, 7.0)
#: Tasks named in each calendar cell; the rest are summed.
TOP_PER_DAY = 3


@dataclass(frozen=True, slots=True)
class KeyTotal:
    key: str
    seconds: float


@dataclass(frozen=True, slots=True)
class CurrentState:
    """The header: what runs now (local) or ran at the last sync (portfolio)."""

    task: str
    workspace: str
    since: datetime
    heartbeat: datetime
    seconds: float
    live: bool


@dataclass(frozen=True, slots=True)
class DayCell:
    day: date
    in_month: bool
    seconds: float
    top: tuple[KeyTotal, ...]
    rest_seconds: float
    rest_count: int
    level: int
    today: bool
    future: bool


@dataclass(frozen=True, slots=True)
class Week:
    number: int
    days: tuple[DayCell, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class MonthReport:
    first: date
    weeks: tuple[Week, ...]
    seconds: float
    days_tracked: int
    tasks: tuple[KeyTotal, ...]

    @property
    def prev(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of one switch inside one day (a bar of the timeline)."""

    start: datetime
    end: datetime
    task: str
    workspace: str
    running: bool
    #: An away stretch: drawn as a gap with its length, never counted.
    away: bool = False

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class DayReport:
    day: date
    start: datetime
    end: datetime
    tasks: tuple[KeyTotal, ...]
    workspaces: tuple[KeyTotal, ...]
    pieces: tuple[Piece, ...]
    seconds: float
    switches: int
    #: Seconds away (no input, locked, asleep) on this day, shown apart from the totals.
    away_seconds: float = 0.0

    @property
    def hours_long(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass
class TaskNode:
    """One level of a task path with the seconds of itself and everything under it."""

    path: str
    name: str
    depth: int
    seconds: float = 0.0
    own: float = 0.0
    children: dict[str, TaskNode] = field(default_factory=dict)

    def rows(self) -> Iterable[TaskNode]:
        """This node and its descendants, biggest first, depth-first."""
        yield self
        for child in sorted(self.children.values(), key=lambda n: (-n.seconds, n.name)):
            yield from child.rows()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def _by_size(sums: dict[str, float]) -> tuple[KeyTotal, ...]:
    return tuple(
        KeyTotal(key, round(seconds, 3))
        for key, seconds in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
        if seconds > 0
    )


def intensity(seconds: float) -> int:
    """Calendar level 0 (nothing) to 5 (a long day)."""
    if seconds <= 0:
        return 0
    hours = seconds / 3600
    return sum(1 for threshold in LEVEL_HOURS if hours >= threshold)


class Reports:
    """Builds the page and API figures from a store; one instance per request."""

    def __init__(self, store: Store, settings: Settings, now: datetime) -> None:
        self.store = store
        self.settings = settings
        self.tz = settings.tz
        self.now = now
        self._state: State | None = None
        self._state_read = False
        self.coarse = settings.web.mode == "portfolio" and settings.web.coarsen_tasks

    # -- shared pieces ----------------------------------------------------------------------

    def label(self, task: str | None) -> str:
        name = task or NO_TASK
        return coarsen(name) if self.coarse else name

    def key(self, total_key: str, group: Group) -> str:
        return self.label(total_key) if group == "task" else total_key

    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def state(self) -> State | None:
        if not self._state_read:
            self._state = self.store.get_state()
            self._state_read = True
        return self._state

    def current(self) -> CurrentState | None:
        state = self.state()
        if state is None:
            return None
        live = state.is_live(self.now, self.settings.tracker.heartbeat_seconds)
        until = self.now if live else state.heartbeat
        return CurrentState(
            task=self.label(state.task),
            workspace=state.workspace,
            since=state.since,
            heartbeat=state.heartbeat,
            seconds=max(0.0, (until - state.since).total_seconds()),
            live=live,
        )

    def open_interval(self) -> Switch | None:
        """The open interval as a switch ending at its last heartbeat (None if empty)."""
        state = self.state()
        if state is None or state.heartbeat <= state.since:
            return None
        return state.closed_at(state.heartbeat)

    # -- totals -----------------------------------------------------------------------------

    def day_totals(self, start: datetime, end: datetime, group: Group = "task") -> list[Total]:
        """Seconds per local day and key in ``[start, end)``, the open interval included."""
        totals = self.store.day_totals(start, end, self.tz, group=group)
        running = self.open_interval()
        if running is not None and running.end > start and running.date < end:
            totals = totals + cut_totals([running], start, end, self.tz, group, "day")
        return self._merge(totals, lambda period: period, lambda key: self.key(key, group))

    def totals(
        self, start: datetime, end: datetime, group: Group, by: Period | None
    ) -> list[Total]:
        """Totals per period (``None``: the whole range) and key."""
        days = self.day_totals(start, end, group)

        def fold(day: date | None) -> date | None:
            return None if by is None or day is None else period_start(day, by)

        return self._merge(days, fold, lambda key: key)  # keys are already labelled

    @staticmethod
    def _merge(
        totals: Iterable[Total],
        period_of: Callable[[date | None], date | None],
        key_of: Callable[[str], str],
    ) -> list[Total]:
        sums: dict[tuple[date | None, str], float] = defaultdict(float)
        for total in totals:
            sums[(period_of(total.period), key_of(total.key))] += total.seconds
        return [
            Total(period=period, key=key, seconds=round(seconds, 3))
            for (period, key), seconds in sorted(
                sums.items(), key=lambda item: (item[0][0] or date.min, item[0][1])
            )
        ]

    # -- pages ------------------------------------------------------------------------------

    def month(self, first: date) -> MonthReport:
        """The calendar: whole weeks (Monday first) around the month, one store query."""
        grid_start = first - timedelta(days=first.weekday())
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        grid_end = last + timedelta(days=6 - last.weekday())
        start = local_midnight(grid_start, self.tz)
        end = local_midnight(grid_end + timedelta(days=1), self.tz)
        per_day: dict[date, dict[str, float]] = defaultdict(dict)
        for total in self.day_totals(start, end):
            if total.period is not None:
                per_day[total.period][total.key] = total.seconds
        today = self.today()
        month_sums: dict[str, float] = defaultdict(float)
        weeks: list[Week] = []
        day = grid_start
        while day <= grid_end:
            cells: list[DayCell] = []
            for _ in range(7):
                sums = per_day.get(day, {})
                ranked = _by_size(sums)
                seconds = sum(sums.values())
                in_month = day.month == first.month
                if in_month:
                    for key, value in sums.items():
                        month_sums[key] += value
                cells.append(
                    DayCell(
                        day=day,
                        in_month=in_month,
                        seconds=round(seconds, 3),
                        top=ranked[:TOP_PER_DAY],
                        rest_seconds=round(sum(t.seconds for t in ranked[TOP_PER_DAY:]), 3),
                        rest_count=max(0, len(ranked) - TOP_PER_DAY),
                        level=intensity(seconds),
                        today=day == today,
                        future=day > today,
                    )
                )
                day += timedelta(days=1)
            weeks.append(
                Week(
                    number=cells[0].day.isocalendar().week,
                    days=tuple(cells),
                    seconds=round(sum(c.seconds for c in cells), 3),
                )
            )
        in_month_cells = [c for w in weeks for c in w.days if c.in_month]
        return MonthReport(
            first=first,
            weeks=tuple(weeks),
            seconds=round(sum(c.seconds for c in in_month_cells), 3),
            days_tracked=sum(1 for c in in_month_cells if c.seconds > 0),
            tasks=_by_size(month_sums),
        )

    def day(self, day: date) -> DayReport:
        start, end = day_bounds(day, self.tz)
        switches = self.store.switches_overlapping(start, end)
        running = self.open_interval()
        closed_count = len(switches)
        if running is not None and running.end > start and running.date < end:
            switches = [*switches, running]
        pieces = tuple(
            Piece(
                start=max(s.date, start),
                end=min(s.end, end),
                task=self.label(s.task),
                workspace=s.workspace_label,
                running=running is not None and s.id == running.id,
                away=s.away,
            )
            for s in switches
            if min(s.end, end) > max(s.date, start)
        )
        tasks: dict[str, float] = defaultdict(float)
        workspaces: dict[str, float] = defaultdict(float)
        for total in cut_totals(switches, start, end, self.tz, "task", None):
            tasks[self.label(total.key)] += total.seconds
        for total in cut_totals(switches, start, end, self.tz, "workspace", None):
            workspaces[total.key] += total.seconds
        return DayReport(
            day=day,
            start=start,
            end=end,
            tasks=_by_size(tasks),
            workspaces=_by_size(workspaces),
            pieces=pieces,
            seconds=round(sum(tasks.values()), 3),
            switches=closed_count,
            away_seconds=round(sum(p.seconds for p in pieces if p.away), 3),
        )

    def task_tree(self, start: datetime, end: datetime) -> TaskNode:
        """Seconds per task path over the range, each level summing its children."""
        root = TaskNode(path="", name="all tasks", depth=-1)
        for total in self.totals(start, end, "task", None):
            self._add_path(root, total.key, total.seconds)
        return root

    @staticmethod
    def _add_path(root: TaskNode, path: str, seconds: float) -> None:
        parts: Sequence[str] = [path] if path == NO_TASK else [p for p in path.split("/") if p]
        node = root
        node.seconds += seconds
        for depth, part in enumerate(parts or [path]):
            child_path = "/".join(parts[: depth + 1]) if parts else path
            child = node.children.get(part)
            if child is None:
                child = TaskNode(path=child_path, name=part, depth=depth)
                node.children[part] = child
            child.seconds += seconds
            node = child
        node.own += seconds
