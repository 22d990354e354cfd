"""The day timeline as SVG geometry: one lane per task, bars where it ran, local hour ticks.

The template draws it with attributes and CSS classes only (no inline style), so the strict
Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskmeter.reports.formatting import duration, local_time
from deskmeter.reports.labels import place_labels
from deskmeter.reports.shapes import DayReport
from deskmeter.web.colors import GREY

WIDTH = 1000
LABEL_WIDTH = 180
RIGHT_PAD = 12
AXIS_HEIGHT = 24
LANE_HEIGHT = 22
LANE_GAP = 6
MAX_LANES = 10
OTHER_LANE = "other tasks"
COMBINED_LANE = "all tasks"
MIN_BAR = 0.8


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    width: float
    colour: str
    title: str
    running: bool
    #: The text printed under an away gap ("" when it would overlap another: see the title).
    label: str = ""


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
    #: The instants at ``plot_left`` and ``plot_right`` (a drag on the page maps x to time).
    view_start: datetime | None = None
    view_end: datetime | None = None

    @property
    def axis_y(self) -> float:
        return AXIS_HEIGHT - 6


def _zoom(report: DayReport, now: datetime) -> tuple[datetime, datetime]:
    """The span worked, widened to whole local hours and kept inside the day."""
    if not report.pieces:
        return report.start, report.end
    first = min(p.start for p in report.pieces)
    last = max(p.end for p in report.pieces)
    lo = max(
        report.start,
        first
        - timedelta(
            minutes=first.minute % 60, seconds=first.second, microseconds=first.microsecond
        ),
    )
    hi = last
    if hi.minute or hi.second or hi.microsecond:
        hi = hi.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    hi = min(report.end, max(hi, lo + timedelta(hours=1)))
    return lo, hi


def build_timeline(
    report: DayReport,
    tz: ZoneInfo,
    palette: Callable[[str], str],
    now: datetime,
    *,
    away: Sequence[tuple[datetime, datetime]] = (),
    exact_times: bool = True,
) -> Timeline:
    """The timeline of ``report``: a combined lane, then one lane per task.

    ``away`` are the stretches to draw as gaps (the day page passes the report's away
    pieces); away pieces never get a bar. ``exact_times`` False (portfolio default) leaves
    clock times out of the titles.
    """
    view_start, view_end = _zoom(report, now)
    span = max(1.0, (view_end - view_start).total_seconds())
    left, right = float(LABEL_WIDTH), float(WIDTH - RIGHT_PAD)

    def x_of(when: datetime) -> float:
        return left + (right - left) * (when - view_start).total_seconds() / span

    names = [t.key for t in report.tasks]
    shown = names[:MAX_LANES] if len(names) <= MAX_LANES else names[: MAX_LANES - 1]
    lane_of = {name: name for name in shown}
    totals = {t.key: t.seconds for t in report.tasks}
    lane_names = [COMBINED_LANE, *shown]
    if len(names) > len(shown):
        lane_names.append(OTHER_LANE)
    bars: dict[str, list[Bar]] = {name: [] for name in lane_names}
    for piece in report.pieces:
        if piece.away:  # shown as a gap (``away``), never as time on a lane
            continue
        lane = lane_of.get(piece.task, OTHER_LANE)
        x = x_of(piece.start)
        width = max(MIN_BAR, x_of(piece.end) - x)
        span_text = (
            f"{local_time(piece.start, tz)}–{local_time(piece.end, tz)} " if exact_times else ""
        )
        note = " (running)" if piece.running else ""
        bar = Bar(
            x=round(x, 2),
            width=round(width, 2),
            colour=palette(piece.task),
            title=(
                f"{piece.task} · {span_text}({duration(piece.seconds)}) · {piece.workspace}{note}"
            ),
            running=piece.running,
        )
        bars[lane].append(bar)
        bars[COMBINED_LANE].append(bar)
    lanes = tuple(
        Lane(
            label=name,
            y=AXIS_HEIGHT + i * (LANE_HEIGHT + LANE_GAP),
            colour=palette(name) if name not in (OTHER_LANE, COMBINED_LANE) else GREY,
            bars=tuple(bars[name]),
            total=duration(
                report.seconds
                if name == COMBINED_LANE
                else totals.get(name, 0.0)
                if name != OTHER_LANE
                else sum(v for k, v in totals.items() if k not in lane_of)
            ),
        )
        for i, name in enumerate(lane_names)
    )
    gaps = tuple(
        Bar(
            x=round(x_of(max(lo, view_start)), 2),
            width=round(max(MIN_BAR, x_of(min(hi, view_end)) - x_of(max(lo, view_start))), 2),
            colour="away",
            title=f"away {duration((hi - lo).total_seconds())}"
            + (f" · {local_time(lo, tz)}–{local_time(hi, tz)}" if exact_times else ""),
            running=False,
        )
        for lo, hi in away
        if min(hi, view_end) > max(lo, view_start)
    )
    labels = place_labels(
        [(g.x + g.width / 2, g.title.split(" · ")[0]) for g in gaps], left, float(WIDTH)
    )
    gaps = tuple(replace(g, label=text) for g, text in zip(gaps, labels, strict=True))
    ticks: list[Tick] = []
    cursor = view_start
    hours = span / 3600
    major_every = 1 if hours <= 8 else 2 if hours <= 14 else 3
    index = 0
    while cursor <= view_end:
        hour = cursor.astimezone(tz).hour
        label = "24" if cursor == report.end and hour == 0 else f"{hour:02d}"
        ticks.append(Tick(x=round(x_of(cursor), 2), label=label, major=index % major_every == 0))
        cursor += timedelta(hours=1)
        index += 1
    height = AXIS_HEIGHT + max(1, len(lanes)) * (LANE_HEIGHT + LANE_GAP) + 4
    now_x = round(x_of(now), 2) if view_start <= now < view_end else None
    return Timeline(
        width=WIDTH,
        height=height,
        plot_left=left,
        plot_right=right,
        lanes=lanes,
        ticks=tuple(ticks),
        now_x=now_x,
        gaps=gaps,
        view_start=view_start,
        view_end=view_end,
    )
