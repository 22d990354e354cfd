"""The trend chart as SVG geometry: one stacked bar per day, week or month, one segment per area.

Like the day timeline, the template draws it with attributes only (colours are ``fill``
attributes, never inline styles), so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deskmeter.web.colors import TaskColours
from deskmeter.web.formatting import duration
from deskmeter.web.reports import Trend

WIDTH = 1000
HEIGHT = 220
LEFT = 44
RIGHT = 8
TOP = 10
BOTTOM = 24
GAP_SHARE = 0.25
#: At most this many x labels (the rest are skipped evenly).
MAX_LABELS = 16


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True, slots=True)
class GridLine:
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
    for index, bar in enumerate(trend.bars):
        x = LEFT + index * slot + (slot - width) / 2
        y = base
        for part in bar.parts:
            height = part.seconds * per_second
            y -= height
            segments.append(
                Segment(
                    x=round(x, 2),
                    y=round(y, 2),
                    width=round(width, 2),
                    height=round(max(height, 0.5), 2),
                    colour=colours(part.key),
                    title=f"{_label(trend, index)} · {part.key} · {duration(part.seconds)}",
                )
            )
    every = max(1, math.ceil(count / MAX_LABELS))
    labels = tuple(
        Label(x=round(LEFT + i * slot + slot / 2, 2), text=_label(trend, i))
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
