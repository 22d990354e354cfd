"""The away stretch waiting for the user's decision, as the store keeps it.

An away stretch longer than ``[tracker] ask_after_away_seconds`` is *pending*: the panel
indicator and the dashboard offer to keep it as away or to give it to a task. It is kept in
the store's ``meta`` (not synced), so every process sees the same one. The tracker writes it
(``tracker/presence/away.py``); ``edits/pending.py`` answers it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from deskmeter.models import as_utc
from deskmeter.store import Store

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
