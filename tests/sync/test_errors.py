"""The backends' errors are translated once (``sync/errors.py``); the engine sees only its own.

Also the typed checkpoint: ``CopyProgress`` and ``Position`` survive a round trip, and a
checkpoint written by the earlier, untyped code still resumes its copy.
"""

from __future__ import annotations

import ast
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConfigurationError,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from deskmeter.store.base import COLLECTIONS
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import (
    LocalUnavailableError,
    PositionLostError,
    RemoteUnavailableError,
    ResumeToken,
    SyncConfigError,
)
from deskmeter.sync.checkpoint import KEY, Checkpoint, Checkpoints, CopyProgress, decode, encode
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.errors import translate_errors
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.sync.support import FAST, local_documents, remote_documents, seed

SYNC = Path(__file__).resolve().parents[2] / "src" / "deskmeter" / "sync"
WHEN = datetime(2026, 3, 1, tzinfo=UTC)
BACKEND_NAMES = ("PyMongoError", "OperationFailure", "AutoReconnect", "sqlite3")
APPLIED = {"$date": "2026-03-01T00:00:00Z"}
ENDS = {"switch": "ff", "task": None, "task_history": None, "state": None}


def raised(side: Any, exc: BaseException, context: str = "ctx") -> BaseException:
    with pytest.raises(BaseException) as caught, translate_errors(side, context):
        raise exc
    return caught.value


@pytest.mark.parametrize(
    ("side", "error", "expected", "text"),
    [
        ("local", sqlite3.OperationalError("database is locked"), LocalUnavailableError, "ctx: "),
        ("local", AutoReconnect("connection closed"), LocalUnavailableError, "ctx: connection"),
        ("local", OperationFailure("history lost", 286), PositionLostError, "code 286"),
        ("local", OperationFailure("no rs", 40573), SyncConfigError, "not a replica set"),
        ("local", OperationFailure("unauthorized", 13), SyncConfigError, "refused access"),
        ("local", OperationFailure("other", 2), LocalUnavailableError, "ctx: other"),
        ("remote", OperationFailure("auth failed", 18), SyncConfigError, "refused the cred"),
        ("remote", ConfigurationError("bad option"), SyncConfigError, "misconfigured"),
        (
            "remote",
            BulkWriteError({"writeErrors": [{"errmsg": "doc too large"}]}),
            RemoteUnavailableError,
            "rejected writes: doc too large",
        ),
        (
            "remote",
            ServerSelectionTimeoutError("refused, Timeout: 10s, Topology Description: <...>"),
            RemoteUnavailableError,
            "cannot reach the remote ctx: refused",
        ),
    ],
)
def test_each_backend_error_becomes_the_sync_layers_own(
    side: str, error: BaseException, expected: type[Exception], text: str
) -> None:
    translated = raised(side, error)
    assert type(translated) is expected
    assert text in str(translated)
    assert "Topology" not in str(translated)
    assert translated.__cause__ is error


def test_the_sync_layers_own_errors_pass_unchanged_and_cleanup_runs_on_backend_errors() -> None:
    lost = PositionLostError("ended with an 'invalidate' event")
    assert raised("local", lost) is lost
    closed: list[str] = []
    with (
        pytest.raises(LocalUnavailableError),
        translate_errors("local", "stream", cleanup=lambda: closed.append("closed")),
    ):
        raise AutoReconnect("gone")
    assert closed == ["closed"]
    with translate_errors("remote", "r", cleanup=lambda: closed.append("again")):
        pass
    assert closed == ["closed"]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_translation_module_catches_backend_exceptions() -> None:
    engine = imported_modules(SYNC / "engine.py")
    assert not {m for m in engine if m.split(".")[0] in ("pymongo", "sqlite3")}, engine
    for name in ("source.py", "sink.py", "engine.py", "checkpoint.py", "status.py"):
        tree = ast.parse((SYNC / name).read_text())
        handlers = [h for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler)]
        caught = [ast.unparse(h.type) for h in handlers if h.type is not None]
        backend = [c for c in caught if any(n in c for n in BACKEND_NAMES)]
        assert not backend, f"{name} catches {backend}"


class FailingMeta(SQLiteStore):
    """A SQLite store whose next ``failures`` checkpoint writes fail as a locked file would."""

    failures = 0

    def set_meta(self, key: str, value: str | None) -> None:
        if key == KEY and self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database is locked")
        super().set_meta(key, value)


