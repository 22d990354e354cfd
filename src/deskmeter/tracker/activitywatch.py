"""Deskmeter as an ActivityWatch watcher: the workspace and task, as heartbeats to aw-server.

With ``[activitywatch] url`` set (env ``DESKMETER_ACTIVITYWATCH__URL``), the tracker reports
each state to the aw-server at that address, in the bucket ``aw-watcher-workspace_<host>``
(event type ``app.workspace``, data ``{"workspace": ..., "task": ...}``). A switch sends a last
heartbeat of the old workspace at the switch moment and a first one of the new; the open
interval is re-sent every ``heartbeat_seconds``. Each heartbeat's pulsetime is the time since
its stretch began plus 10 s, so aw-server merges every heartbeat of a stretch into one event,
even when some were lost on the way. Away time sends nothing (the event ends where the user
left).

The tracker never waits for aw-server: its listener only puts the state on a bounded queue
(``queue_size``) that one thread of this module sends. A full queue drops the new item and
counts it (``dropped``); a request that fails (server down, timeout of ``timeout_seconds``)
is not retried: it is dropped and counted (``failed``), logged once per outage, and the bucket
is created again when the server answers again. Nothing here can stop or slow tracking.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any

from deskmeter.config import Settings
from deskmeter.models import NO_TASK, State

log = logging.getLogger(__name__)

EVENT_TYPE = "app.workspace"
CLIENT = "deskmeter"
#: Added to the stretch's age for the pulsetime (how far apart two heartbeats of the same data
#: may be and still merge into one event).
PULSE_MARGIN_SECONDS = 10.0

_STOP = object()


def bucket_id(host: str) -> str:
    return f"aw-watcher-workspace_{host}"


def event_data(state: State) -> dict[str, str]:
    return {"workspace": state.workspace, "task": state.task or NO_TASK}


class ActivityWatchReporter:
    """Sends the tracker's states to aw-server from its own thread (see the module docstring)."""

    def __init__(
        self,
        url: str,
        host: str,
        now: Callable[[], datetime],
        *,
        heartbeat_seconds: float = 30.0,
        timeout_seconds: float = 2.0,
        queue_size: int = 1000,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"[activitywatch] url must be http:// or https://, not {url!r}")
        self.url = url.rstrip("/")
        self.host = host
        self.bucket = bucket_id(host)
        self.now = now
        self.heartbeat_seconds = heartbeat_seconds
        self.timeout_seconds = timeout_seconds
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        #: States the queue had no room for.
        self.dropped = 0
        #: Heartbeats aw-server did not take (down, slow, refused).
        self.failed = 0
        #: Heartbeats aw-server took.
        self.sent = 0
        self._bucket_ready = False
        self._failing = False
        self._current: dict[str, str] | None = None
        #: When the stretch of ``_current`` began.
        self._since: datetime | None = None
        self._interval: str | None = None
        self._thread = threading.Thread(target=self._run, name="activitywatch", daemon=True)

    @classmethod
    def from_settings(
        cls, settings: Settings, now: Callable[[], datetime]
    ) -> ActivityWatchReporter:
        section = settings.activitywatch
        assert section.url is not None
        return cls(
            section.url,
            settings.host,
            now,
            heartbeat_seconds=section.heartbeat_seconds,
            timeout_seconds=section.timeout_seconds,
            queue_size=section.queue_size,
        )

    # -- the tracker's side: never blocks ------------------------------------------------------

    def report(self, state: State | None) -> None:
        """A tracker listener: queue ``state`` (or drop it, counted, when the queue is full)."""
        try:
            self.queue.put_nowait((state, self.now()))
        except queue.Full:
            self.dropped += 1

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait_seconds: float | None = None) -> None:
        """Send what is queued (for at most about ``wait_seconds``) and end the thread."""
        try:
            self.queue.put_nowait(_STOP)
        except queue.Full:
            self.dropped += 1
        self._thread.join(wait_seconds if wait_seconds is not None else self.timeout_seconds * 3)

    # -- the sending thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                item = self.queue.get(timeout=self.heartbeat_seconds)
            except queue.Empty:
                if self._current is not None:
                    self._heartbeat(self._current, self.now())
                continue
            if item is _STOP:
                if self._current is not None and self.queue.empty():
                    self._heartbeat(self._current, self.now())
                return
            state, at = item
            self._apply(state, at)

    def _apply(self, state: State | None, at: datetime) -> None:
        data = None if state is None or state.away else event_data(state)
        new_interval = state is not None and state.interval_id != self._interval
        moment = state.since if state is not None and new_interval else at
        if self._current is not None and data != self._current:
            self._heartbeat(self._current, moment)  # the old stretch ends at the switch
        if data != self._current:
            self._since = moment
        self._current = data
        self._interval = state.interval_id if state is not None else None
        if data is not None:
            self._heartbeat(data, moment)

    def _heartbeat(self, data: dict[str, str], at: datetime) -> None:
        age = (at - self._since).total_seconds() if self._since is not None else 0.0
        pulsetime = max(age, 0.0) + PULSE_MARGIN_SECONDS
        event = {"timestamp": at.isoformat(), "duration": 0, "data": data}
        path = f"/api/0/buckets/{urllib.parse.quote(self.bucket)}/heartbeat?pulsetime={pulsetime}"
        try:
            if not self._bucket_ready:
                self._post(
                    f"/api/0/buckets/{urllib.parse.quote(self.bucket)}",
                    {"client": CLIENT, "type": EVENT_TYPE, "hostname": self.host},
                    ok_statuses=(200, 304),
                )
                self._bucket_ready = True
            self._post(path, event)
        except (OSError, ValueError) as exc:
            self.failed += 1
            self._bucket_ready = False
            if not self._failing:
                self._failing = True
                log.warning(
                    "ActivityWatch at %s does not answer (%s); heartbeats are dropped until it "
                    "does (tracking goes on)",
                    self.url,
                    exc,
                )
            return
        self.sent += 1
        if self._failing:
            self._failing = False
            log.info(
                "ActivityWatch at %s answers again (%d heartbeats dropped)", self.url, self.failed
            )

    def _post(self, path: str, body: dict[str, Any], ok_statuses: tuple[int, ...] = (200,)) -> None:
        request = urllib.request.Request(  # noqa: S310 (http or https: checked in __init__)
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code not in ok_statuses:
                raise OSError(f"HTTP {exc.code} from {path.split('?', maxsplit=1)[0]}") from None
