"""The trend chart as SVG geometry: one stacked bar per day, week or month; the biggest areas
stacked by name (at most ``MAX_SERIES``), the rest as "other", with a legend.

Like the day timeline, the template draws it with attributes only (colours are ``fill``
attributes, never inline styles), so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from deskmeter.reports.formatting import duration
from deskmeter.reports.shapes import Trend, YearReport
from deskmeter.web.colors import TaskColours

WIDTH = 1000
HEIGHT = 220
LEFT = 44
RIGHT = 8
TOP = 10
BOTTOM = 24
GAP_SHARE = 0.25
#: At most this many x labels (the rest are skipped evenly).
MAX_LABELS = 16
#: At most this many series are stacked by name; the rest is one series, "other".
MAX_SERIES = 7
#: A bar's tooltip names its biggest parts, this many (the calendar cell lists them all).
TITLE_PARTS = 1
#: Colours for a series whose area's colour another series already has (many areas hash to
#: near hues): Okabe-Ito's colour-blind-safe set, without its red and blue (red means over a
#: cap; blue is the heat map's).
SPARE_COLOURS = ("#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#999933", "#44aa99")

#: The colour of "other" (a neutral grey, no area's).
OTHER_COLOUR = "#8a8f98"
#: The year heat map: a column per week, a row per weekday.
HEAT_LEFT = 30
HEAT_STEP_X = 14
HEAT_STEP_Y = 13
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


class Series(NamedTuple):
    """One stacked series: an area (or "other"), its colour, its total and its bars as one
    SVG path (a sub-path per bar)."""

    key: str
    colour: str
    seconds: float
    path: str


class Column(NamedTuple):
    """A bar's place (for its tooltip: the period and its parts)."""

    x: float
    y: float
    height: float
    title: str


class Label(NamedTuple):
    x: float
    text: str


class GridLine(NamedTuple):
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    base: float
    bar_width: float
    series: tuple[Series, ...]
    columns: tuple[Column, ...]
    labels: tuple[Label, ...]
    grid: tuple[GridLine, ...]
    empty: bool


def _label(trend: Trend, index: int) -> str:
    period = trend.bars[index].period
    if trend.unit == "day":
        return f"{period.day}" if len(trend.bars) > 7 else period.strftime("%a %-d")
    if trend.unit == "week":
        return f"W{period.isocalendar().week}"
    return period.strftime("%b")


#: The ".0" of a whole number in a path's one-decimal numbers.
_WHOLE = re.compile(r"\.0(?![0-9])")


def _num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing ``.0`` (the chart's bytes)."""
    text = f"{value:.1f}"
    return text[:-2] if text[-1] == "0" else text


def _step(top_hours: float) -> float:
    for step in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        if top_hours / step <= 5:
            return float(step)
    return 200.0


def _series_keys(trend: Trend, limit: int) -> tuple[list[tuple[str, float]], float]:
    """The ``limit`` biggest keys of the whole trend (with their totals), biggest first, and
    the seconds of the rest (shown together as "other")."""
    totals: dict[str, float] = {}
    for bar in trend.bars:
        for part in bar.parts:
            totals[part.key] = totals.get(part.key, 0.0) + part.seconds
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) <= limit + 1:  # "other" for a single key would hide its name for nothing
        return ranked, 0.0
    return ranked[:limit], sum(seconds for _, seconds in ranked[limit:])


class Bar(NamedTuple):
    """What the chart draws of a period: its x label, its total, its seconds per series (the
    named keys in order, then "other") and, for the tooltip, its biggest part's key and
    seconds and how many parts it has (0: an empty bar)."""

    text: str
    seconds: float
    stacked: list[float]
    top_key: str
    top_seconds: float
    parts: int


def build_chart(trend: Trend, colours: TaskColours, *, limit: int = MAX_SERIES) -> Chart:
    """Stacked bars of the trend's ``limit`` biggest keys (areas) and "other": a series is one
    SVG path whatever the number of bars, so the chart stays small with many tasks."""
    keys, rest = _series_keys(trend, limit)
    order = {key: index for index, (key, _) in enumerate(keys)}
    other = len(keys)
    bars = []
    for index, bar in enumerate(trend.bars):
        stacked = [0.0] * (len(keys) + 1)
        for part in bar.parts:
            stacked[order.get(part.key, other)] += part.seconds
        top = bar.parts[0] if bar.parts else None
        bars.append(
            Bar(
                _label(trend, index),
                bar.seconds,
                stacked,
                top.key if top else "",
                top.seconds if top else 0.0,
                len(bar.parts),
            )
        )
    return draw_chart(bars, keys, rest, colours)


