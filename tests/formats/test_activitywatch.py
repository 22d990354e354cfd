"""ActivityWatch, for real: events made with aw-client in a real aw-server, exported with its
API, import with the totals aw-server's own query gives; and Deskmeter as a watcher: the
tracker's heartbeats land in aw-server as one event per stretch of a workspace."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmeter.config import Settings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.activitywatch import ActivityWatchReporter, bucket_id
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import Away, Back, WorkspaceChanged
from tests.formats.conftest import AwServer, Deskmeter

DAY = "2026-01-05"
WINDOW = "aw-watcher-window_h1"
AFK = "aw-watcher-afk_h1"


#: (minutes after 09:00, minutes long, data) of the window and afk watchers' events.
WINDOW_EVENTS = [
    (0, 30, {"app": "firefox", "title": "GitHub - pull 12"}),
    (30, 20, {"app": "code", "title": "daemon.py - deskmeter"}),
    (50, 10, {"app": "firefox", "title": "News"}),
    (60, 60, {"app": "code", "title": "formats - deskmeter"}),
]
AFK_EVENTS = [
    (0, 40, {"status": "not-afk"}),
    (40, 15, {"status": "afk"}),
    (55, 65, {"status": "not-afk"}),
]


def make_events(aw: AwServer) -> None:
    """Window and afk events, made with aw-client (what the real watchers send)."""
    aw.client(
        "from datetime import datetime, timedelta, timezone\n"
        "from aw_core.models import Event\n"
        "t0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)\n"
        "def events(rows):\n"
        "    return [Event(timestamp=t0 + timedelta(minutes=a), duration=timedelta(minutes=n),"
        " data=d) for a, n, d in rows]\n"
        f"client.create_bucket({WINDOW!r}, 'currentwindow')\n"
        f"client.create_bucket({AFK!r}, 'afkstatus')\n"
        f"client.insert_events({WINDOW!r}, events({WINDOW_EVENTS!r}))\n"
        f"client.insert_events({AFK!r}, events({AFK_EVENTS!r}))\n"
    )


def aw_totals(aw: AwServer) -> dict[str, float]:
    """Seconds per app as ActivityWatch counts them: window events intersected with not-afk."""
    result = aw.post(
        "/api/0/query/",
        {
            "timeperiods": [f"{DAY}T00:00:00+00:00/2026-01-06T00:00:00+00:00"],
            "query": [
                f'window = query_bucket("{WINDOW}");',
                f'afk = query_bucket("{AFK}");',
                'not_afk = filter_keyvals(afk, "status", ["not-afk"]);',
                "events = filter_period_intersect(window, not_afk);",
                'events = merge_events_by_keys(events, ["app"]);',
                "RETURN = sort_by_duration(events);",
            ],
        },
    )
    return {e["data"]["app"]: float(e["duration"]) for e in result[0]}


def test_activitywatch_export_imports_with_its_own_totals_rules_and_away(
    aw_server: AwServer, deskmeter: Deskmeter, tmp_path: Path
) -> None:
    make_events(aw_server)
    exported = tmp_path / "aw-export.json"
    exported.write_text(json.dumps(aw_server.get("/api/0/export")))
    config = tmp_path / "config.toml"
    config.write_text(
        "[[import.activitywatch.rules]]\n"
        'app = "^code$"\ntitle = "deskmeter"\ntask = "work/deskmeter"\n'
        "[[import.activitywatch.rules]]\n"
        'app = "firefox"\ntitle = "github"\ntask = "work/review"\n'
    )
    deskmeter.env["DESKMETER_CONFIG"] = str(config)

    dry = deskmeter.cli("import", str(exported), "--dry-run")
    assert "would import" in dry.stdout and "nothing written" in dry.stdout
    assert not deskmeter.store_path.exists() or deskmeter.report_total() == 0

    result = deskmeter.cli("import", str(exported))
    assert "(ActivityWatch)" in result.stdout

    theirs = aw_totals(aw_server)
    store = SQLiteStore(deskmeter.store_path)
    try:
        switches = store.switches()
        by_app: dict[str, float] = {}
        for s in switches:
            if not s.away:
                by_app[s.workspace] = by_app.get(s.workspace, 0.0) + s.delta
        away = sum(s.delta for s in switches if s.away)
        hosts = {s.host for s in switches}
    finally:
        store.close()
    assert by_app == theirs == {"code": 4200.0, "firefox": 2100.0}
    assert deskmeter.report_total() == sum(theirs.values())
    assert away == 900.0
    buckets = json.loads(exported.read_text())["buckets"]
    assert hosts == {buckets[WINDOW]["hostname"]}  # the bucket's host (aw-client's machine)
    assert deskmeter.task_seconds() == {
        "work/review": 1800.0,
        "work/deskmeter": 4200.0,
        None: 300.0,
    }
    again = deskmeter.cli("import", str(exported))
    assert ": 0 new, 5 already there" in again.stdout


# -- Deskmeter as a watcher ------------------------------------------------------------------

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def watcher_tracker(tmp_path: Path, clock: FakeClock, url: str, **aw: object) -> Tracker:
    (tmp_path / "tasks.txt").write_text("* work/a\n")
    settings = Settings(
        store=str(tmp_path / "t.db"),
        task_file=tmp_path / "tasks.txt",
        host="box",
        timezone="UTC",
        tracker={"heartbeat_seconds": 30},
        workspaces={"labels": ["Code", "Mail"]},
        activitywatch={"url": url, "heartbeat_seconds": 30, **aw},
    )
    store = SQLiteStore(tmp_path / "t.db")
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file), clock=clock)
    tracker.start()
    return tracker


def wait_sent(reporter: ActivityWatchReporter, count: int) -> None:
    deadline = time.monotonic() + 20
    while reporter.sent + reporter.failed < count:
        assert time.monotonic() < deadline, (reporter.sent, reporter.failed)
        time.sleep(0.05)


def test_tracker_heartbeats_make_one_aw_event_per_workspace_stretch(
    aw_server: AwServer, tmp_path: Path
) -> None:
    clock = FakeClock(T0)
    tracker = watcher_tracker(tmp_path, clock, aw_server.url)
    tracker.step(WorkspaceChanged(0))
    clock.advance(20)
    tracker.step(None)  # a tracker heartbeat: the reporter re-sends on its own timer only
    clock.advance(25)
    tracker.step(WorkspaceChanged(1))  # Code: 45 s
    clock.advance(60)
    tracker.step(Away(clock.now()))  # Mail: 60 s, then away: no event
    clock.advance(300)
    tracker.step(Back(clock.now()))
    clock.advance(10)
    tracker.shutdown()  # Mail again: 10 s
    reporter = tracker.activitywatch
    assert reporter is not None and reporter.failed == 0 and reporter.dropped == 0

    bucket = aw_server.get(f"/api/0/buckets/{bucket_id('box')}")
    assert bucket["type"] == "app.workspace" and bucket["hostname"] == "box"
    events = sorted(
        aw_server.get(f"/api/0/buckets/{bucket_id('box')}/events?limit=100"),
        key=lambda e: e["timestamp"],
    )
    got = [(e["data"]["workspace"], e["data"]["task"], e["duration"]) for e in events]
    assert got == [("Code", "work/a", 45.0), ("Mail", "work/a", 60.0), ("Mail", "work/a", 10.0)]
    assert datetime.fromisoformat(events[0]["timestamp"]) == T0


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers (a hung aw-server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_hung_aw_server_never_holds_up_the_tracker(silent_server: str, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    tracker = watcher_tracker(tmp_path, clock, silent_server, queue_size=3, timeout_seconds=2)
    for n in range(20):
        tracker.step(WorkspaceChanged(n % 2))
        clock.advance(10)
    # every switch is in the store at once, while the reporter's one request still hangs
    assert len(tracker.store.switches()) == 19
    reporter = tracker.activitywatch
    assert reporter is not None and reporter.sent == 0
    assert reporter.dropped >= 20 - 3 - 1  # the queue holds 3; one item is being sent
    tracker.shutdown()


def test_a_dead_aw_server_counts_failed_heartbeats_and_tracking_goes_on(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening: refused
        clock = FakeClock(T0)
        tracker = watcher_tracker(tmp_path, clock, dead)
        tracker.step(WorkspaceChanged(0))
        clock.advance(5)
        tracker.step(WorkspaceChanged(1))
        reporter = tracker.activitywatch
        assert reporter is not None
        wait_sent(reporter, 3)
        assert reporter.failed >= 3 and reporter.sent == 0
        assert [s.workspace for s in tracker.store.switches()] == ["Code"]
        tracker.shutdown()
