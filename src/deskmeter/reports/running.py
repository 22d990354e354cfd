"""The open intervals (every host's ``state``) in the dashboard's figures, counted once.

The store's totals count closed switches; the pages add what is running now (each host's
open interval up to its last heartbeat). For one host that is a plain addition. For all
hosts together a running interval may overlap another host's switches or running interval:
the moment is then credited by the same rule as the store's (``store/overlap.py``, the most
recent switch wins). The credit of a moment depends only on the intervals that cover it, so
it is enough to recount the stretches the open intervals cover: ``open_corrections`` gives
the rows to add to the store's totals (negative where a running interval takes a moment
from a closed switch of another host).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskmeter.models import State, Switch, Total
from deskmeter.store import Store
from deskmeter.store.overlap import credited_pieces
from deskmeter.store.totals import MIDNIGHT, Group, Period, cut_totals


def pick_state(states: Iterable[State], host: str | None) -> State | None:
    """``host``'s open interval, or (``host`` None) the one with the latest heartbeat."""
    found = [s for s in states if host is None or s.host == host]
    return max(found, key=lambda s: (s.heartbeat, s.host), default=None)


def counted_until(state: State, now: datetime | None, heartbeat_seconds: float) -> datetime:
    """Where ``state``'s open interval ends in the figures: ``now`` while its tracker runs
    (the heartbeat only bounds what a crash can lose), else its last heartbeat.

    ``now`` None (a portfolio: the state is what the last sync brought) keeps the heartbeat.
    """
    if now is None or not state.is_live(now, heartbeat_seconds):
        return state.heartbeat
    return max(state.heartbeat, now)


def open_switches(
    states: Iterable[State],
    host: str | None,
    now: datetime | None = None,
    heartbeat_seconds: float = 15.0,
) -> list[Switch]:
    """The open intervals (of ``host``, or of all) as switches ending where they count:
    ``now`` for a running tracker (``counted_until``), else the last heartbeat."""
    found = []
    for s in states:
        if host is not None and s.host != host:
            continue
        until = counted_until(s, now, heartbeat_seconds)
        if until > s.since:
            found.append(s.closed_at(until))
    return found


def windows(
    opens: Sequence[Switch], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The stretches of ``[start, end)`` that some open interval covers, merged, in order."""
    spans = sorted((max(s.date, start), min(s.end, end)) for s in opens)
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in spans:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _negated(totals: Iterable[Total]) -> list[Total]:
    return [t._replace(seconds=-t.seconds) for t in totals]


def open_corrections(
    store: Store,
    opens: Sequence[Switch],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    group: Group,
    by: Period | None,
    *,
    host: str | None,
    day_start: timedelta = MIDNIGHT,
    away: bool = False,
) -> list[Total]:
    """Rows to add to the store's totals of ``[start, end)`` (of ``host``, or of all hosts)
    so that they count the open intervals ``opens`` too.

    One host: the open intervals' own time. All hosts: each stretch an open interval covers
    is recounted with the overlap rule, closed switches and open intervals together, and the
    difference to what the store counted there is returned (rows may be negative).
    """
    if host is not None:
        return cut_totals(opens, start, end, tz, group, by, day_start=day_start, away=away)
    rows: list[Total] = []
    for lo, hi in windows(opens, start, end):
        closed = store.switches_overlapping(lo, hi)
        ids = {s.id for s in closed}
        # an interval just closed may still be a host's state on a remote between two syncs
        inside = [s for s in opens if s.end > lo and s.date < hi and s.id not in ids]
        if not inside:
            continue
        before = credited_pieces(closed)
        after = credited_pieces([*closed, *inside])
        rows += cut_totals(after, lo, hi, tz, group, by, day_start=day_start, away=away)
        rows += _negated(cut_totals(before, lo, hi, tz, group, by, day_start=day_start, away=away))
    return rows


def counted_with_open(
    store: Store, opens: Sequence[Switch], start: datetime, end: datetime, *, host: str | None
) -> tuple[list[Switch], int]:
    """The switches that count in ``[start, end)`` with the open intervals, and how many of
    them are closed switches (stored).

    One host: its switches and its open interval as they are. All hosts: every host's, each
    moment credited once (the pieces keep their switch's id).
    """
    closed = store.switches_overlapping(start, end, host=host)
    ids = {s.id for s in closed}
    running = [s for s in opens if s.end > start and s.date < end and s.id not in ids]
    switches = [*closed, *running]
    if host is None:
        switches = credited_pieces(switches)
    return switches, len(closed)
