"""``/metrics`` parses with prometheus_client's own parser and says what the store holds; a
portfolio serves it to loopback or the token only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from deskmeter.config import Settings
from deskmeter.models import State, Switch
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

NOW = datetime(2026, 4, 7, 15, 0, tzinfo=UTC)
TOKEN = "metrics-token-0123456789"


def make_app(tmp_path: Path, mode: str = "local") -> Flask:
    store = SQLiteStore(tmp_path / "m.db")
    day = datetime(2026, 4, 7, tzinfo=UTC)
    store.add_switches(
        [
            Switch("y1", day - timedelta(hours=3), 1800, 0, "code", None, "work/x", "desk"),
            Switch("t1", day + timedelta(hours=9), 3600, 0, "code", None, "work/x", "desk"),
            Switch("t2", day + timedelta(hours=10), 900, 1, "mail", None, None, "desk", away=True),
            Switch("t3", day + timedelta(hours=8), 1200, 0, "term", None, "home/y", "laptop"),
        ]
    )
    store.put_state(
        State(
            2,
            "web",
            NOW - timedelta(seconds=600),
            NOW,
            "open1",
            None,
            "work/deskmeter/metrics",
            "desk",
        ),
        host="desk",
    )
    store.put_state(
        State(
            0,
            "term",
            NOW - timedelta(hours=3),
            NOW - timedelta(hours=2),
            "open2",
            None,
            "home/y",
            "laptop",
        ),
        host="laptop",
    )
    store.put_state(  # away: the tracker sleeps without heartbeats and still runs
        State(
            0,
            "away",
            NOW - timedelta(hours=1),
            NOW - timedelta(hours=1),
            "open3",
            None,
            None,
            "nuc",
            away=True,
        ),
        host="nuc",
    )
    settings = Settings(
        store=str(tmp_path / "m.db"),
        timezone="UTC",
        host="desk",
        task_file=tmp_path / "tasks.txt",
        web={"mode": mode, "token": TOKEN, "session_key_file": tmp_path / "key"},
    )
    return create_app(settings, store=store, clock=lambda: NOW)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_parse_and_give_each_hosts_state_and_today(tmp_path: Path) -> None:
    response = make_app(tmp_path).test_client().get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    got = samples(response.get_data(as_text=True))
    desk, laptop, nuc = (("host", "desk"),), (("host", "laptop"),), (("host", "nuc"),)
    assert got[("deskmeter_tracker_running", desk)] == 1
    assert got[("deskmeter_tracker_running", laptop)] == 0  # its heartbeat is 2 h old
    info = (("host", "desk"), ("task", "work/deskmeter/metrics"), ("workspace", "web"))
    assert got[("deskmeter_current_info", info)] == 1
    assert got[("deskmeter_seconds_since_switch", desk)] == 600
    assert got[("deskmeter_away", desk)] == 0
    assert got[("deskmeter_away", laptop)] == 0
    assert got[("deskmeter_away", nuc)] == 1
    assert got[("deskmeter_tracker_running", nuc)] == 1
    # today: 1 h of work/x and the 600 s open interval; away and yesterday are not counted
    assert got[("deskmeter_today_tracked_seconds", desk)] == 3600 + 600
    # the stale open interval counts up to its last heartbeat (12:00 → 13:00)
    assert got[("deskmeter_today_tracked_seconds", laptop)] == 1200 + 3600
    assert not any(name == "deskmeter_sync_lag_seconds" for name, _ in got)  # no [sync] remote


@pytest.mark.parametrize(
    ("address", "headers", "status"),
    [
        ("203.0.113.7", {}, 403),
        ("203.0.113.7", {"Authorization": "Bearer wrong"}, 403),
        ("203.0.113.7", {"Authorization": f"Bearer {TOKEN}"}, 200),
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
    ],
)
def test_portfolio_metrics_only_from_loopback_or_with_the_token(
    tmp_path: Path, address: str, headers: dict[str, str], status: int
) -> None:
    client = make_app(tmp_path, mode="portfolio").test_client()
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 200:
        assert samples(response.get_data(as_text=True))


def test_local_metrics_answer_any_client(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 200


def test_local_metrics_give_this_machines_sync_pending_and_last_success(tmp_path: Path) -> None:
    from deskmeter.sync.checkpoint import Checkpoint, Checkpoints
    from deskmeter.sync.source import SQLiteSource

    store = SQLiteStore(tmp_path / "s.db")
    source = SQLiteSource(store)
    applied = datetime(2026, 4, 7, 14, 0, tzinfo=UTC)
    Checkpoints(store).save(
        Checkpoint(
            source=source.describe(),
            remote="mongodb://remote.invalid/deskmeter",
            position=source.start_position(),
            position_time=None,
            applied_at=applied,
            host="desk",
        )
    )
    day = datetime(2026, 4, 7, 9, tzinfo=UTC)
    store.add_switches([Switch(f"p{n}", day + timedelta(hours=n), 60, 0, "w") for n in range(3)])
    settings = Settings(
        store=str(tmp_path / "s.db"),
        timezone="UTC",
        host="desk",
        task_file=tmp_path / "tasks.txt",
        sync={"remote": "mongodb://remote.invalid/deskmeter"},
        web={"session_key_file": tmp_path / "key"},
    )
    app = create_app(settings, store=store, clock=lambda: NOW)
    got = samples(app.test_client().get("/metrics").get_data(as_text=True))
    desk = (("host", "desk"),)
    assert got[("deskmeter_sync_pending_changes", desk)] == 3
    assert got[("deskmeter_sync_last_success_timestamp_seconds", desk)] == applied.timestamp()
    assert got[("deskmeter_sync_remote_reachable", desk)] == 0  # no daemon runs
    assert got[("deskmeter_sync_lag_seconds", desk)] >= 0
