"""The checkpoint: the last position the remote acknowledged, saved in the local store.

It is one ``meta`` value written in one statement (atomic in both backends), and written only
after the sink acknowledged the batch it covers. It names the remote it belongs to: pointing
sync at another remote starts with a full copy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bson import json_util

from deskmeter.store.base import COLLECTIONS, Store
from deskmeter.sync.changes import DocId, Position, ResumeToken
from deskmeter.sync.errors import translate_errors

KEY = "sync.checkpoint"
#: The beginning of the error message when the store cannot load or save the checkpoint.
STORE_FAILED = "the local store failed"


#: Collections newer than the first checkpoints (``edit``, issue 13): a saved copy progress
#: that does not name them began when they did not exist.
ADDED_LATER: tuple[str, ...] = ("edit",)


@dataclass(frozen=True, slots=True)
class CopyProgress:
    """A full copy in progress: what is done, and where it ends.

    Collections are copied in ``COLLECTIONS`` order by ``_id``: ``collection`` is the one being
    copied, ``after`` the last ``_id`` of it the remote acknowledged (None: none yet).
    """

    collection: str
    after: DocId | None = None
    #: Collections in which the remote may hold documents the local store deleted: after
    #: their copy, remote documents the local store lacks are removed.
    sweep: tuple[str, ...] = COLLECTIONS
    #: The highest ``_id`` of each collection when the copy began (None: it was empty);
    #: anything above was created after the copy's position, so it is streamed anyway.
    until: Mapping[str, DocId | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "collection": self.collection,
            "after": self.after,
            "sweep": list(self.sweep),
            "until": dict(self.until),
        }

    @classmethod
    def from_json(cls, data: object) -> CopyProgress:
        """The progress in ``data``; TypeError if it is not one (the copy then starts over)."""
        if not isinstance(data, dict):
            raise TypeError("the copy progress is not a document")
        until, sweep = data.get("until"), data.get("sweep", list(COLLECTIONS))
        if data.get("collection") not in COLLECTIONS:
            raise TypeError(f"the copy progress names no collection: {data.get('collection')!r}")
        if isinstance(until, dict):
            # a copy begun before a collection existed: it was empty then
            until = {**dict.fromkeys(ADDED_LATER), **until}
        if not isinstance(until, dict) or not set(COLLECTIONS) <= set(until):
            raise TypeError("the copy progress does not say where each collection ends")
        if not isinstance(sweep, list) or not set(sweep) <= set(COLLECTIONS):
            raise TypeError("the copy progress names unknown collections to sweep")
        return cls(str(data["collection"]), data.get("after"), tuple(sweep), until)


def position_from_json(value: object) -> Position:
    """A saved position; TypeError for anything that cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return ResumeToken(value)
    raise TypeError(f"not a sync position: {value!r}")


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
    #: A full copy in progress; ``position`` is then the position taken before it began.
    copying: CopyProgress | None = None
    #: The host it syncs for (its documents on the remote are the ones its sweeps own);
    #: empty in checkpoints saved before several hosts were a case.
    host: str = ""

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
        "copying": checkpoint.copying.to_json() if checkpoint.copying else None,
        "host": checkpoint.host,
    }
    return json_util.dumps(data, json_options=json_util.RELAXED_JSON_OPTIONS)


def decode(text: str) -> Checkpoint | None:
    """The checkpoint in ``text``; None if it is not one (a damaged value means a full copy)."""
    try:
        data = json_util.loads(
            text, json_options=json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True)
        )
        copying = data.get("copying")
        return Checkpoint(
            source=str(data["source"]),
            remote=str(data["remote"]),
            position=position_from_json(data["position"]),
            position_time=data.get("position_time"),
            applied_at=data["applied_at"],
            applied_total=int(data.get("applied_total", 0)),
            copying=None if copying is None else CopyProgress.from_json(copying),
            host=str(data.get("host") or ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError, json.JSONDecodeError):
        return None


class Checkpoints:
    """Load and save the checkpoint in the local store's ``meta``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self) -> Checkpoint | None:
        with translate_errors("local", STORE_FAILED):
            text = self.store.get_meta(KEY)
        return decode(text) if text else None

    def save(self, checkpoint: Checkpoint) -> None:
        with translate_errors("local", STORE_FAILED):
            self.store.set_meta(KEY, encode(checkpoint))

    def clear(self) -> None:
        with translate_errors("local", STORE_FAILED):
            self.store.set_meta(KEY, None)
