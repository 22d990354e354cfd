"""The tracker's side of presence: away intervals, and the away stretch waiting for a decision.

The user is away while at least one reason holds (``idle``, ``lock``, ``sleep``): typing the
password on a locked screen is input, but not being back. The away stretch starts at the
last input (the work interval is cut back to it) and ends at the first input after it.

An away stretch longer than ``[tracker] ask_after_away_seconds`` is *pending* (the record is in
``edits/pending_record.py``). ``AwayBook`` decides; the tracker applies the ``Transition``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from deskmeter.edits.pending_record import PendingAway
from deskmeter.ids import new_id
from deskmeter.models import State, Switch, as_utc
from deskmeter.tracker.events import Away, Back

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Transition:
    """What the tracker does for a presence event: close the open interval at ``end`` and
    open ``state`` (None: nothing open), then offer ``pending`` for a decision if set."""

    state: State | None
    end: datetime
    pending: PendingAway | None = None


class AwayBook:
    """What the tracker knows about presence: the reasons for being away now."""

    def __init__(self, ask_after_seconds: float) -> None:
        self.ask_after_seconds = ask_after_seconds
        self.reasons: dict[str, datetime] = {}

    @property
    def away(self) -> bool:
        return bool(self.reasons)

    def handle(
        self,
        state: State | None,
        event: Away | Back,
        now: datetime,
        reopen: Callable[[datetime], State | None],
    ) -> Transition | None:
        """The transition ``event`` calls for, given the open interval ``state``.

        ``reopen(at)`` is the work interval the tracker would open at ``at`` (None when it
        knows no workspace)."""
        if isinstance(event, Away):
            return self._away(state, event, now)
        return self._back(state, event, now, reopen)

    def _away(self, state: State | None, event: Away, now: datetime) -> Transition | None:
        first = not self.reasons
        self.reasons.setdefault(event.reason, event.since)
        if not first or state is None or state.away:
            return None
        since = max(min(as_utc(event.since), now), state.since)
        log.info(
            "away (%s, %s) since %s",
            event.reason,
            event.source or "?",
            since.isoformat("T", "seconds"),
        )
        away_state = replace(state, since=since, heartbeat=now, interval_id=new_id(), away=True)
        return Transition(away_state, end=since)

    def _back(
        self,
        state: State | None,
        event: Back,
        now: datetime,
        reopen: Callable[[datetime], State | None],
    ) -> Transition | None:
        if event.reason not in self.reasons:
            return None  # e.g. an unlock without a lock seen: nothing to end
        del self.reasons[event.reason]
        if self.reasons:
            log.info("%s ended, still away (%s)", event.reason, ", ".join(self.reasons))
            return None
        if state is None or not state.away:
            return None
        at = min(max(as_utc(event.at), state.since), now)
        away_switch: Switch = state.closed_at(at)
        log.info("back (%s) after %.0f s away", event.reason, away_switch.delta)
        pending = None
        if self.ask_after_seconds and away_switch.delta >= self.ask_after_seconds:
            pending = PendingAway(away_switch.id, away_switch.date, away_switch.end)
        return Transition(reopen(at), end=at, pending=pending)
