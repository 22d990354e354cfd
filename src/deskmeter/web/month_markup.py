"""The month page's repeated pieces as HTML, built in Python: the strip of the year's months,
the chart's legend and the month's task chips.

Each is a loop of a dozen items whose Jinja form cost more than the rest of the page's
template; the markup is what ``calendar.html`` drew, every text escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

from deskmeter.reports.formatting import duration
from deskmeter.reports.shapes import KeyTotal
from deskmeter.web.charts import Series
from deskmeter.web.markup import dot

MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def year_strip(month: int, base: str, query: str) -> Markup:
    """A link per month of the year (``base`` + month number + ``query``), this one marked."""
    base, query = str(escape(base)), str(escape(query))
    links = []
    for number, name in enumerate(MONTH_ABBREVIATIONS, start=1):
        current = ' aria-current="page"' if number == month else ""
        links.append(f'\n    <a href="{base}{number}{query}"{current}>{name}</a>')
    return Markup("".join(links))  # noqa: S704 - the addresses are escaped, names constants


def chart_legend(series: Iterable[Series]) -> Markup:
    """The trend chart's series: colour, name and total of each."""
    return Markup(  # noqa: S704 - every text is escaped
        "".join(
            f"<li>{dot(s.colour)}<span>{escape(s.key)}</span> "
            f'<span class="muted">{duration(s.seconds)}</span></li>'
            for s in series
        )
    )


def task_chips(tasks: Iterable[KeyTotal], colour: Callable[[str], str]) -> Markup:
    """The month's tasks (the caller picks how many): colour, name and total of each, or a
    line saying there are none."""
    chips = "".join(
        f'<li>{dot(colour(t.key))}<span class="key">{escape(t.key)}</span> '
        f'<span class="muted">{duration(t.seconds)}</span></li>'
        for t in tasks
    )
    return Markup(chips or '<li class="empty">Nothing recorded this month.</li>')  # noqa: S704
