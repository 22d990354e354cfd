"""The checkpoint: the last position the remote acknowledged, saved in the local store.

It is one ``meta`` value written in one statement (atomic in both backends), and written only
after the sink acknowledged the batch it covers. It names the remote it belongs to: pointing
sync at another remote starts with a full copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bson import json_util

from deskmeter.store.base import Store
from deskmeter.sync.changes import Position

KEY = "sync.checkpoint"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    source: str
    remote: str
    position: Position
    #: When the newest applied change was made in the local store.
    position_time: datetime | None
    #: When the remote acknowledged it.
    applied_at: datetime
    #: Changes applied since the last full copy (for status).
    applied_total: int = 0
    #: A full copy in progress: ``{"collection": name, "after": last _id copied or None}``.
    #: ``position`` is then the position taken before the copy began.
    copying: dict[str, Any] | None = None

    def advanced(
        self, position: Position, position_time: datetime | None, at: datetime, count: int
    ) -> Checkpoint:
        return replace(
            self,
            position=position,
            position_time=position_time or self.position_time,
            applied_at=at,
            applied_total=self.applied_total + count,
        )


def encode(checkpoint: Checkpoint) -> str:
    data: dict[str, Any] = {
        "source": checkpoint.source,
        "remote": checkpoint.remote,
        "position": checkpoint.position,
        "position_time": checkpoint.position_time,
        "applied_at": checkpoint.applied_at,
        "applied_total": checkpoint.applied_total,
        "copying": checkpoint.copying,
    }
    return json_util.dumps(data, json_options=json_util.RELAXED_JSON_OPTIONS)


def decode(text: str) -> Checkpoint | None:
    """The checkpoint in ``text``; None if it is not one (a damaged value means a full copy)."""
    try:
        data = json_util.loads(
            text, json_options=json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True)
        )
        return Checkpoint(
            source=str(data["source"]),
            remote=str(data["remote"]),
            position=data["position"],
            position_time=data.get("position_time"),
            applied_at=data["applied_at"],
            applied_total=int(data.get("applied_total", 0)),
            copying=data.get("copying"),
        )
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None


class Checkpoints:
    """Load and save the checkpoint in the local store's ``meta``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self) -> Checkpoint | None:
        text = self.store.get_meta(KEY)
        return decode(text) if text else None

    def save(self, checkpoint: Checkpoint) -> None:
        self.store.set_meta(KEY, encode(checkpoint))

    def clear(self) -> None:
        self.store.set_meta(KEY, None)
