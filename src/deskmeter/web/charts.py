"""The trend chart as SVG geometry: one stacked bar per day, week or month, one segment per area.

Like the day timeline, the template draws it with attributes only (colours are ``fill``
attributes, never inline styles), so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from deskmeter.web.colors import TaskColours
from deskmeter.web.formatting import duration
from deskmeter.web.reports import Trend, YearReport

WIDTH = 1000
HEIGHT = 220
LEFT = 44
RIGHT = 8
TOP = 10
BOTTOM = 24
GAP_SHARE = 0.25
#: At most this many x labels (the rest are skipped evenly).
MAX_LABELS = 16
#: The year heat map: a column per week, a row per weekday.
HEAT_LEFT = 30
HEAT_STEP_X = 14
HEAT_STEP_Y = 13
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


class Segment(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    colour: str
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
    segments: tuple[Segment, ...]
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


def _step(top_hours: float) -> float:
    for step in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        if top_hours / step <= 5:
            return float(step)
    return 200.0


def build_chart(trend: Trend, colours: TaskColours) -> Chart:
    base = float(HEIGHT - BOTTOM)
    right = float(WIDTH - RIGHT)
    count = max(1, len(trend.bars))
    slot = (right - LEFT) / count
    width = slot * (1 - GAP_SHARE)
    top_seconds = max((bar.seconds for bar in trend.bars), default=0.0)
    top_hours = max(1.0, math.ceil(top_seconds / 3600))
    step = _step(top_hours)
    scale_hours = math.ceil(top_hours / step) * step
    per_second = (base - TOP) / (scale_hours * 3600)
    segments: list[Segment] = []
    texts = [_label(trend, index) for index in range(len(trend.bars))]
    rounded_width = round(width, 2)
    for index, bar in enumerate(trend.bars):
        x = round(LEFT + index * slot + (slot - width) / 2, 2)
        y = base
        text = texts[index]
        for part in bar.parts:
            height = part.seconds * per_second
            y -= height
            segments.append(
                Segment(
                    x=x,
                    y=round(y, 2),
                    width=rounded_width,
                    height=round(max(height, 0.5), 2),
                    colour=colours(part.key),
                    title=f"{text} · {part.key} · {duration(part.seconds)}",
                )
            )
    every = max(1, math.ceil(count / MAX_LABELS))
    labels = tuple(
        Label(x=round(LEFT + i * slot + slot / 2, 2), text=texts[i])
        for i in range(len(trend.bars))
        if i % every == 0
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
        segments=tuple(segments),
        labels=labels,
        grid=grid,
        empty=top_seconds <= 0,
    )


def chart_svg(chart: Chart, label: str) -> Markup:
    """The chart as SVG markup (built here, not in a template loop: a year has ~400
    segments), or a short note when the period is empty."""
    if chart.empty:
        return Markup('<p class="empty">Nothing recorded in this period.</p>')
    left, right, label_x = chart.left, chart.right, chart.left - 6
    parts = [
        f'\n<svg class="trend" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-label="{escape(label)}">\n  '
    ]
    parts.extend(
        f'<line class="grid" x1="{left}" x2="{right}" y1="{g.y}" y2="{g.y}"/>'
        f'<text class="grid-label" x="{label_x}" y="{g.y + 4}">{escape(g.text)}</text>'
        for g in chart.grid
    )
    parts.append("\n  ")
    parts.extend(
        f'<rect class="seg" x="{s.x}" y="{s.y}" width="{s.width}" height="{s.height}" '
        f'fill="{escape(s.colour)}"><title>{escape(s.title)}</title></rect>'
        for s in chart.segments
    )
    parts.append("\n  ")
    label_y = chart.base + 16
    parts.extend(
        f'<text class="x-label" x="{lb.x}" y="{label_y}">{escape(lb.text)}</text>'
        for lb in chart.labels
    )
    parts.append("\n</svg>")
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
