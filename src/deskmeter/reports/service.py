"""The numbers behind every page and API answer, cut in the configured time zone.

Every figure counts the stored (closed) switches plus the open interval: up to now while
its tracker runs (locally), else up to its last heartbeat (a stopped tracker, or a
portfolio showing the last sync), so today's numbers include what is running now. In
portfolio mode task paths are cut to ``[portfolio] path_depth`` levels before anything is
summed, and workspace and host names are shown as ``reports/privacy.py`` says.

``host`` (a workstation's name) keeps one host's figures; None combines every host, each
moment counted once (``store/overlap.py``, open intervals too: ``reports/running.py``).
What it returns is in ``reports/shapes.py``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from deskmeter.config import Settings
from deskmeter.models import NO_TASK, State, Switch, Total, area_of
from deskmeter.reports.formatting import at_depth, duration
from deskmeter.reports.privacy import Privacy
from deskmeter.reports.running import (
    counted_with_open,
    open_corrections,
    open_switches,
    pick_state,
)
from deskmeter.reports.shapes import (
    DEFAULT_FULL_DAY,
    NO_MS,
    TOP_PER_DAY,
    CurrentState,
    DayCell,
    DayReport,
    HeatDay,
    KeyTotal,
    MonthReport,
    Piece,
    TaskNode,
    Trend,
    TrendBar,
    Week,
    WeekReport,
    WeekRow,
    YearReport,
    area_sums,
    by_size,
    day_bounds,
    intensity,
    percentile,
    ranked_ms,
    top_ms,
)
from deskmeter.store import Store
from deskmeter.store.base import split_detail
from deskmeter.store.totals import Group, Period, cut_totals, day_of, local_midnight

#: The typical day is the 90th percentile of the worked days among this many last days.
TYPICAL_WINDOW_DAYS = 90
#: Seconds a process keeps a computed typical day.
TYPICAL_TTL = 300.0
_TYPICAL: dict[tuple[int, str, timedelta, date, str | None], tuple[float, float]] = {}
#: ``%a`` and ``%b`` of the C locale (the process never sets another), without strftime.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Reports:
    """Builds the page and API figures from a store; one instance per request."""

    def __init__(
        self, store: Store, settings: Settings, now: datetime, host: str | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.tz = settings.tz
        self.now = now
        self.host = host
        self._states: list[State] | None = None
        self.day_start = settings.views.day_start
        self.privacy = Privacy.of(settings)
        self.depth = self.privacy.depth
        self.coarse = self.depth > 0
        self._full_day: float | None = None

    # -- shared pieces ----------------------------------------------------------------------

    def label(self, task: str | None) -> str:
        name = task or NO_TASK
        return at_depth(name, self.depth) if self.coarse else name

    def bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """The UTC range of the local days ``first`` to ``last`` (both included)."""
        return (
            local_midnight(first, self.tz, self.day_start),
            local_midnight(last + timedelta(days=1), self.tz, self.day_start),
        )

    def full_day(self) -> float:
        """The calendar's heat scale: the setting, else the user's typical worked day.

        The typical day moves slowly: it is kept per process for ``TYPICAL_TTL`` seconds.
        """
        if self._full_day is None:
            setting = self.settings.views.full_day_hours
            cache_key = (id(self.store), self.tz.key, self.day_start, self.today(), self.host)
            cached = _TYPICAL.get(cache_key)
            if setting is not None:
                self._full_day = setting * 3600
            elif cached is not None and time.monotonic() - cached[0] < TYPICAL_TTL:
                self._full_day = cached[1]
            else:
                today = self.today()
                start, end = self.bounds(today - timedelta(days=TYPICAL_WINDOW_DAYS), today)
                per_day: dict[date, float] = defaultdict(float)
                for total in self.day_totals(start, end):
                    if total.period is not None:
                        per_day[total.period] += total.seconds
                worked = [v for v in per_day.values() if v >= 600]
                typical = percentile(worked, 0.9)
                self._full_day = typical if typical >= 3600 else DEFAULT_FULL_DAY
                _TYPICAL[cache_key] = (time.monotonic(), self._full_day)
        return self._full_day

    def key(self, total_key: str, group: Group) -> str:
        return self.label(total_key) if group == "task" else total_key

    def today(self) -> date:
        return day_of(self.now, self.tz, self.day_start)

    def states(self) -> list[State]:
        """Every host's open interval (read once per request)."""
        if self._states is None:
            self._states = self.store.states()
        return self._states

    def state(self) -> State | None:
        """The open interval "now" is: the chosen host's; with every host, this machine's
        own in local mode (when it has one), else (a portfolio, which tracks nothing itself)
        the one with the latest heartbeat."""
        states = self.states()
        if self.host is None and self.settings.web.mode != "portfolio":
            own = pick_state(states, self.settings.host)
            if own is not None:
                return own
        return pick_state(states, self.host)

    def open_intervals(self) -> list[Switch]:
        """The open intervals that count here (the host's, or every host's) as switches."""
        return open_switches(
            self.states(),
            self.host,
            None if self.settings.web.mode == "portfolio" else self.now,
            self.settings.tracker.heartbeat_seconds,
        )

    def current(self) -> CurrentState | None:
        return self.current_of(self.state())

    def current_of(self, state: State | None) -> CurrentState | None:
        """What ``state`` (one host's open interval) means now (None on a portfolio that
        hides presence: ``[portfolio] show_presence``)."""
        if state is None or not self.privacy.show_presence:
            return None
        live = state.is_live(self.now, self.settings.tracker.heartbeat_seconds)
        until = self.now if live else state.heartbeat
        return CurrentState(
            task=self.label(state.task),
            workspace=self.privacy.workspace(state.workspace),
            since=state.since,
            heartbeat=state.heartbeat,
            seconds=max(0.0, (until - state.since).total_seconds()),
            live=live,
            host=self.privacy.shown_host(state.host),
            away=state.away,
        )

    def counted_switches(self, start: datetime, end: datetime) -> tuple[list[Switch], int]:
        """What counts in ``[start, end)``, open intervals included (across hosts: each
        moment once), and how many of those are stored switches."""
        return counted_with_open(self.store, self.open_intervals(), start, end, host=self.host)

    # -- totals -----------------------------------------------------------------------------

    def _running(self, start: datetime, end: datetime) -> list[Switch]:
        return [s for s in self.open_intervals() if s.end > start and s.date < end]

    def _with_running(
        self,
        totals: list[Total],
        running: list[Switch],
        start: datetime,
        end: datetime,
        group: Group,
        by: Period | None,
        *,
        away: bool = False,
    ) -> list[Total]:
        """``totals`` with the open intervals ``running`` counted (once, across hosts)."""
        return totals + open_corrections(
            self.store,
            running,
            start,
            end,
            self.tz,
            group,
            by,
            host=self.host,
            day_start=self.day_start,
            away=away,
        )

    def day_totals(self, start: datetime, end: datetime, group: Group = "task") -> list[Total]:
        """Seconds per local day and key in ``[start, end)``, the open intervals included."""
        totals = self.store.day_totals(
            start, end, self.tz, group=group, day_start=self.day_start, host=self.host
        )
        running = self._running(start, end)
        if not running and not (self.coarse and group == "task"):
            return totals  # already one row per (day, key), in order: nothing to merge
        if running:
            totals = self._with_running(totals, running, start, end, group, "day")
        return self._merge(totals, lambda period: period, lambda key: self.key(key, group))

    def day_totals_json(
        self, start: datetime, end: datetime, group: Group = "task"
    ) -> tuple[str, float] | None:
        """``day_totals`` as the totals API's JSON rows and their seconds added up, written by
        the store (``Store.day_totals_json``); None when open intervals count in the range or
        task paths are cut (portfolio): then the rows are merged here (``day_totals``)."""
        if (self.coarse and group == "task") or self._running(start, end):
            return None
        return self.store.day_totals_json(
            start, end, self.tz, group=group, day_start=self.day_start, host=self.host
        )

    def totals(
        self, start: datetime, end: datetime, group: Group, by: Period | None
    ) -> list[Total]:
        """Totals per period (``None``: the whole range) and key."""
        if by is None:  # summed by the store from its day totals
            found = self.store.range_totals(
                start, end, self.tz, group=group, day_start=self.day_start, host=self.host
            )
            running = self._running(start, end)
            if running:
                found = self._with_running(found, running, start, end, group, None)
            return self._merge(found, lambda period: None, lambda key: self.key(key, group))
        if by != "day":  # summed per period by the store from its day totals
            found = self.store.totals(
                start, end, self.tz, group=group, by=by, day_start=self.day_start, host=self.host
            )
            running = self._running(start, end)
            if running:
                found = self._with_running(found, running, start, end, group, by)
            return self._merge(found, lambda period: period, lambda key: self.key(key, group))
        return self.day_totals(start, end, group)

    def area_totals(
        self, start: datetime, end: datetime, by: Period
    ) -> dict[date, dict[str, float]]:
        """Seconds per period (``day``, ``week`` or ``month``) and area, the open intervals
        included."""
        found = self.store.area_totals(
            start,
            end,
            self.tz,
            by="week" if by == "week" else "month" if by == "month" else "day",
            day_start=self.day_start,
            host=self.host,
        )
        running = self._running(start, end)
        if running:
            extra = self._with_running([], running, start, end, "task", by)
            found = found + [Total(t.period, area_of(t.key), t.seconds) for t in extra]
        out: dict[date, dict[str, float]] = {}
        for total in found:
            if total.period is not None:
                areas = out.setdefault(total.period, {})
                key = area_of(self.label(total.key)) if self.coarse else total.key
                areas[key] = round(areas.get(key, 0.0) + total.seconds, 3)
        return out

    def day_seconds(self, start: datetime, end: datetime) -> dict[date, float]:
        """Seconds counted per local day in ``[start, end)``, the open intervals included."""
        found = self.store.day_seconds(
            start, end, self.tz, day_start=self.day_start, host=self.host
        )
        running = self._running(start, end)
        if running:
            for total in self._with_running([], running, start, end, "task", "day"):
                if total.period is not None:
                    found[total.period] = round(found.get(total.period, 0.0) + total.seconds, 3)
        return found

    def seconds_of_days(self, first: date, last: date) -> float:
        """Seconds counted on the local days ``first`` … ``last`` (``day_seconds`` added up,
        the open intervals included): one sum in the store when none runs in them."""
        start, end = self.bounds(first, last)
        if self._running(start, end):
            return sum(self.day_seconds(start, end).values())
        ms = self.store.days_ms_total(start, end, self.tz, day_start=self.day_start, host=self.host)
        return ms / 1000 if ms else 0  # as an empty sum was

    def away_by_day(self, start: datetime, end: datetime) -> dict[date, float]:
        """Seconds away per local day in ``[start, end)`` (an open away stretch included).

        Never part of any total: the pages and the report show it apart.
        """
        found = self.store.away_totals(
            start, end, self.tz, by="day", day_start=self.day_start, host=self.host
        )
        running = self._running(start, end)
        if running:
            found = self._with_running(found, running, start, end, "task", "day", away=True)
        days: dict[date, float] = defaultdict(float)
        for total in found:
            if total.period is not None:
                days[total.period] += total.seconds
        return {
            day: round(seconds, 3) for day, seconds in sorted(days.items()) if round(seconds, 3) > 0
        }

    def away_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds away in ``[start, end)``, shown apart from the totals."""
        return round(sum(self.away_by_day(start, end).values()), 3)

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
            if round(seconds, 3) > 0  # a running interval of one host can take all of a key
        ]

    # -- pages ------------------------------------------------------------------------------

    def month(self, first: date, *, outside_tasks: bool = True) -> MonthReport:
        """The calendar: whole weeks (Monday first) around the month, one store read folded
        in one pass (milliseconds as integers: every sum is exact, seconds are ms / 1000).

        ``outside_tasks`` False: the days of the neighbouring months get their totals only
        (no ``top``, areas or tasks: the calendar shows them so unless goals mark them).
        """
        grid_start = first - timedelta(days=first.weekday())
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        grid_end = last + timedelta(days=6 - last.weekday())
        start, end = self.bounds(grid_start, grid_end)
        # to the ms, as the cells are: the typical day's own cell reaches it exactly
        full_day = round(self.full_day(), 3)
        per_day, day_totals = self.day_task_ms(start, end, None if outside_tasks else (first, last))
        keys: dict[str, int] = {}
        for tasks in per_day.values():
            keys.update(tasks)
        area_of_key = {key: area_of(key) for key in keys}  # once per key, not per day and key
        own_areas = all(key == area for key, area in area_of_key.items())
        today = self.today().toordinal()
        in_first, in_last = first.toordinal(), last.toordinal()
        month_ms: dict[str, int] = {}
        weeks: list[Week] = []
        new = tuple.__new__  # named tuples without their Python-level __new__
        ordinal = grid_start.toordinal()
        while ordinal <= grid_end.toordinal():
            cells: list[DayCell] = []
            week_ms = 0
            for _ in range(7):
                if ordinal in day_totals:  # a neighbouring month's day: its total only
                    day_ms = day_totals[ordinal]
                    week_ms += day_ms
                    seconds = day_ms / 1000 if day_ms else 0
                    cells.append(
                        new(
                            DayCell,
                            (
                                date.fromordinal(ordinal),
                                False,  # in_month
                                seconds,
                                (),  # top
                                0.0,  # rest_seconds
                                0,  # rest_count
                                intensity(seconds, full_day),
                                ordinal == today,
                                ordinal > today,  # future
                                NO_MS,  # area_ms
                                NO_MS,  # task_ms
                            ),
                        )
                    )
                    ordinal += 1
                    continue
                tasks = per_day.get(ordinal, {})
                if own_areas:
                    areas = tasks
                else:
                    areas = {}
                    for key, ms in tasks.items():
                        area = area_of_key[key]
                        areas[area] = areas.get(area, 0) + ms
                day_ms = sum(tasks.values())
                week_ms += day_ms
                in_month = in_first <= ordinal <= in_last
                if in_month:
                    for key, ms in tasks.items():
                        month_ms[key] = month_ms.get(key, 0) + ms
                top = top_ms(areas, TOP_PER_DAY)
                seconds = day_ms / 1000 if day_ms else 0  # as an empty sum was: 0
                cells.append(
                    new(
                        DayCell,
                        (
                            date.fromordinal(ordinal),
                            in_month,
                            seconds,
                            tuple([new(KeyTotal, (key, ms / 1000)) for key, ms in top]),
                            (day_ms - sum(ms for _, ms in top)) / 1000,  # rest_seconds
                            max(0, len(areas) - TOP_PER_DAY),  # rest_count
                            intensity(seconds, full_day),
                            ordinal == today,
                            ordinal > today,  # future
                            areas,
                            tasks,
                        ),
                    )
                )
                ordinal += 1
            weeks.append(
                Week(
                    number=cells[0].day.isocalendar().week,
                    days=tuple(cells),
                    seconds=week_ms / 1000 if week_ms else 0,
                )
            )
        in_month_cells = [c for w in weeks for c in w.days if c.in_month]
        total_ms = sum(month_ms.values())
        month_areas = month_ms
        if not own_areas:
            month_areas = {}
            for key, ms in month_ms.items():
                area = area_of_key[key]
                month_areas[area] = month_areas.get(area, 0) + ms
        return MonthReport(
            first=first,
            weeks=tuple(weeks),
            seconds=total_ms / 1000 if total_ms else 0,
            days_tracked=sum(1 for c in in_month_cells if c.seconds > 0),
            tasks=tuple([new(KeyTotal, (key, ms / 1000)) for key, ms in ranked_ms(month_ms)]),
            area_ms=month_areas,
        )

    def day_task_ms(
        self, start: datetime, end: datetime, detail: tuple[date, date] | None = None
    ) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
        """Milliseconds per local day (ordinal) and task in ``[start, end)``, no zeros, and
        the days outside ``detail`` as their totals only (``Store.day_task_ms``): the
        store's rows as they are when nothing needs merging, else ``day_totals``'s."""
        if not self.coarse and not self._running(start, end):
            return self.store.day_task_ms(
                start, end, self.tz, day_start=self.day_start, host=self.host, detail=detail
            )
        tasks: dict[int, dict[str, int]] = {}
        for total in self.day_totals(start, end):
            ms = round(total.seconds * 1000)
            if total.period is not None and ms > 0:
                tasks.setdefault(total.period.toordinal(), {})[total.key] = ms
        return split_detail(tasks, detail)

    def day(self, day: date) -> DayReport:
        start, end = day_bounds(day, self.tz, self.day_start)
        switches, closed_count = self.counted_switches(start, end)
        running = {s.id for s in self._running(start, end)}
        pieces = tuple(
            Piece(
                start=max(s.date, start),
                end=min(s.end, end),
                task=self.label(s.task),
                workspace=self.privacy.workspace(s.workspace_label),
                running=s.id in running,
                away=s.away,
            )
            for s in switches
            if min(s.end, end) > max(s.date, start)
        )
        tasks: dict[str, float] = defaultdict(float)
        workspaces: dict[str, float] = defaultdict(float)
        for total in cut_totals(switches, start, end, self.tz, "task", None):
            tasks[self.label(total.key)] += total.seconds
        if self.privacy.show_workspaces:
            for total in cut_totals(switches, start, end, self.tz, "workspace", None):
                workspaces[total.key] += total.seconds
        return DayReport(
            day=day,
            start=start,
            end=end,
            tasks=by_size(tasks),
            workspaces=by_size(workspaces),
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

    # -- week, year, trends -----------------------------------------------------------------

    def _per_day(self, first: date, last: date) -> dict[date, dict[str, float]]:
        start, end = self.bounds(first, last)
        per_day: dict[date, dict[str, float]] = defaultdict(dict)
        for total in self.day_totals(start, end):
            if total.period is not None:
                per_day[total.period][total.key] = total.seconds
        return per_day

    def week(self, any_day: date) -> WeekReport:
        """Monday to Sunday around ``any_day``: tasks × days with row and column totals."""
        monday = any_day - timedelta(days=any_day.weekday())
        days = tuple(monday + timedelta(days=i) for i in range(7))
        per_day = self._per_day(days[0], days[-1])
        sums: dict[str, float] = defaultdict(float)
        for values in per_day.values():
            for key, seconds in values.items():
                sums[key] += seconds
        rows = tuple(
            WeekRow(
                key=t.key,
                seconds=t.seconds,
                days=tuple(round(per_day.get(d, {}).get(t.key, 0.0), 3) for d in days),
            )
            for t in by_size(sums)
        )
        day_seconds = tuple(round(sum(per_day.get(d, {}).values()), 3) for d in days)
        away = self.away_by_day(*self.bounds(days[0], days[-1]))
        return WeekReport(
            monday=monday,
            days=days,
            rows=rows,
            day_seconds=day_seconds,
            seconds=round(sum(day_seconds), 3),
            trend=self._trend(days, per_day, "day"),
            today=self.today(),
            away_days=tuple(away.get(d, 0.0) for d in days),
        )

    def year(self, year: int) -> YearReport:
        """Every day of ``year`` (a heat map), month totals, top tasks, a monthly trend.

        Two store questions feed all of it, both added up inside the store: the seconds of
        each day (the heat map, the months) and each week's seconds per task (the trend,
        the tasks) — not the ~6,000 day-and-task totals of a year at a developer's pace.
        """
        first, last = date(year, 1, 1), date(year, 12, 31)
        start, end = self.bounds(first, last)
        full_day = self.full_day()
        day_seconds = {d: s for d, s in self.day_seconds(start, end).items() if d.year == year}
        monthly = self.area_totals(start, end, "month")
        sums: dict[str, float] = {t.key: t.seconds for t in self.totals(start, end, "task", None)}
        months = [0.0] * 12
        for day, seconds in day_seconds.items():
            months[day.month - 1] += seconds
        worked = sum(1 for seconds in day_seconds.values() if seconds > 0)
        grid_start = first - timedelta(days=first.weekday())
        columns: list[tuple[HeatDay, ...]] = []
        cursor = grid_start
        today = self.today()
        one_day = timedelta(days=1)
        while cursor <= last:
            column = []
            for weekday in range(7):
                in_year = cursor.year == year
                # an empty day of the year is an integer 0 (shown "0"), as sum([]) gives
                cell_seconds: float = day_seconds.get(cursor, 0) if in_year else 0.0
                column.append(
                    HeatDay(
                        day=cursor,
                        in_year=in_year,
                        seconds=round(cell_seconds, 3),
                        level=intensity(cell_seconds, full_day),
                        future=cursor > today,
                        label=f"{_WEEKDAYS[weekday]} {cursor.day} {_MONTHS[cursor.month - 1]}: "
                        + (duration(cell_seconds) if cell_seconds else "nothing"),
                    )
                )
                cursor += one_day
            columns.append(tuple(column))
        away_months = [0.0] * 12
        for day, seconds in self.away_by_day(*self.bounds(first, last)).items():
            if day.year == year:
                away_months[day.month - 1] += seconds
        return YearReport(
            year=year,
            columns=tuple(columns),
            months=tuple(round(m, 3) for m in months),
            tasks=by_size(sums),
            areas=by_size(area_sums(sums)),
            seconds=round(sum(months), 3),
            days_tracked=worked,
            trend=self._trend(tuple(date(year, m, 1) for m in range(1, 13)), monthly, "month"),
            away_months=tuple(round(m, 3) for m in away_months),
        )

    def month_trend(self, report: MonthReport) -> Trend:
        days: list[date] = []
        cursor = report.first
        while cursor.month == report.first.month:
            days.append(cursor)
            cursor += timedelta(days=1)
        # a day's bar is its areas, biggest first: what each cell already holds
        areas = {cell.day: cell.areas for week in report.weeks for cell in week.days}
        return Trend(
            unit="day", bars=tuple(TrendBar(period=d, parts=areas.get(d, ())) for d in days)
        )

    @staticmethod
    def _trend(
        periods: Sequence[date], values: Mapping[date, Mapping[str, float]], unit: str
    ) -> Trend:
        """Stacked bars, one per period, one segment per area."""
        bars = []
        for period in periods:
            by_area: dict[str, float] = defaultdict(float)
            for key, seconds in values.get(period, {}).items():
                by_area[area_of(key)] += seconds
            bars.append(TrendBar(period=period, parts=by_size(by_area)))
        return Trend(unit=unit, bars=tuple(bars))
