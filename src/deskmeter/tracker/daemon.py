"""The tracker loop: one thread owns the open interval and writes every switch.

Sources (X11, wmctrl, GNOME) and the task-file watcher run in their own threads and only put
events on ``Tracker.events``. The loop wakes for an event or for the heartbeat, nothing else.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from deskmeter import limits, systemd_notify
from deskmeter.config import Settings
from deskmeter.edits.pending_record import set_pending
from deskmeter.ids import new_id
from deskmeter.models import NO_TASK, State, Switch
from deskmeter.store import Store
from deskmeter.tasks.registry import CurrentTask, TaskRegistry
from deskmeter.tasks.taskfile import TaskFileError
from deskmeter.tracker.activitywatch import ActivityWatchReporter
from deskmeter.tracker.clock import Clock, SystemClock
from deskmeter.tracker.events import (
    Away,
    Back,
    Event,
    SetTask,
    Stop,
    TaskFileChanged,
    WorkspaceChanged,
    WorkspaceLost,
    WorkspaceNames,
)
from deskmeter.tracker.lock import TrackerLease
from deskmeter.tracker.presence.away import AwayBook

log = logging.getLogger(__name__)


def log_closed(switch: Switch) -> None:
    """The log line of a closed interval: an away stretch says so (it is not counted)."""
    if switch.away:
        log.info(
            "away: %s after %s on %s (not counted)",
            _length(switch.delta),
            switch.task or NO_TASK,
            switch.workspace,
        )
    else:
        log.info(
            "switch: %s on %s for %s",
            switch.task or NO_TASK,
            switch.workspace,
            _length(switch.delta),
        )


def _length(seconds: float) -> str:
    """``5m 29s``, ``42s``, ``1h 02m 05s``: a log line's length of an interval."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


Listener = Callable[[State | None], None]


class StopTracking(BaseException):
    """Raised (e.g. from the SIGTERM handler) to make the loop close cleanly.

    A ``BaseException``, as ``KeyboardInterrupt`` is: a signal lands anywhere, and code that
    catches ``Exception`` (logging's ``emit``, for one) must not swallow the stop.
    """


def new_interval_id() -> str:
    """A time-ordered unique id (an ObjectId's shape), like the original switch ids."""
    return new_id()