def draw_chart(
    bars: list[Bar], keys: list[tuple[str, float]], rest: float, colours: TaskColours
) -> Chart:
    """The chart's geometry: a path per series (a sub-path per bar), a tooltip box per bar,
    the x labels and the hour lines."""
    base = float(HEIGHT - BOTTOM)
    right = float(WIDTH - RIGHT)
    count = max(1, len(bars))
    slot = (right - LEFT) / count
    width = slot * (1 - GAP_SHARE)
    top_seconds = max((bar.seconds for bar in bars), default=0.0)
    top_hours = max(1.0, math.ceil(top_seconds / 3600))
    step = _step(top_hours)
    scale_hours = math.ceil(top_hours / step) * step
    per_second = (base - TOP) / (scale_hours * 3600)
    other = len(keys)
    paths: list[list[str]] = [[] for _ in range(len(keys) + 1)]
    columns: list[Column] = []
    bar_width = round(width, 1)
    wide = _num(bar_width)
    side = f"h{wide}V"
    for index, bar in enumerate(bars):
        x = round(LEFT + index * slot + (slot - width) / 2, 1)
        left = _num(x)
        y = base
        for segments, seconds in zip(paths, bar.stacked, strict=True):
            if seconds > 0:
                height = max(seconds * per_second, 0.5)  # a sliver stays visible
                y -= height
                # one decimal each; the ".0"s go in one pass over the path (as _num drops them)
                top = f"{y:.1f}"
                segments.append(f"M{left} {top}v{height:.1f}{side}{top}z")
        if bar.parts:
            more = bar.parts - TITLE_PARTS
            columns.append(
                Column(
                    x=x,
                    y=round(y, 1),
                    height=round(base - y, 1),
                    title=f"{bar.text} · {duration(bar.seconds)}: {bar.top_key} "
                    f"{duration(bar.top_seconds)}" + (f" and {more} more" if more > 0 else ""),
                )
            )
    named = [*keys, ("other", rest)] if rest > 0 else keys
    used: set[str] = set()
    drawn: list[Series] = []
    for n, (key, seconds) in enumerate(named):
        if not paths[n]:
            continue
        colour = OTHER_COLOUR if key == "other" and rest > 0 and n == other else colours(key)
        if colour in used:  # two areas whose hues meet: the later one takes a spare colour
            colour = next((c for c in SPARE_COLOURS if c not in used), colour)
        used.add(colour)
        path = _WHOLE.sub("", "".join(paths[n]))
        drawn.append(Series(key=key, colour=colour, seconds=seconds, path=path))
    every = max(1, math.ceil(count / MAX_LABELS))
    labels = tuple(
        Label(x=round(LEFT + i * slot + slot / 2, 2), text=bars[i].text)
        for i in range(0, len(bars), every)
    )
    grid = tuple(
        GridLine(y=round(base - h * 3600 * per_second, 2), text=f"{h:g}h")
        for h in [step * k for k in range(int(scale_hours / step) + 1)]
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=float(LEFT),
        right=right,
        base=base,
        bar_width=bar_width,
        series=tuple(drawn),
        columns=tuple(columns),
        labels=labels,
        grid=grid,
        empty=top_seconds <= 0,
    )


def chart_svg(chart: Chart, label: str) -> Markup:
    """The chart as SVG markup, a path per series, and its legend (built here, not in a
    template loop), or a short note when the period is empty."""
    if chart.empty:
        return Markup('<p class="empty">Nothing recorded in this period.</p>')
    left, right, label_x = chart.left, chart.right, chart.left - 6
    parts = [
        f'\n<svg class="trend" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-label="{escape(label)}">\n  '
    ]
    x1, x2, text_x = _num(left), _num(right), _num(label_x)
    parts.extend(
        f'<line class="grid" x1="{x1}" x2="{x2}" y1="{_num(g.y)}" '
        f'y2="{_num(g.y)}"/><text class="grid-label" x="{text_x}" y="{_num(g.y + 4)}">'
        f"{escape(g.text)}</text>"
        for g in chart.grid
    )
    parts.append("\n  ")
    parts.extend(
        f'<path class="seg" fill="{escape(s.colour)}" d="{s.path}">'
        f"<title>{escape(s.key)} · {duration(s.seconds)}</title></path>"
        for s in chart.series
    )
    parts.append("\n  ")
    wide = _num(chart.bar_width)
    parts.extend(  # each bar's tooltip: an invisible box over it
        f'<rect class="hit" x="{_num(c.x)}" y="{_num(c.y)}" width="{wide}" '
        f'height="{_num(c.height)}"><title>{escape(c.title)}</title></rect>'
        for c in chart.columns
    )
    parts.append("\n  ")
    label_y = _num(chart.base + 16)
    parts.extend(
        f'<text class="x-label" x="{_num(lb.x)}" y="{label_y}">{escape(lb.text)}</text>'
        for lb in chart.labels
    )
    parts.append("\n</svg>")  # the legend is the page's, under the chart's scrolling box
    return Markup("".join(parts))  # noqa: S704 - every value interpolated is escaped


def heatmap_svg(report: YearReport, day_base: str, query: str = "") -> Markup:
    """The year's heat map: one linked square per day (``day_base`` + ISO date + ``query``)."""
    year = report.year
    parts = [
        f'<svg class="heatmap" id="heatmap" viewBox="0 0 '
        f'{HEAT_LEFT + len(report.columns) * HEAT_STEP_X} 116" role="group" '
        f'aria-label="Hours tracked on each day of {year}">\n'
    ]
    parts.extend(
        f'<text class="heat-label" x="0" y="{24 + row * HEAT_STEP_Y}">{name}</text>'
        for row, name in enumerate(WEEKDAY_LABELS)
        if name
    )
    base, after = escape(day_base), escape(query)
    for col, column in enumerate(report.columns):
        x = HEAT_LEFT + col * HEAT_STEP_X
        parts.append("\n")
        last = column[-1].day
        if last.day <= 7 and last.year == year:
            parts.append(
                f'<text class="heat-label" x="{x}" y="10">{MONTH_NAMES[last.month - 1]}</text>'
            )
        for row, cell in enumerate(column):
            if not cell.in_year:
                continue
            iso = cell.day.isoformat()
            label = escape(cell.label)
            future = " future" if cell.future else ""
            parts.append(
                f'<a href="{base}{iso}{after}" aria-label="{label}"><rect class="heat '
                f'level-{cell.level}{future}" x="{x}" y="{14 + row * HEAT_STEP_Y}" width="11" '
                f'height="11" rx="2" data-day="{iso}" data-seconds="{cell.seconds}">'
                f"<title>{label}</title></rect></a>"
            )
    parts.append("\n</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value interpolated is escaped
