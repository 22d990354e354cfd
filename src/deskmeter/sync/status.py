"""What the daemon is doing, kept in the local store's ``meta`` for ``deskmeter sync status``.

The checkpoint (``checkpoint.py``) says what the remote has; this record says whether the
daemon runs, its last error and its last full resync.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from deskmeter.models import utcnow
from deskmeter.processes import process_alive
from deskmeter.store.base import Store
from deskmeter.sync.checkpoint import STORE_FAILED, Checkpoints
from deskmeter.sync.errors import translate_errors
from deskmeter.sync.source import Source

KEY = "sync.status"

_TIMES = ("started_at", "heartbeat_at", "stopped_at", "last_error_at", "last_resync_at")


@dataclass
class DaemonStatus:
    state: str = "never run"  # copying | streaming | backing off | stopped | failed
    pid: int | None = None
    host: str = ""
    source: str = ""
    remote: str = ""
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    stopped_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_resync_at: datetime | None = None
    last_resync_reason: str | None = None
    resyncs: int = 0

    def to_json(self) -> str:
        data = asdict(self)
        for key in _TIMES:
            value = data[key]
            data[key] = value.isoformat() if value else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | None) -> DaemonStatus:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            data = {k: v for k, v in data.items() if k in known}
            for key in _TIMES:
                if data.get(key):
                    data[key] = datetime.fromisoformat(data[key])
            return cls(**data)
        except (ValueError, TypeError):
            return cls(state="unknown (damaged status record)")


class StatusBook:
    """The daemon's status record, written when something changes (and as a heartbeat)."""

    def __init__(self, store: Store, *, source: str, remote: str) -> None:
        self.store = store
        previous = DaemonStatus.from_json(store.get_meta(KEY))
        self.status = DaemonStatus(
            pid=os.getpid(),
            host=socket.gethostname(),
            source=source,
            remote=remote,
            last_error=previous.last_error,
            last_error_at=previous.last_error_at,
            last_resync_at=previous.last_resync_at,
            last_resync_reason=previous.last_resync_reason,
            resyncs=previous.resyncs,
        )

    def save(self) -> None:
        self.status.heartbeat_at = utcnow()
        with translate_errors("local", STORE_FAILED):
            self.store.set_meta(KEY, self.status.to_json())

    def started(self) -> None:
        self.status.started_at = utcnow()
        self.status.state = "starting"
        self.save()

    def set_state(self, state: str) -> None:
        if state != self.status.state:
            self.status.state = state
            self.save()

    def error(self, message: str) -> None:
        self.status.last_error = message
        self.status.last_error_at = utcnow()
        self.save()

    def resync(self, reason: str) -> None:
        self.status.last_resync_at = utcnow()
        self.status.last_resync_reason = reason
        self.status.resyncs += 1
        self.save()

    def stopped(self, state: str = "stopped") -> None:
        self.status.state = state
        self.status.stopped_at = utcnow()
        self.save()


def report(
    store: Store, source: Source, *, heartbeat_seconds: float = 15.0, host: str | None = None
) -> dict[str, Any]:
    """The truth about this host's sync, from its local store alone (the remote is not asked).

    Each workstation has its own local store, checkpoint and status record: the lag shown is
    its own, whatever the other hosts syncing into the same remote do. ``host``: the name it
    syncs as (``settings.host``).
    """
    now = utcnow()
    daemon = DaemonStatus.from_json(store.get_meta(KEY))
    checkpoint = Checkpoints(store).load()
    beat_age = (now - daemon.heartbeat_at).total_seconds() if daemon.heartbeat_at else None
    running = (
        daemon.state not in ("stopped", "failed", "never run")
        and daemon.host == socket.gethostname()
        and process_alive(daemon.pid)
        and beat_age is not None
        and beat_age <= heartbeat_seconds * 3 + 5
    )
    info: dict[str, Any] = {
        "running": running,
        "host": (checkpoint.host if checkpoint and checkpoint.host else None)
        or host
        or socket.gethostname(),
        "state": daemon.state
        if running or daemon.state in ("stopped", "failed", "never run")
        else f"not running (last state: {daemon.state})",
        "pid": daemon.pid if running else None,
        "source": source.describe(),
        "remote": checkpoint.remote if checkpoint else (daemon.remote or None),
        "position": None,
        "position_time": None,
        "applied_at": None,
        "applied_since_copy": None,
        "pending": None,
        "lag_seconds": None,
        "heartbeat_at": _iso(daemon.heartbeat_at),
        "last_error": daemon.last_error,
        "last_error_at": _iso(daemon.last_error_at),
        "last_resync_at": _iso(daemon.last_resync_at),
        "last_resync_reason": daemon.last_resync_reason,
        "resyncs": daemon.resyncs,
    }
    if checkpoint is None:
        info["note"] = "no checkpoint yet: the first sync copies everything"
        return info
    info.update(
        position=checkpoint.position,
        position_time=_iso(checkpoint.position_time),
        applied_at=_iso(checkpoint.applied_at),
        applied_since_copy=checkpoint.applied_total,
    )
    pending = source.pending(checkpoint.position)
    info["pending"] = pending
    if pending is not None:
        oldest = source.oldest_pending(checkpoint.position) if pending else None
        info["lag_seconds"] = round((now - oldest).total_seconds(), 3) if oldest else 0.0
    return info


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
