"""The combined scope ("all hosts", each moment once) of stored switch rows, in one sweep.

``store/overlap.py`` states the rule and ``credited_pieces`` applies it to ``Switch`` values:
at each moment, among the counted (not away) intervals that cover it, the one that started
last (ties: the host name that sorts last, then the larger id) decides the host, and every
interval of that host that covers the moment gets it; a moment only away intervals cover goes
to the away interval that started last.

The kept day totals need the *sums* of those pieces per day, not the pieces: this module
works them out straight from the switch rows (integer microseconds, no ``Switch`` or
``datetime`` per row), in one pass over the moments where an interval starts or ends. Between
two such moments the credit is constant, so each credited interval gets the stretch's
microseconds, cut by the day grid: the same integers as cutting the pieces, since the pieces
are unions of those stretches. ``tests/store_totals`` compares both with the reference.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from deskmeter.store.day_grid import AWAY, TASK, WORKSPACE, DayGrid
from deskmeter.store.sqlite.codec import decode_id

#: A switch row as ``day_refresh.fetch`` reads it: start µs, id key, delta ms,
#: workspace index, workspace label, task label, host label, away.
Row = tuple[int, Any, int, int, int, int | None, int, int]
#: (scope, group, day, label, workspace index) → µs.
Sums = dict[tuple[int, int, int, int, int], int]
#: The combined scope's ``host`` number (``totals_sql.ALL_HOSTS``; labels start at 1).
_ALL_HOSTS = 0


def add_combined_rows(
    sums: Sums, scope: int, rows: Sequence[Row], names: Mapping[int, str], grid: DayGrid
) -> None:
    """Add the combined scope of ``rows`` to ``sums`` under ``scope`` (overlap.py's rule, as
    for several hosts), cut by ``grid``'s days and clipped to it. ``names``: host label →
    host name (the rule's tie-break)."""
    # by rank: start, host name, id; an index then compares as the rank does
    ranked = sorted(
        (
            (row[0], names[row[6]], decode_id(row[1]), row[0] + row[2] * 1000, row)
            for row in rows
            if row[2] > 0  # a zero-length switch covers no moment
        ),
        key=lambda item: item[:3],
    )
    if not ranked:
        return
    starts = [item[0] for item in ranked]
    ends_at = [item[3] for item in ranked]
    hosts = [item[4][6] for item in ranked]
    away = [item[4][7] == 1 for item in ranked]
    moments = sorted({*starts, *ends_at})
    per_day: dict[tuple[int, int], int] = defaultdict(int)  # (ranked index, day) → µs
    live: set[int] = set()
    ending: list[tuple[int, int]] = []  # (end, index)
    cursor, count = 0, len(ranked)
    lo, hi = grid.bounds[0], grid.bounds[-1]
    for moment, following in pairwise(moments):
        while cursor < count and starts[cursor] <= moment:
            live.add(cursor)
            heapq.heappush(ending, (ends_at[cursor], cursor))
            cursor += 1
        while ending and ending[0][0] <= moment:
            live.discard(heapq.heappop(ending)[1])
        if not live or following <= lo or moment >= hi:
            continue
        working = [i for i in live if not away[i]]
        if working:
            host = hosts[max(working)]
            credited = [i for i in working if hosts[i] == host]
        else:
            credited = [max(live)]
        for day, us in grid.cut(moment, following):
            for index in credited:
                per_day[(index, day)] += us
    for (index, day), us in per_day.items():
        _, _, _, index_ws, workspace, task, _, is_away = ranked[index][4]
        keys = (
            [(scope, AWAY, day, 0, 0)]
            if is_away
            else [(scope, TASK, day, task or 0, 0), (scope, WORKSPACE, day, workspace, index_ws)]
        )
        for key in keys:
            sums[key] = sums.get(key, 0) + us


def compute_rows(
    rows: Sequence[Row],
    grid: DayGrid,
    names: Callable[[Iterable[int]], dict[int, str]],
    *,
    combined: bool = True,
) -> tuple[Sums, dict[tuple[int, int], int]]:
    """The rows' µs per (scope, group, day, label, index) inside the grid, and presence
    (switches per (host, day)). Host scopes always (``scope`` = the host's label number);
    the combined scope (``ALL_HOSTS``, 0) when ``combined``: the rows as they are while no
    two overlap, else overlap.py's rule (``add_combined_rows``)."""
    sums: Sums = defaultdict(int)
    presence: dict[tuple[int, int], int] = defaultdict(int)
    lo, hi = grid.bounds[0], grid.bounds[-1]
    overlapping = False
    latest_end = None
    for row in rows:
        start, delta, host = row[0], row[2], row[6]
        end = start + delta * 1000
        if delta > 0:
            if latest_end is not None and start < latest_end:
                overlapping = True
            latest_end = end if latest_end is None else max(latest_end, end)
            for day, _us in grid.cut(start, end):
                presence[(host, day)] += 1
        elif lo <= start < hi:
            presence[(host, grid.day(start))] += 1
        _add(sums, host, row, start, end, grid)
        if combined and not overlapping:
            _add(sums, _ALL_HOSTS, row, start, end, grid)
    if combined and overlapping:  # the rule of overlap.py decides who gets each moment
        for key in [k for k in sums if k[0] == _ALL_HOSTS]:
            del sums[key]
        add_combined_rows(sums, _ALL_HOSTS, rows, names({r[6] for r in rows}), grid)
    return sums, presence


def _add(sums: Sums, scope: int, row: Row, start: int, end: int, grid: DayGrid) -> None:
    """Add ``[start, end)`` of ``row`` to ``sums`` (a defaultdict) under ``scope``, by day."""
    if end <= start:
        return
    _, _, _, index, workspace, task, _, away = row
    for day, us in grid.cut(start, end):
        if away:
            sums[(scope, AWAY, day, 0, 0)] += us
        else:
            sums[(scope, TASK, day, task or 0, 0)] += us
            sums[(scope, WORKSPACE, day, workspace, index)] += us
