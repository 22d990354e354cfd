"""Tables for a terminal of a given width: the first (name) column gives way, bars fill the
room that is left, and a table that cannot fit is never wrapped by the terminal.

``fit_table`` lays a table out in ``width`` columns: when the rows are too wide the first
column is cut with ``…``; with ``bar_values`` a last column of bars (``█`` and ``▏``…``▉``
eighths) scaled to the largest value uses what room is left (up to ``MAX_BAR``).
"""

from __future__ import annotations

from collections.abc import Sequence

#: The widest bar drawn (characters).
MAX_BAR = 30
#: The narrowest bar column kept when names must be cut for it.
MIN_BAR = 8
#: The narrowest the first column gets before the table gives up fitting.
MIN_KEY = 8
_EIGHTHS = " ▏▎▍▌▋▊▉"
GAP = "  "


def bar(value: float, largest: float, width: int) -> str:
    """``value`` of ``largest`` as a bar of at most ``width`` characters (eighths kept)."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = round(8 * width * min(value, largest) / largest)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[rest] if rest else "")) or "▏"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def table_width(rows: Sequence[Sequence[str]]) -> int:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return sum(widths) + len(GAP) * (len(widths) - 1)


def fit_table(
    rows: Sequence[Sequence[str]],
    *,
    right: set[int],
    width: int,
    bar_values: Sequence[float] | None = None,
) -> str:
    """``rows`` (a header first) as lines no longer than ``width`` (when it can be done)."""
    grid = [list(row) for row in rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
    others = sum(widths[1:]) + len(GAP) * (len(widths) - 1)
    # bars keep a quarter of the line (at least MIN_BAR) before the names are cut
    bar_room = min(MAX_BAR, max(MIN_BAR, width // 4)) + len(GAP) if bar_values is not None else 0
    widths[0] = max(MIN_KEY, min(widths[0], width - others - bar_room))
    used = sum(widths) + len(GAP) * (len(widths) - 1)
    room = width - used - len(GAP)
    bars: list[str] = []
    if bar_values is not None and room >= 4:
        size = min(MAX_BAR, room)
        largest = max(bar_values, default=0.0)
        bars = ["", *(bar(v, largest, size) for v in bar_values)]
    lines = []
    for index, row in enumerate(grid):
        cells = []
        for i, cell in enumerate(row):
            text = _cut(cell, widths[i]) if i == 0 else cell
            cells.append(text.rjust(widths[i]) if i in right else text.ljust(widths[i]))
        if bars and index < len(bars):
            cells.append(bars[index])
        lines.append(GAP.join(cells).rstrip())
        if index == 0:
            lines.append(GAP.join("-" * w for w in widths))
    return "\n".join(lines)
