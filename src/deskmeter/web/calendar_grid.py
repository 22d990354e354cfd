"""The month calendar's weeks as HTML, built in Python.

The grid is the calendar page's hot loop (42 days, each with its total, up to four task
lines and a goal mark, plus a column per week): written as one string here it costs a
fraction of the same loop in Jinja. The markup is what ``calendar.html`` drew before,
every text escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from markupsafe import Markup, escape

from deskmeter.reports.formatting import duration
from deskmeter.reports.shapes import DayCell, MonthReport, Week
from deskmeter.web.markup import bar, dot

#: The sign of a day's goal mark and of a week's (the calendar's legend explains them).
DAY_SIGNS = {"met": "✓", "ok": "✓", "short": "·", "missed": "✗", "over": "!"}
WEEK_SIGNS = {"met": "✓", "ok": "✓", "short": "not yet", "missed": "missed", "over": "over"}


class GoalMark(NamedTuple):
    """A period's goal mark and its tooltip, which names each goal."""

    status: str
    title: str


#: The colour of the week bars.
WEEK_COLOUR = "#4e79a7"


def _cell(
    cell: DayCell,
    palette: Callable[[str], str],
    mark: GoalMark | None,
    day_base: str,
    query: str,
    seen: dict[str, tuple[str, str]],
) -> str:
    """A day's ``<td>``; ``seen`` keeps each key's swatch and escaped name (a key is on many
    days)."""
    iso = cell.day.isoformat()
    classes = f"day level-{cell.level}"
    if not cell.in_month:
        classes += " outside"
    if cell.today:
        classes += " today"
    if cell.future:
        classes += " future"
    head = f'<span class="day-num">{cell.day.day}</span>'
    if mark:
        sign = DAY_SIGNS[mark.status]
        head += (
            f'<span class="goal-mark goal-{mark.status}" title="{escape(mark.title)}">{sign}</span>'
        )
    if cell.seconds:
        head += f'<span class="day-total">{duration(cell.seconds)}</span>'
    tasks = ""
    if cell.top and cell.in_month:  # a neighbouring month's day: its total only
        lines = []
        for t in cell.top:
            known = seen.get(t.key)
            if known is None:
                known = seen[t.key] = (str(dot(palette(t.key))), str(escape(t.key)))
            swatch, key = known
            spent = duration(t.seconds)
            lines.append(
                f'<li>{swatch}<span class="key" title="{key} · {spent}">{key}</span>'
                f'<span class="num">{spent}</span></li>'
            )
        rest = (
            f'<li class="rest"><span class="key">+{cell.rest_count} more</span>'
            f'<span class="num">{duration(cell.rest_seconds)}</span></li>'
            if cell.rest_count
            else ""
        )
        tasks = f'\n<ul class="day-tasks">\n{"".join(lines)}\n{rest}\n</ul>\n'
    return (
        f'\n<td class="{classes}" data-day="{iso}" data-seconds="{cell.seconds}">\n'
        f'<a class="day-link" href="{day_base}{iso}{query}">\n'
        f'<span class="day-head">{head}</span>\n{tasks}\n</a>\n</td>\n'
    )


def _week(week: Week, mark: GoalMark | None, max_week: float, week_base: str, query: str) -> str:
    goal = (
        f'<span class="goal-mark goal-{mark.status}" title="{escape(mark.title)}">'
        f"goals {WEEK_SIGNS[mark.status]}</span>"
        if mark
        else ""
    )
    if week.days[0].future:  # a week that has not begun: nothing to show yet
        return (
            f'\n<td class="week-col future" data-week-seconds="{week.seconds}">\n'
            f'<a class="week-num" href="{week_base}{week.days[0].day.isoformat()}{query}" '
            f'title="Week {week.number}">W{week.number}</a>\n</td>\n'
        )
    return (
        f'\n<td class="week-col" data-week-seconds="{week.seconds}">\n'
        f'<a class="week-num" href="{week_base}{week.days[0].day.isoformat()}{query}" '
        f'title="Week {week.number}">W{week.number}</a>\n'
        f'<span class="week-total">{duration(week.seconds)}</span>{goal}\n'
        f"{bar(week.seconds, max_week, WEEK_COLOUR)}\n</td>\n"
    )


def calendar_weeks(
    report: MonthReport,
    palette: Callable[[str], str],
    *,
    day_marks: Mapping[date, GoalMark | None],
    week_marks: Sequence[GoalMark | None],
    max_week: float,
    day_base: str,
    week_base: str,
    query: str = "",
) -> Markup:
    """The ``<tr>`` rows of the calendar: a row per week, a cell per day, the week's column.

    ``day_base`` and ``week_base`` are the day and week page addresses without the date,
    ``query`` what follows it (``?host=NAME``, or nothing).
    """
    day_base, week_base = str(escape(day_base)), str(escape(week_base))
    query = str(escape(query))
    rows = []
    seen: dict[str, tuple[str, str]] = {}
    for index, week in enumerate(report.weeks):
        cells = "".join(
            _cell(c, palette, day_marks.get(c.day), day_base, query, seen) for c in week.days
        )
        mark = week_marks[index] if index < len(week_marks) else None
        rows.append(f"\n<tr>\n{cells}{_week(week, mark, max_week, week_base, query)}</tr>\n")
    return Markup("".join(rows))  # noqa: S704 - every text interpolated is escaped
