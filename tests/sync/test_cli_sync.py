"""``deskmeter sync`` and ``deskmeter sync status`` through the real CLI entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mongomock

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.support.waiting import wait_for
from tests.sync.support import FAST, seed, switch

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_sync_without_a_remote_fails_fast_with_one_line(tmp_path: Path, xdg: Path) -> None:
    result = cli("--store", str(tmp_path / "s.db"), "sync")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sync.remote: not set" in lines[0]


def test_a_malformed_remote_uri_fails_fast_without_retrying(tmp_path: Path, xdg: Path) -> None:
    started = time.monotonic()
    result = cli(
        "--store", str(tmp_path / "s.db"), "sync", "--remote", "mongodb://u:p@h/db?bogus=1"
    )
    assert result.returncode == 2
    assert time.monotonic() - started < 20
    assert "bad remote URI mongodb://***@h/db" in result.stderr
    assert "u:p" not in result.stderr, "the password is never printed"


def test_a_remote_that_is_not_mongodb_is_refused_by_the_settings(tmp_path: Path, xdg: Path) -> None:
    result = cli(
        "--store", str(tmp_path / "s.db"), "sync", env={"DESKMETER_SYNC__REMOTE": "http://x"}
    )
    assert result.returncode == 2
    assert "sync.remote" in result.stderr and "mongodb://" in result.stderr


def test_sigterm_stops_a_daemon_that_is_backing_off_and_status_shows_the_error(
    tmp_path: Path, xdg: Path
) -> None:
    store = tmp_path / "s.db"
    env = {
        **os.environ,
        "DESKMETER_SYNC__TIMEOUT_SECONDS": "0.3",
        "DESKMETER_SYNC__BACKOFF_INITIAL_SECONDS": "0.1",
        "DESKMETER_SYNC__BACKOFF_MAX_SECONDS": "30",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "deskmeter",
            "--store",
            str(store),
            "sync",
            "--remote",
            "mongodb://127.0.0.1:9/deskmeter",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def backing_off() -> bool:
            if not store.exists():
                return False
            local = SQLiteStore(store)
            try:
                return "cannot reach" in (local.get_meta("sync.status") or "")
            finally:
                local.close()

        wait_for(backing_off, timeout=30, what="the daemon to record its first failure")
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert "retrying in" in stderr and "SIGTERM" in stderr
    info = json.loads(cli("--store", str(store), "sync", "status", "--json").stdout)
    assert info["running"] is False and info["state"] == "stopped"
    assert info["last_error"].startswith("cannot reach the remote mongodb://127.0.0.1:9/deskmeter")
    assert "Topology" not in info["last_error"]


def test_status_reports_position_pending_and_lag_truthfully(tmp_path: Path, xdg: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    seed(store, 40)
    client = mongomock.MongoClient(tz_aware=True)
    sink = MongoSink("mongodb://remote.test/deskmeter", client=client, host="box")
    SyncEngine(SQLiteSource(store), sink, store, FAST).run(until_caught_up=True)
    synced = json.loads(cli("--store", str(path), "sync", "status", "--json").stdout)
    assert synced["host"] == "box", "the host this store syncs as (its checkpoint's)"
    assert synced["pending"] == 0 and synced["lag_seconds"] == 0.0
    assert synced["position"] == store.changelog.last_seq()
    assert synced["remote"] == "mongodb://remote.test/deskmeter"
    assert synced["applied_at"] is not None

    store.add_switches([switch(i) for i in range(100, 105)])
    time.sleep(0.3)  # the point: changes that have waited this long (a lower bound below)
    behind = json.loads(cli("--store", str(path), "sync", "status", "--json").stdout)
    assert behind["pending"] == 5
    assert behind["lag_seconds"] >= 0.3
    text = cli("--store", str(path), "sync", "status").stdout
    assert "pending:     5" in text and "lag:" in text
    assert "host:        box (this host's lag" in text
    store.close()
