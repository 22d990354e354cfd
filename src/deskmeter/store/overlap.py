"""Counting time once across several workstations (the "all hosts" view).

Each host's own view sums its own switches. When the view combines hosts, two machines may
both have been tracking at the same moment (a desktop left on while the laptop is in use):
that moment is counted once, and this is the rule that says for whom.

**The rule: the most recent switch wins.** At any moment, among the counted (not away)
intervals that cover it, the one that *started* last decides the host: the machine the user
switched to most recently is the one in use. That host gets the moment, with all of its own
intervals that cover it (a host's own intervals are never cut by each other, so a single
host's "all" equals its own view). Ties on the start go to the host whose name sorts last,
then to the larger id: stable, whatever order the store returns.

Away time (no input, locked, asleep) never takes a moment from work on another host: a
moment counts as away in the combined view only when no host was working then, and then
once (for the away interval that started last).

``credited_pieces`` turns the switches into the pieces that count, as ``Switch`` values with
the same id and labels and a shorter interval. The totals are then cut from those pieces as
from any switches (``totals.cut_totals``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from deskmeter.models import Switch


def host_count(switches: Iterable[Switch]) -> int:
    """How many different hosts the switches come from."""
    return len({s.host for s in switches})


def _rank(switch: Switch) -> tuple[datetime, str, str]:
    return (switch.date, switch.host, switch.id)


def credited_pieces(switches: Sequence[Switch]) -> list[Switch]:
    """The parts of ``switches`` that count when several hosts are combined (see above).

    With switches from a single host this returns them unchanged. Otherwise every returned
    piece lies within its switch, no moment is credited to two hosts, and every moment some
    counted switch covers is credited to exactly one host. Ordered by start, then id.
    """
    if host_count(switches) <= 1:
        return list(switches)
    ordered = sorted(switches, key=_rank)
    boundaries = sorted({t for s in ordered for t in (s.date, s.end)})
    # active intervals: a heap of (end, index) to expire, and the set of live indexes
    ends: list[tuple[datetime, int]] = []
    live: set[int] = set()
    opened: dict[int, datetime] = {}  # index -> start of its piece being credited now
    pieces: list[Switch] = []
    cursor = 0

    def close(index: int, at: datetime) -> None:
        start = opened.pop(index)
        if at > start:
            original = ordered[index]
            pieces.append(
                original
                if start == original.date and at == original.end
                else replace(original, date=start, delta=(at - start).total_seconds())
            )

    for moment in boundaries:  # the credit between two boundaries is constant
        while cursor < len(ordered) and ordered[cursor].date <= moment:
            if ordered[cursor].end > moment:
                live.add(cursor)
                heapq.heappush(ends, (ordered[cursor].end, cursor))
            cursor += 1
        while ends and ends[0][0] <= moment:
            live.discard(heapq.heappop(ends)[1])
        credited = _credited(ordered, live)
        for index in [i for i in opened if i not in credited]:
            close(index, moment)
        for index in credited:
            opened.setdefault(index, moment)
    pieces.sort(key=lambda s: (s.date, s.id))
    return pieces


def _credited(ordered: Sequence[Switch], live: set[int]) -> set[int]:
    """Which of the live intervals get the current segment."""
    working = [i for i in live if not ordered[i].away]
    if working:
        winner = max(working, key=lambda i: _rank(ordered[i]))
        host = ordered[winner].host
        return {i for i in working if ordered[i].host == host}
    if live:
        return {max(live, key=lambda i: _rank(ordered[i]))}
    return set()
