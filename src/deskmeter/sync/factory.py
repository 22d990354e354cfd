"""Build the source, sink and engine from the settings."""

from __future__ import annotations

import threading
from typing import TextIO

from deskmeter.config import Settings, SyncSettings
from deskmeter.store import Store
from deskmeter.store.mongo.connection import redact
from deskmeter.store.mongo.store import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import SyncConfigError
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink, uri_parts
from deskmeter.sync.source import MongoSource, Source, SQLiteSource


def make_source(store: Store, settings: SyncSettings, *, watch: bool = False) -> Source:
    """The change source of the local store's backend.

    ``watch``: the SQLite source watches the database for commits (the daemon's engine);
    without it no watcher is opened (status, doctor, metrics only read positions).
    """
    if isinstance(store, SQLiteStore):
        return SQLiteSource(
            store,
            poll_seconds=settings.poll_seconds,
            safety_poll_seconds=settings.safety_poll_seconds,
            watch=watch,
        )
    if isinstance(store, MongoStore):
        return MongoSource(store, max_await_seconds=settings.poll_seconds)
    raise SyncConfigError(f"sync: no change source for a {store.kind} store")


def make_sink(
    remote: str | None, settings: SyncSettings, local: str, host: str | None = None
) -> MongoSink:
    """The remote sink of ``host``; SyncConfigError if it is missing, malformed or the
    local store."""
    if not remote:
        raise SyncConfigError(
            "sync.remote: not set; give the remote MongoDB URI (config [sync] remote = "
            '"mongodb://127.0.0.1:27018/deskmeter", DESKMETER_SYNC__REMOTE or --remote)'
        )
    if not remote.startswith(("mongodb://", "mongodb+srv://")):
        raise SyncConfigError(f"sync.remote: {redact(remote)} is not a mongodb:// URI")
    if local.startswith("mongodb") and uri_parts(local) == uri_parts(remote):
        raise SyncConfigError("sync.remote: the remote is the local store itself")
    return MongoSink(remote, timeout_seconds=settings.timeout_seconds, host=host)


def make_engine(
    settings: Settings,
    store: Store,
    remote: str | None = None,
    *,
    stop: threading.Event | None = None,
    progress_stream: TextIO | None = None,
) -> SyncEngine:
    sink = make_sink(remote or settings.sync.remote, settings.sync, settings.store, settings.host)
    return SyncEngine(
        make_source(store, settings.sync, watch=True),
        sink,
        store,
        settings.sync,
        stop=stop,
        progress_stream=progress_stream,
    )
