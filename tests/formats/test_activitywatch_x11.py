"""The real tracker under a real X server reports its workspaces to a real aw-server."""

from __future__ import annotations

import time

import pytest

from tests.formats.conftest import AwServer
from tests.integration.conftest import TrackerRun, XServer, tracker_run, xserver  # noqa: F401
from tests.support.xvfb import wait_for

pytestmark = [pytest.mark.x11]


def test_tracker_under_x11_shows_its_workspaces_in_aw_server(
    xserver: XServer,  # noqa: F811
    tracker_run: TrackerRun,  # noqa: F811
    aw_server: AwServer,
) -> None:
    tracker_run.env["DESKMETER_ACTIVITYWATCH__URL"] = aw_server.url
    tracker_run.env["DESKMETER_ACTIVITYWATCH__HEARTBEAT_SECONDS"] = "1"
    tracker_run.env["DESKMETER_HOST"] = "xbox"
    xserver.switch(0)
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(lambda s: getattr(s, "workspace_index", None) == 0)
    for index in (2, 1):
        time.sleep(0.3)
        xserver.switch(index)
        tracker_run.wait_state(lambda s, i=index: getattr(s, "workspace_index", None) == i)
    time.sleep(0.3)
    assert tracker_run.stop() == 0

    path = "/api/0/buckets/aw-watcher-workspace_xbox/events?limit=100"

    def three_events() -> bool:
        try:
            return len(aw_server.get(path)) >= 3
        except OSError:
            return False

    wait_for(three_events, timeout=15)
    events = sorted(aw_server.get(path), key=lambda e: e["timestamp"])
    assert [e["data"]["workspace"] for e in events] == ["desktop 1", "desktop 3", "desktop 2"]
    assert {e["data"]["task"] for e in events} == {"work/alpha"}
    switches = tracker_run.store().switches()
    # aw-server's events are the tracker's intervals (to the millisecond heartbeats are sent at)
    for event, switch in zip(events, switches, strict=True):
        assert abs(event["duration"] - switch.delta) < 0.01
    assert "ActivityWatch" not in tracker_run.log()  # no warning: every heartbeat was taken
