"""The sync loop: first copy, then stream; resync on a lost position; back off when away.

Guarantees, whatever the moment of a crash: the checkpoint is saved only after the sink
acknowledged every change up to it, and applying is idempotent, so a restart repeats at most
one batch and loses nothing. A stop request (SIGTERM) is honoured between batches: the batch
in flight is applied and checkpointed first.

Any number of hosts sync into one remote at once, each with its own engine, local store and
checkpoint. Everything an engine deletes is its own host's (``sink.host``): the sweep of a
full copy compares the remote's documents *of that host* with the local store, so a resync
of one host never touches another's documents.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TextIO

from deskmeter import systemd_notify
from deskmeter.config import SyncSettings
from deskmeter.models import utcnow
from deskmeter.progress import Progress
from deskmeter.store.base import COLLECTIONS, Store
from deskmeter.sync import failpoints
from deskmeter.sync.changes import (
    DocChange,
    DocId,
    LocalUnavailableError,
    Position,
    PositionLostError,
    RemoteUnavailableError,
    SyncConfigError,
)
from deskmeter.sync.checkpoint import STORE_FAILED, Checkpoint, Checkpoints, CopyProgress
from deskmeter.sync.errors import translate_errors
from deskmeter.sync.sink import Sink
from deskmeter.sync.source import Source
from deskmeter.sync.status import StatusBook

log = logging.getLogger("deskmeter.sync")

#: While idle, the MongoDB source's advancing resume token is saved at most this often.
IDLE_CHECKPOINT_SECONDS = 60.0
#: While idle, the SQLite change log is pruned up to the checkpoint at most this often.
COMPACT_SECONDS = 300.0


class Backoff:
    """Capped exponential backoff with a little jitter: 1, 2, 4 … cap seconds."""

    def __init__(self, initial: float, cap: float, *, jitter: float = 0.1) -> None:
        self.initial, self.cap, self.jitter = initial, max(cap, initial), jitter
        self.failures = 0

    def next(self) -> float:
        delay = min(self.cap, self.initial * float(2**self.failures))
        self.failures += 1
        return delay * (1 + random.uniform(-self.jitter, self.jitter))  # noqa: S311

    def reset(self) -> None:
        self.failures = 0


class _StopRequestedError(Exception):
    """A stop was requested in the middle of a full copy."""


class SyncEngine:
    """Moves changes from ``source`` to ``sink``; the checkpoint lives in ``store``."""

    def __init__(
        self,
        source: Source,
        sink: Sink,
        store: Store,
        settings: SyncSettings | None = None,
        *,
        stop: threading.Event | None = None,
        progress_stream: TextIO | None = None,
    ) -> None:
        failpoints.load()  # crash tests only; SyncConfigError for a bad specification
        self.source, self.sink, self.store = source, sink, store
        self.settings = settings or SyncSettings()
        self.stop = stop or threading.Event()
        self.remote = sink.describe()
        self.checkpoints = Checkpoints(store)
        self.status = StatusBook(store, source=source.describe(), remote=self.remote)
        self.backoff = Backoff(
            self.settings.backoff_initial_seconds, self.settings.backoff_max_seconds
        )
        self.checkpoint: Checkpoint | None = None
        self.copies = 0
        self._resync_reason: str | None = None
        self._sink_checked = False
        self._caught_up = False
        self._catchup: Progress | None = None
        self._progress_stream = progress_stream
        self._adopted = False
        now = time.monotonic()
        self._last_beat = self._last_compact = self._last_idle_save = now

    def request_stop(self) -> None:
        self.stop.set()

    def close(self) -> None:
        """Release what the source holds besides the store (its file watcher)."""
        close_watcher = getattr(self.source, "close_watcher", None)
        if close_watcher is not None:
            close_watcher()

    # -- the loop ---------------------------------------------------------------------------

    def run(self, *, until_caught_up: bool = False) -> None:
        """Sync until stopped (or, with ``until_caught_up``, until nothing is pending).

        Raises SyncConfigError for what waiting cannot fix; everything else is retried.
        """
        log.info("sync %s -> %s", self.source.describe(), self.remote)
        self.status.started()
        systemd_notify.ready("syncing")  # Type=notify: the loop starts
        try:
            while not self.stop.is_set():
                # One iteration: one step (a batch, or a whole full copy) and its errors.
                systemd_notify.watchdog()
                if self._attempt() and until_caught_up and self._caught_up:
                    break
        except SyncConfigError as exc:
            self.status.error(str(exc))
            self.status.stopped("failed")
            raise
        systemd_notify.stopping()
        self._end_catchup()
        self.status.stopped()
        at = self.checkpoint.position if self.checkpoint else None
        log.info("sync stopped at position %s", at)

    def _attempt(self) -> bool:
        """One step with its error handling; True when the step succeeded."""
        try:
            if not self._sink_checked:
                self.sink.check()  # also gives a single-host remote's documents their host
                self._sink_checked = True
            if not self._adopted:
                self._adopt_local()
            worked = self.step()
        except PositionLostError as exc:
            log.warning("full resync: %s", exc)
            self.status.resync(str(exc))
            self._resync_reason = str(exc)
            self.checkpoint = None
            return False
        except _StopRequestedError:
            log.info("stop requested during the full copy: it resumes there next time")
            return False
        except (RemoteUnavailableError, LocalUnavailableError) as exc:
            self._failed(exc)
            return False
        self.backoff.reset()
        if self.status.status.last_error and worked:
            log.info("sync resumed")
        if not worked:
            self._idle()
        return True

    def _adopt_local(self) -> None:
        """The local store's host-less records (single-host versions) become this host's."""
        with translate_errors("local", STORE_FAILED):
            adopted = self.store.adopt_legacy(self.sink.host)
        if adopted:
            log.info("local records without a host are %s's now: %s", self.sink.host, adopted)
        self._adopted = True

    def _failed(self, exc: RemoteUnavailableError | LocalUnavailableError) -> None:
        delay = self.backoff.next()
        log.warning("%s; retrying in %.1fs", exc, delay)
        self._sink_checked = isinstance(exc, LocalUnavailableError) and self._sink_checked
        self.status.status.state = "backing off"
        self.status.error(str(exc))
        systemd_notify.wait(self.stop, delay)  # stop.wait(delay), feeding the watchdog

    def _idle(self) -> None:
        now = time.monotonic()
        self.status.status.state = "streaming"
        if now - self._last_beat >= self.settings.heartbeat_seconds:
            self._last_beat = now
            self.status.save()
        if self.checkpoint is not None and now - self._last_compact >= COMPACT_SECONDS:
            self._last_compact = now
            self.source.compact(self.checkpoint.position)
        wait_for_change = getattr(self.source, "wait_for_change", None)
        if wait_for_change is not None:  # sleeps until a commit (or the next heartbeat)
            beat_due = self.settings.heartbeat_seconds - (time.monotonic() - self._last_beat)
            wait_for_change(self.stop, max(0.0, min(self.source.idle_wait, beat_due)))
        elif self.source.idle_wait:
            self.stop.wait(self.source.idle_wait)

    # -- one step ---------------------------------------------------------------------------

    def step(self) -> bool:
        """Copy everything (no usable checkpoint) or apply one batch; True if work was done."""
        if self.checkpoint is None:
            self.checkpoint = self._usable_checkpoint()
        if self.checkpoint is None or self.checkpoint.copying is not None:
            self.checkpoint = self.full_copy(self._resync_reason or "first sync", self.checkpoint)
            self._resync_reason = None
            return True
        batch = self.source.read(self.checkpoint.position, self.settings.batch_size)
        self._caught_up = not batch.read and not self.source.pending(batch.position)
        if batch.changes:
            self._write(batch.changes)  # returns once the remote acknowledged
        if batch.read or batch.changes:
            failpoints.hit("before_checkpoint")
            self._save(batch.position, batch.position_time, len(batch.changes))
            self._track_catchup(batch.read)
            return True
        self._end_catchup()
        if batch.position != self.checkpoint.position and (
            time.monotonic() - self._last_idle_save >= IDLE_CHECKPOINT_SECONDS
        ):
            self._last_idle_save = time.monotonic()
            self._save(batch.position, None, 0)
        return False

    def _write(self, changes: Sequence[DocChange]) -> None:
        """The one place changes go to the sink (and the failpoints around it)."""
        failpoints.hit("before_write")
        self.sink.apply(changes)
        failpoints.hit("after_write")

    def _save(self, position: Position, when: datetime | None, count: int) -> None:
        assert self.checkpoint is not None
        self.checkpoint = self.checkpoint.advanced(position, when, utcnow(), count)
        self.checkpoints.save(self.checkpoint)

    def _usable_checkpoint(self) -> Checkpoint | None:
        if self._resync_reason is not None:
            return None
        saved = self.checkpoints.load()
        if saved is None:
            return None
        if saved.remote != self.remote or saved.source != self.source.kind:
            self._resync_reason = (
                f"the checkpoint belongs to {saved.source} -> {saved.remote}, "
                f"not {self.source.kind} -> {self.remote}"
            )
            log.info("full copy: %s", self._resync_reason)
            return None
        if saved.host and saved.host != self.sink.host:
            self._resync_reason = (
                f"the checkpoint is host {saved.host}'s; this host is {self.sink.host}"
            )
            log.info("full copy: %s", self._resync_reason)
            return None
        return replace(saved, host=self.sink.host)  # older checkpoints name no host

    # -- full copy --------------------------------------------------------------------------

    def full_copy(self, reason: str, resume: Checkpoint | None = None) -> Checkpoint:
        """Copy every document, remove this host's remote ones the local store lacks, then
        checkpoint (other hosts' documents are never read for removal, nor removed).

        The position is taken *before* the copy: whatever changes while copying is read
        again afterwards and applied (idempotently) on top. The copy goes by ``_id`` and its
        progress is checkpointed after each batch, so a crash resumes it where it was.
        """
        if resume is not None and resume.copying is not None:
            checkpoint = resume
            log.info("full copy to %s resumes at %s", self.remote, resume.copying)
        else:
            log.info("full copy to %s (%s)", self.remote, reason)
            # Collections the remote already has documents of this host in may hold some
            # the local store deleted while no change was read: those are swept after the
            # copy (the sink counts and lists only its own host's documents).
            sweep = [c for c in COLLECTIONS if self.sink.count(c)]
            position = self.source.start_position()
            # Taken after the position: anything above these ids is new, so streamed later.
            ends = {c: self.source.last_id(c) for c in COLLECTIONS}
            checkpoint = Checkpoint(
                source=self.source.kind,
                remote=self.remote,
                position=position,
                position_time=None,
                applied_at=utcnow(),
                copying=CopyProgress(COLLECTIONS[0], None, tuple(sweep), ends),
                host=self.sink.host,
            )
            self.checkpoints.save(checkpoint)
        self.status.set_state("copying")
        progress = Progress("copy", self.source.count(), stream=self._progress_stream, logger=log)
        assert checkpoint.copying is not None
        started = checkpoint.copying
        removed = 0
        for collection in COLLECTIONS[COLLECTIONS.index(started.collection) :]:
            after = started.after if collection == started.collection else None
            chunk: list[DocChange] = []
            until = started.until[collection]
            for doc in self.source.snapshot(collection, after, until):
                chunk.append(DocChange(collection, doc["_id"], doc))
                if len(chunk) >= self.settings.batch_size:
                    checkpoint = self._copy_chunk(checkpoint, collection, chunk, progress)
                    chunk = []
            checkpoint = self._copy_chunk(checkpoint, collection, chunk, progress)
            if collection in started.sweep:
                removed += self._remove_extra(collection)
            failpoints.hit("between_collections")
            following = COLLECTIONS.index(collection) + 1
            if following < len(COLLECTIONS):
                copying = replace(started, collection=COLLECTIONS[following], after=None)
                checkpoint = replace(checkpoint, copying=copying)
                self.checkpoints.save(checkpoint)
        elapsed = progress.close()
        checkpoint = replace(checkpoint, copying=None, applied_at=utcnow(), applied_total=0)
        self.checkpoints.save(checkpoint)
        self.copies += 1
        self.status.set_state("streaming")
        log.info(
            "full copy done: %d documents in %.1fs (%.0f docs/s); %d remote documents of "
            "host %s the local store does not have were removed",
            progress.done,
            elapsed,
            progress.done / elapsed if elapsed else 0.0,
            removed,
            self.sink.host,
        )
        return checkpoint

    def _copy_chunk(
        self, checkpoint: Checkpoint, collection: str, chunk: list[DocChange], progress: Progress
    ) -> Checkpoint:
        if chunk:
            assert checkpoint.copying is not None
            self._write(chunk)
            progress.update(len(chunk))
            last: DocId = chunk[-1].doc_id
            copying = replace(checkpoint.copying, collection=collection, after=last)
            checkpoint = replace(checkpoint, copying=copying)
            self.checkpoints.save(checkpoint)
            failpoints.hit("copy_batch")
        systemd_notify.watchdog()  # a long first copy is progress too
        if self.stop.is_set():
            raise _StopRequestedError
        return checkpoint

    def _remove_extra(self, collection: str) -> int:
        """Delete this host's remote documents of ``collection`` the local store lacks."""
        extra = self.sink.ids(collection) - self.source.ids(collection)
        failpoints.hit("sweep")
        if extra:
            self._write([DocChange(collection, doc_id, None) for doc_id in extra])
        return len(extra)

    # -- catching up ------------------------------------------------------------------------

    def _track_catchup(self, read: int) -> None:
        if self._catchup is None and read >= self.settings.batch_size:
            pending = self.source.pending(self.checkpoint.position if self.checkpoint else 0)
            total = None if pending is None else pending + read
            self._catchup = Progress(
                "catch-up", total, unit="changes", stream=self._progress_stream, logger=log
            )
        if self._catchup is not None:
            self._catchup.update(read)

    def _end_catchup(self) -> None:
        if self._catchup is not None:
            elapsed = self._catchup.close()
            log.info("caught up: %d changes in %.1fs", self._catchup.done, elapsed)
            self._catchup = None
