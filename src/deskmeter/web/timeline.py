"""The day timeline as SVG geometry: one lane per task, bars where it ran, local hour ticks.

The template draws it with attributes and CSS classes only (no inline style), so the strict
Content-Security-Policy holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskmeter.web.formatting import Palette, duration, local_time
from deskmeter.web.reports import DayReport

WIDTH = 1000
LABEL_WIDTH = 180
RIGHT_PAD = 12
AXIS_HEIGHT = 24
LANE_HEIGHT = 22
LANE_GAP = 6
MAX_LANES = 10
OTHER_LANE = "other tasks"
MIN_BAR = 0.8


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    width: float
    colour: str
    title: str
    running: bool


@dataclass(frozen=True, slots=True)
class Lane:
    label: str
    y: float
    colour: str
    bars: tuple[Bar, ...]
    total: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    major: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: float
    plot_left: float
    plot_right: float
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]
    now_x: float | None
    #: Away stretches: gaps across every lane, labelled with their length.
    gaps: tuple[Bar, ...] = ()

    @property
    def axis_y(self) -> float:
        return AXIS_HEIGHT - 6


def build_timeline(report: DayReport, tz: ZoneInfo, palette: Palette, now: datetime) -> Timeline:
    span = (report.end - report.start).total_seconds()
    left, right = float(LABEL_WIDTH), float(WIDTH - RIGHT_PAD)

    def x_of(when: datetime) -> float:
        return left + (right - left) * (when - report.start).total_seconds() / span

    names = [t.key for t in report.tasks]
    shown = names[:MAX_LANES] if len(names) <= MAX_LANES else names[: MAX_LANES - 1]
    lane_of = {name: name for name in shown}
    totals = {t.key: t.seconds for t in report.tasks}
    lane_names = list(shown)
    if len(names) > len(shown):
        lane_names.append(OTHER_LANE)
    bars: dict[str, list[Bar]] = {name: [] for name in lane_names}
    gaps: list[Bar] = []
    for piece in report.pieces:
        if piece.away:
            x = x_of(piece.start)
            gaps.append(
                Bar(
                    x=round(x, 2),
                    width=round(max(MIN_BAR, x_of(piece.end) - x), 2),
                    colour="away",
                    title=f"away {duration(piece.seconds)} · "
                    f"{local_time(piece.start, tz)}–{local_time(piece.end, tz)}",
                    running=piece.running,
                )
            )
            continue
        lane = lane_of.get(piece.task, OTHER_LANE)
        x = x_of(piece.start)
        width = max(MIN_BAR, x_of(piece.end) - x)
        span_text = f"{local_time(piece.start, tz)}–{local_time(piece.end, tz)}"
        note = " (running)" if piece.running else ""
        bars[lane].append(
            Bar(
                x=round(x, 2),
                width=round(width, 2),
                colour=palette(piece.task),
                title=f"{piece.task} · {span_text} ({duration(piece.seconds)}) · "
                f"{piece.workspace}{note}",
                running=piece.running,
            )
        )
    lanes = tuple(
        Lane(
            label=name,
            y=AXIS_HEIGHT + i * (LANE_HEIGHT + LANE_GAP),
            colour=palette(name) if name != OTHER_LANE else "c11",
            bars=tuple(bars[name]),
            total=duration(
                totals.get(name, 0.0)
                if name != OTHER_LANE
                else sum(v for k, v in totals.items() if k not in lane_of)
            ),
        )
        for i, name in enumerate(lane_names)
    )
    ticks: list[Tick] = []
    cursor = report.start
    while cursor <= report.end:
        hour = cursor.astimezone(tz).hour
        label = "24" if cursor == report.end else f"{hour:02d}"
        ticks.append(Tick(x=round(x_of(cursor), 2), label=label, major=hour % 3 == 0))
        cursor += timedelta(hours=1)
    height = AXIS_HEIGHT + max(1, len(lanes)) * (LANE_HEIGHT + LANE_GAP) + 4
    now_x = round(x_of(now), 2) if report.start <= now < report.end else None
    return Timeline(
        width=WIDTH,
        height=height,
        plot_left=left,
        plot_right=right,
        lanes=lanes,
        ticks=tuple(ticks),
        now_x=now_x,
        gaps=tuple(gaps),
    )