def test_a_failing_checkpoint_write_is_retried_not_fatal(
    tmp_path: Path, remote_on_mongomock: MongoSink
) -> None:
    store = FailingMeta(tmp_path / "local.db")
    seed(store, 30)
    store.failures = 2
    engine = SyncEngine(SQLiteSource(store), remote_on_mongomock, store, FAST)
    engine.run(until_caught_up=True)
    assert store.failures == 0
    assert engine.backoff.failures == 0  # reset by the success after the retries
    assert engine.status.status.last_error is not None
    assert engine.status.status.last_error.startswith("the local store failed: database is locked")
    assert remote_documents(remote_on_mongomock) == local_documents(store)
    store.close()


# -- the typed checkpoint ------------------------------------------------------------------------


def test_copy_progress_and_both_kinds_of_position_survive_a_round_trip() -> None:
    progress = CopyProgress(
        "task",
        "0001",
        ("switch", "task"),
        dict.fromkeys(COLLECTIONS, "ffff"),
    )
    for position in (41, ResumeToken({"_data": "8265A1"})):
        checkpoint = Checkpoint("sqlite", "mongodb://r/d", position, WHEN, WHEN, 3, progress)
        assert decode(encode(checkpoint)) == checkpoint


def test_a_copy_begun_before_the_edit_collection_existed_resumes_with_it_empty() -> None:
    old = CopyProgress(
        "task",
        "0001",
        ("switch", "task"),
        dict.fromkeys(("switch", "task", "task_history", "state"), "ffff"),
    )
    checkpoint = decode(encode(Checkpoint("sqlite", "mongodb://r/d", 41, WHEN, WHEN, 3, old)))
    assert checkpoint is not None and checkpoint.copying is not None
    assert checkpoint.copying.until == {**dict.fromkeys(COLLECTIONS, "ffff"), "edit": None}


def test_a_checkpoint_from_the_untyped_code_still_resumes_its_copy(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    local_sqlite.changelog.start()  # a store that sync already used records its changes
    seed(local_sqlite, 250)
    last = f"{249:024x}"
    old = {  # as the earlier code wrote it: a plain dict, no "sweep" key
        "source": "sqlite",
        "remote": "mongodb://remote.test:27018/deskmeter",
        "position": local_sqlite.changelog.last_seq(),
        "position_time": None,
        "applied_at": APPLIED,
        "applied_total": 0,
        "copying": {
            "collection": "switch",
            "after": f"{99:024x}",
            "until": {"switch": last, "task": "t6", "task_history": None, "state": None},
        },
    }
    saved = decode(json.dumps(old))
    assert saved is not None and saved.copying is not None
    assert saved.copying.after == f"{99:024x}" and saved.copying.until["switch"] == last
    assert saved.copying.sweep == COLLECTIONS  # the default: every collection
    Checkpoints(local_sqlite).save(saved)
    engine = SyncEngine(SQLiteSource(local_sqlite), remote_on_mongomock, local_sqlite, FAST)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    # The copy resumed after switch 99: the first hundred were never sent again.
    assert remote_on_mongomock.db["switch"].count_documents({}) == 150


@pytest.mark.parametrize(
    "copying",
    [
        "not a dict",
        {"collection": "nope", "after": None, "until": {}},
        {"collection": "switch", "after": None, "until": {"switch": "x"}},  # ends unknown
        {"collection": "switch", "after": None, "until": ENDS, "sweep": ["nope"]},
    ],
)
def test_a_damaged_copy_progress_means_a_fresh_full_copy(copying: object) -> None:
    text = {"source": "sqlite", "remote": "r", "position": 5, "applied_at": APPLIED}
    assert decode(json.dumps({**text, "copying": None})) is not None
    assert decode(json.dumps({**text, "copying": copying})) is None


@pytest.mark.parametrize("position", ["12", None, True, [1]])
def test_a_position_that_is_neither_a_sequence_nor_a_token_is_rejected(position: object) -> None:
    text = {"source": "sqlite", "remote": "r", "position": position, "applied_at": APPLIED}
    assert decode(json.dumps(text)) is None


def test_the_sources_refuse_the_other_kind_of_position(local_sqlite: SQLiteStore) -> None:
    with pytest.raises(PositionLostError, match="change-stream token"):
        SQLiteSource(local_sqlite).read(ResumeToken({"_data": "82"}), 10)
