"""The tracker's side of presence: away intervals, and the away stretch waiting for a decision.

The user is away while at least one reason holds (``idle``, ``lock``, ``sleep``): typing the
password on a locked screen is input, but not being back. The away stretch starts at the
last input (the work interval is cut back to it) and ends at the first input after it.

An away stretch longer than ``[tracker] ask_after_away_seconds`` is *pending*: the panel
indicator and the dashboard offer to keep it as away or to give it to a task. The pending
stretch is kept in the store's ``meta`` (not synced), so every process sees the same one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from deskmeter.models import Switch, as_utc
from deskmeter.store import Store
from deskmeter.tracker.events import Away, Back

if TYPE_CHECKING:
    from deskmeter.tracker.daemon import Tracker

log = logging.getLogger(__name__)

#: ``meta`` key of the pending away stretch.
PENDING_KEY = "pending_away"


@dataclass(frozen=True, slots=True)
class PendingAway:
    """An away stretch the user has not decided about: switch ``switch_id``, [start, end)."""

    switch_id: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.switch_id, "start": self.start.isoformat(), "end": self.end.isoformat()}
        )

    @classmethod
    def from_json(cls, text: str) -> PendingAway:
        data = json.loads(text)
        return cls(
            str(data["id"]),
            as_utc(datetime.fromisoformat(data["start"])),
            as_utc(datetime.fromisoformat(data["end"])),
        )


def get_pending(store: Store) -> PendingAway | None:
    text = store.get_meta(PENDING_KEY)
    if not text:
        return None
    try:
        return PendingAway.from_json(text)
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable pending away stretch: %r", text)
        return None


def set_pending(store: Store, pending: PendingAway | None) -> None:
    store.set_meta(PENDING_KEY, pending.to_json() if pending is not None else None)


class AwayBook:
    """What the tracker knows about presence: the reasons for being away now."""

    def __init__(self, ask_after_seconds: float) -> None:
        self.ask_after_seconds = ask_after_seconds
        self.reasons: dict[str, datetime] = {}

    @property
    def away(self) -> bool:
        return bool(self.reasons)

    def handle(self, tracker: Tracker, event: Away | Back, now: datetime) -> None:
        if isinstance(event, Away):
            self._away(tracker, event, now)
        else:
            self._back(tracker, event, now)

    def _away(self, tracker: Tracker, event: Away, now: datetime) -> None:
        first = not self.reasons
        self.reasons.setdefault(event.reason, event.since)
        state = tracker.state
        if not first or state is None or state.away:
            return
        since = max(min(as_utc(event.since), now), state.since)
        log.info(
            "away (%s, %s) since %s",
            event.reason,
            event.source or "?",
            since.isoformat("T", "seconds"),
        )
        away_state = replace(
            state,
            since=since,
            heartbeat=now,
            interval_id=_new_id(),
            away=True,
        )
        tracker._close_and_open(away_state, end=since)

    def _back(self, tracker: Tracker, event: Back, now: datetime) -> None:
        if event.reason not in self.reasons:
            return  # e.g. an unlock without a lock seen: nothing to end
        del self.reasons[event.reason]
        if self.reasons:
            log.info("%s ended, still away (%s)", event.reason, ", ".join(self.reasons))
            return
        state = tracker.state
        if state is None or not state.away:
            return
        at = min(max(as_utc(event.at), state.since), now)
        away_switch: Switch = state.closed_at(at)
        log.info("back (%s) after %.0f s away", event.reason, away_switch.delta)
        new_state = tracker._new_state(tracker.workspace, at) if tracker.workspace else None
        tracker._close_and_open(new_state, end=at)
        if self.ask_after_seconds and away_switch.delta >= self.ask_after_seconds:
            pending = PendingAway(away_switch.id, away_switch.date, away_switch.end)
            try:
                set_pending(tracker.store, pending)
            except tracker.store.write_errors as exc:  # disk full: the stretch stays away
                log.error("cannot offer the away stretch for a decision: %s", exc)
                return
            tracker._notify()


def _new_id() -> str:
    from deskmeter.tracker.daemon import new_interval_id

    return new_interval_id()
