"""The backends' errors, translated once into the sync layer's own (see ``changes.py``).

Every call into SQLite or pymongo that sync makes runs inside ``translate_errors``:

* ``translate_errors("local", "cannot read the local MongoDB")``: the local store. SQLite's
  errors (locked, I/O, file replaced) and pymongo's become LocalUnavailableError (back off and
  retry), except what retrying cannot fix (SyncConfigError: not a replica set, access refused)
  and a change stream that cannot resume (PositionLostError: a full resync).
* ``translate_errors("remote", sink.describe())``: the remote MongoDB. Refused credentials and
  a misconfiguration become SyncConfigError, the rest RemoteUnavailableError.

The engine then only knows the sync layer's exceptions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from pymongo.errors import BulkWriteError, ConfigurationError, OperationFailure, PyMongoError

from deskmeter.sync.changes import (
    LocalUnavailableError,
    PositionLostError,
    RemoteUnavailableError,
    SyncConfigError,
)

Side = Literal["local", "remote"]

#: Remote server codes that no retry will fix: wrong credentials, not allowed.
AUTH_CODES = frozenset({13, 18, 8000})
#: Local server codes that mean the resume token cannot be used any more.
HISTORY_LOST_CODES = frozenset({286, 280, 136})  # ChangeStreamHistoryLost, ...FatalError, Capped
#: The local MongoDB cannot serve change streams at all.
NOT_A_REPLICA_SET = 40573
#: The local MongoDB refused access.
LOCAL_AUTH_CODES = frozenset({13, 18})
#: E11000: an insert (an upsert whose ``{_id, host}`` filter matched nothing) hit an ``_id``
#: that exists: another host's document.
DUPLICATE_KEY = 11000


def short_error(exc: BaseException) -> str:
    """pymongo's message without the topology dump it appends to timeouts."""
    text = str(exc).split(", Timeout:", 1)[0].split(" (configured timeouts", 1)[0]
    return text if len(text) <= 300 else text[:297] + "..."


def remote_error(exc: PyMongoError, where: str) -> Exception:
    """SyncConfigError for errors no retry fixes, RemoteUnavailableError for the rest."""
    if isinstance(exc, OperationFailure) and exc.code in AUTH_CODES:
        return SyncConfigError(f"the remote {where} refused the credentials or access: {exc}")
    if isinstance(exc, ConfigurationError):
        return SyncConfigError(f"the remote {where} is misconfigured: {exc}")
    if isinstance(exc, BulkWriteError):
        first = (exc.details.get("writeErrors") or [{}])[0]
        if first.get("code") == DUPLICATE_KEY:  # the upsert's filter names the host
            return RemoteUnavailableError(
                f"the remote {where} holds a document with the same _id as one of this "
                f"host's, of another host (never replaced): {first.get('errmsg', exc)}"
            )
        return RemoteUnavailableError(
            f"the remote {where} rejected writes: {first.get('errmsg', exc)}"
        )
    return RemoteUnavailableError(f"cannot reach the remote {where}: {short_error(exc)}")


def local_mongo_error(exc: PyMongoError, doing: str) -> Exception:
    """What a local MongoDB error means for sync (``doing``: the message's beginning)."""
    if isinstance(exc, OperationFailure):
        if exc.code in HISTORY_LOST_CODES:
            return PositionLostError(
                f"the local change stream cannot resume (code {exc.code}): {exc}"
            )
        if exc.code == NOT_A_REPLICA_SET:
            return SyncConfigError(
                "the local MongoDB is not a replica set: change streams need one "
                "(start mongod with --replSet rs0 and run rs.initiate())"
            )
        if exc.code in LOCAL_AUTH_CODES:
            return SyncConfigError(f"the local MongoDB refused access: {exc}")
    return LocalUnavailableError(f"{doing}: {exc}")


def translated(side: Side, exc: sqlite3.DatabaseError | PyMongoError, context: str) -> Exception:
    """The sync layer's exception for a backend's ``exc`` (see ``translate_errors``)."""
    if isinstance(exc, sqlite3.DatabaseError):
        return LocalUnavailableError(f"{context}: {exc}")
    if side == "remote":
        return remote_error(exc, context)
    return local_mongo_error(exc, context)


@contextmanager
def translate_errors(
    side: Side, context: str, *, cleanup: Callable[[], None] | None = None
) -> Iterator[None]:
    """Raise the sync layer's exception for a backend error in the block.

    ``context``: for the local side the message's beginning ("cannot read the local
    MongoDB"), for the remote its description. ``cleanup`` runs first (e.g. closing a broken
    change stream). The sync layer's own exceptions pass through unchanged.
    """
    try:
        yield
    except (sqlite3.DatabaseError, PyMongoError) as exc:
        if cleanup is not None:
            cleanup()
        raise translated(side, exc, context) from exc