class Tracker:
    """Turns workspace and task events into ``switch`` records and the ``state`` document."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        tasks: TaskRegistry,
        clock: Clock | None = None,
        lease: TrackerLease | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.tasks = tasks
        if not tasks.host:  # the tracker's task file is its own host's
            tasks.host = settings.host
        self.clock: Clock = clock or SystemClock()
        self.events: queue.Queue[Event] = queue.Queue()
        self.listeners: list[Listener] = []
        self.state: State | None = None
        self.workspace: WorkspaceChanged | None = None
        self.names: tuple[str, ...] = ()
        self.heartbeat = timedelta(seconds=settings.tracker.heartbeat_seconds)
        self._last_wall = self.clock.now()
        self._last_mono = self.clock.monotonic()
        self._next_beat_mono = self._last_mono + self.heartbeat.total_seconds()
        #: The one-tracker-per-store lease, renewed with every heartbeat (None: not held).
        self.lease = lease
        #: Closed intervals not yet in the store (it failed: disk full, read-only, away).
        self.unsaved: list[Switch] = []
        #: The state the store should hold, when writing it failed.
        self._state_unsaved = False
        self._write_failing = False
        self.presence = AwayBook(settings.tracker.ask_after_away_seconds)
        #: Heartbeats to a running aw-server (``[activitywatch] url``), from their own thread.
        self.activitywatch: ActivityWatchReporter | None = None
        #: Why the loop ended, when it ended on a failure (``Stop.error``); empty otherwise.
        self.failure = ""

    # -- life cycle -------------------------------------------------------------------------

    def recover(self) -> Switch | None:
        """Close this host's interval left open by a crash at its last heartbeat (never later).

        Other hosts' open intervals in the same store are theirs: never touched.
        """
        stale = self.store.get_state(self.settings.host)
        if stale is None:
            return None
        switch = stale.closed_at(stale.heartbeat)
        self._save(switch if switch.delta > 0 else None, None)
        log.warning(
            "recovered an interval left open by an unclean stop: %s on %s, %.0f s, closed at "
            "its last heartbeat %s",
            switch.task or NO_TASK,
            switch.workspace,
            switch.delta,
            stale.heartbeat.isoformat(timespec="seconds"),
        )
        return switch

    def start(self) -> None:
        """Recover, load the task file, and get ready for the first workspace event.

        A store written by the single-host versions first becomes this host's (its
        ``current`` state, its tasks keyed by bare id: ``Store.adopt_legacy``).
        """
        try:
            adopted = self.store.adopt_legacy(self.settings.host)
        except self.store.write_errors as exc:
            log.error("could not give the store's host-less records to this host: %s", exc)
        else:
            if adopted:
                log.info("records without a host are %s's now: %s", self.settings.host, adopted)
        self.recover()
        if self.settings.activitywatch.url:
            self.activitywatch = ActivityWatchReporter.from_settings(self.settings, self.clock.now)
            self.activitywatch.start()
            self.listeners.append(self.activitywatch.report)
        self.tasks.ensure_file()
        self.tasks.reload(self.clock.now())
        self._last_wall = self.clock.now()
        self._last_mono = self.clock.monotonic()

    def run(self) -> None:
        """Handle events until ``Stop`` (or ``StopTracking``); always close the interval."""
        systemd_notify.ready("tracking")  # Type=notify; WatchdogSec must exceed the heartbeat
        try:
            while True:
                timeout: float | None = max(0.0, self._next_beat_mono - self.clock.monotonic())
                if self.state is not None and self.state.away and not self._retrying():
                    # away: nothing to lose, sleep until the next event (under a systemd
                    # watchdog, wake only as often as it must be fed)
                    timeout = systemd_notify.watchdog_interval()
                try:
                    event: Event | None = self.events.get(timeout=timeout)
                except queue.Empty:
                    event = None
                systemd_notify.watchdog()
                if not self.step(event):
                    break
        except (StopTracking, KeyboardInterrupt):
            log.info("stop requested")
        finally:
            systemd_notify.stopping()
            self.shutdown()

    def shutdown(self) -> None:
        if self.lease is not None and self.lease.lost:
            log.error("stopped: another tracker owns this store now (not touching its state)")
        elif self.state is not None:
            self._close_and_open(None)
            log.info("closed the open interval; tracker stopped")
        if self.unsaved:
            log.error(
                "stopped with %d interval(s) the store could not take (%.0f s in all)",
                len(self.unsaved),
                sum(s.delta for s in self.unsaved),
            )
        if self.activitywatch is not None:
            self.activitywatch.stop()
        if self.lease is not None:
            self.lease.release()

    # -- one step ---------------------------------------------------------------------------

    def step(self, event: Event | None) -> bool:
        """Handle one event (None = heartbeat due). Return False when the loop should end."""
        now = self.clock.now()
        self._check_suspend(now)
        if event is None or self.clock.monotonic() >= self._next_beat_mono:
            self._beat(now)
        match event:
            case None:
                pass
            case WorkspaceChanged():
                self._on_workspace(event, now)
            case WorkspaceNames(names=names):
                self.names = names
                if self.workspace is not None:
                    self._on_workspace(self.workspace, now)
            case WorkspaceLost(reason=reason, at=at):
                log.warning("lost the workspace source (%s); not counting until it is back", reason)
                self.workspace = None
                if self.state is not None:
                    end = None if at is None else min(max(at, self.state.since), now)
                    self._close_and_open(None, end=end)
            case TaskFileChanged(tasks=parsed, error=error):
                if error is not None:
                    self.tasks.failed(error)
                elif parsed is not None:
                    self.tasks.apply(parsed, now)
                    self._on_task(now)
                elif self.tasks.reload(now):
                    self._on_task(now)
            case SetTask(path=path):
                try:
                    self.tasks.set_current(path)
                except (TaskFileError, ValueError, OSError) as exc:
                    log.error("cannot set task %r: %s", path, exc)
                else:
                    self.tasks.reload(now)
                    self._on_task(now)
            case Away() | Back():
                self._on_presence(event, now)
            case Stop(error=error):
                if error:
                    log.error("stopping: %s", error)
                    self.failure = error
                return False
        return True

    # -- transitions ------------------------------------------------------------------------

    def _label(self, event: WorkspaceChanged) -> str:
        x_name = event.name
        if not x_name and 0 <= event.index < len(self.names):
            x_name = self.names[event.index]
        return self.settings.workspace_label(event.index, x_name)

    def _task_for(self, workspace: WorkspaceChanged) -> CurrentTask | None:
        """The task file's task for this workspace (by its name or number), else the '*' one."""
        x_name = workspace.name
        if not x_name and 0 <= workspace.index < len(self.names):
            x_name = self.names[workspace.index]
        return self.tasks.for_workspace(workspace.index, (x_name, self._label(workspace)))

    def _new_state(self, workspace: WorkspaceChanged, now: datetime) -> State:
        task = self._task_for(workspace)
        return State(
            workspace_index=workspace.index,
            workspace=self._label(workspace),
            since=now,
            heartbeat=now,
            interval_id=new_interval_id(),
            task_id=task.id if task else None,
            task=task.path if task else None,
            host=self.settings.host,
            away=self.presence.away,
        )

    def _on_workspace(self, event: WorkspaceChanged, now: datetime) -> None:
        self.workspace = event
        if self.state is not None and self.state.away:
            return  # the away interval goes on; work reopens here when the user is back
        label = self._label(event)
        if self.state is not None and self.state.workspace_index == event.index:
            if self.state.workspace != label:  # a rename, not a switch
                self.state = replace(self.state, workspace=label)
                self._save(None, self.state)
                self._notify()
            return
        self._close_and_open(self._new_state(event, now))

    def _on_task(self, now: datetime) -> None:
        task: CurrentTask | None = (
            self.tasks.current if self.workspace is None else self._task_for(self.workspace)
        )
        if self.state is not None and self.state.away:
            self._notify()  # the new task starts when the user is back
            return
        if self.state is None:
            if self.workspace is not None:
                self._close_and_open(self._new_state(self.workspace, now))
            else:
                self._notify()  # nothing to close, but listeners show the new task
            return
        if (task.id if task else None) == self.state.task_id and (
            task.path if task else None
        ) == self.state.task:
            return
        assert self.workspace is not None
        self._close_and_open(self._new_state(self.workspace, now))

    def _on_presence(self, event: Away | Back, now: datetime) -> None:
        workspace = self.workspace

        def reopen(at: datetime) -> State | None:
            return self._new_state(workspace, at) if workspace else None

        transition = self.presence.handle(self.state, event, now, reopen)
        if transition is None:
            return
        self._close_and_open(transition.state, end=transition.end)
        if transition.pending is not None:
            try:
                set_pending(self.store, transition.pending)
            except self.store.write_errors as exc:  # disk full: the stretch stays away
                log.error("cannot offer the away stretch for a decision: %s", exc)
                return
            self._notify()

    def _close_and_open(self, new_state: State | None, end: datetime | None = None) -> None:
        """Close the open interval (at ``end`` or now) and open ``new_state`` in one write."""
        if end is None:
            end = new_state.since if new_state is not None else self.clock.now()
        switch = None
        if self.state is not None:
            switch = self.state.closed_at(end)
            if switch.delta <= 0:
                switch = None
        self._save(switch, new_state)
        if switch is not None:
            log_closed(switch)
        self.state = new_state
        self._next_beat_mono = self.clock.monotonic() + self.heartbeat.total_seconds()
        self._notify()

    def _beat(self, now: datetime) -> None:
        self._next_beat_mono = self.clock.monotonic() + self.heartbeat.total_seconds()
        if self.lease is not None and not self.lease.renew():
            raise StopTracking("another tracker took the store over")
        if self.state is not None:
            if (now - self.state.since).total_seconds() >= limits.MAX_DELTA:
                # one switch holds at most limits.MAX_DELTA: roll over into a new interval
                assert self.workspace is not None
                self._close_and_open(self._new_state(self.workspace, now), end=now)
                return
            self.state = self.state.beat(now)
            self._save(None, self.state)
        elif self.unsaved or self._state_unsaved:
            self._save(None, None)

    def _retrying(self) -> bool:
        """Whether something waits in memory for the store (retried at every heartbeat)."""
        return bool(self.unsaved) or self._state_unsaved

    def _save(self, switch: Switch | None, state: State | None) -> None:
        """Write ``switch`` (if any) and ``state``; on failure keep them and retry later.

        A store that cannot be written (disk full, read-only, MongoDB away) is reported once;
        the closed intervals wait in memory and are written, oldest first, at the next
        heartbeat or switch that finds the store writable again. The tracker never stops
        for it (under systemd a crash would only loop).
        """
        if switch is not None:
            self.unsaved.append(switch)
        try:
            for older in self.unsaved[:-1]:
                self.store.add_switch(older)
                self.unsaved.remove(older)
            self.store.close_interval(
                self.unsaved[-1] if self.unsaved else None, state, host=self.settings.host
            )
        except self.store.write_errors as exc:
            self._state_unsaved = True
            if not self._write_failing:
                self._write_failing = True
                log.error(
                    "cannot write to the store (%s: %s); keeping %d closed interval(s) in "
                    "memory and retrying at every heartbeat",
                    type(exc).__name__,
                    exc,
                    len(self.unsaved),
                )
            return
        if self._write_failing:
            log.warning("the store is writable again: saved the interval(s) kept in memory")
        self._write_failing = False
        self._state_unsaved = False
        self.unsaved.clear()

    def _check_suspend(self, now: datetime) -> None:
        """A wall clock that ran ahead of the monotonic clock means the machine slept.

        The open interval is closed at the moment the machine went to sleep (the last check
        plus the awake time since) and a new one opens now, so sleep never counts as work.
        """
        mono = self.clock.monotonic()
        awake = mono - self._last_mono
        last_wall = self._last_wall
        gap = (now - last_wall).total_seconds() - awake
        self._last_wall, self._last_mono = now, mono
        threshold = self.settings.tracker.suspend_threshold_seconds
        if gap < -threshold and self.state is not None:
            # The wall clock was stepped back (NTP, by hand): close the open interval at the
            # last good time by the old clock and go on from the new one, so neither the
            # interval is lost nor time counted twice.
            last_good = max(last_wall + timedelta(seconds=awake), self.state.since)
            log.warning(
                "the wall clock went back by %.0f s; closed the open interval at %s and "
                "started a new one at %s",
                -gap,
                last_good.isoformat(timespec="seconds"),
                now.isoformat(timespec="seconds"),
            )
            assert self.workspace is not None
            self._close_and_open(self._new_state(self.workspace, now), end=last_good)
            return
        if gap <= threshold or self.state is None:
            return
        if self.state.away:
            return  # asleep while away: the away interval covers it
        went_to_sleep = now - timedelta(seconds=gap)
        log.info("the machine was suspended for %.0f s; not counting it", gap)
        assert self.workspace is not None
        self._close_and_open(self._new_state(self.workspace, now), end=went_to_sleep)

    def _notify(self) -> None:
        for listener in self.listeners:
            try:
                listener(self.state)
            except Exception:
                log.exception("a state listener failed")
