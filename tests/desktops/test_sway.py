"""Headless Sway 1.7 (Debian 12), as a user, and a plain ``deskmeter track`` in its session.

The tracker is started the way a user would start it there: Wayland, no DISPLAY, no
``--source`` (auto), the session's environment only. Switches are made through Sway's IPC
(what ``swaymsg`` does).
"""

from __future__ import annotations

import itertools
import time

import pytest

from deskmeter.tracker.sources.indexes import named_index
from tests.desktops.compositors import Sway, on, user_tracker
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.desktops]

DWELL = 0.4
ROUNDING = 0.002


def test_a_plain_track_in_sway_finds_the_workspaces_and_records_each_switch_by_name(
    sway: Sway,
) -> None:
    assert "DISPLAY" not in sway.env
    with user_tracker(sway) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        asked: list[float] = []
        seen: list[float] = []
        for name in ("mail", "code", "2"):
            time.sleep(DWELL)  # the point: the interval before the switch lasts DWELL
            asked.append(time.time())
            sway.command(f"workspace {name}")
            run.wait_state(on(name))
            seen.append(time.time())
        assert run.stop() == 0
        switches = run.store().switches()
    assert "tracking with the sway source" in run.log()
    assert [s.workspace for s in switches] == ["1", "mail", "code", "2"]
    # numbered workspaces: their number - 1 (as X11's desktop N is index N-1); named: a hash
    assert [s.workspace_index for s in switches] == [0, named_index("mail"), named_index("code"), 1]
    assert {s.task for s in switches} == {"work/alpha"}
    for before, after in itertools.pairwise(switches):
        assert abs((after.date - before.end).total_seconds()) < 0.001
    for k, recorded in enumerate(switches[1:]):
        assert asked[k] - ROUNDING <= recorded.date.timestamp() <= seen[k] + ROUNDING
    for k, middle in enumerate(switches[1:3]):
        assert DWELL - ROUNDING <= middle.delta <= seen[k + 1] - asked[k] + ROUNDING


def test_a_rename_in_sway_renames_the_open_interval_and_keeps_closed_ones(sway: Sway) -> None:
    with user_tracker(sway) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        sway.command("workspace mail")
        first = run.wait_state(on("mail"))
        sway.command("workspace 1")
        run.wait_state(on("1"))
        sway.command("workspace mail")  # created again: the same index as before
        again = run.wait_state(on("mail"))
        assert again.workspace_index == first.workspace_index
        time.sleep(DWELL)
        sway.command("rename workspace to inbox")
        renamed = run.wait_state(on("inbox"))
        assert renamed.interval_id == again.interval_id  # a rename, not a switch
        assert renamed.workspace_index == again.workspace_index
        sway.command("workspace 1")
        run.wait_state(on("1"))
        assert run.stop() == 0
        switches = run.store().switches()
    assert [s.workspace for s in switches] == ["1", "mail", "1", "inbox", "1"]
    assert switches[1].workspace_index == switches[3].workspace_index
    assert switches[3].delta >= DWELL - ROUNDING


def test_empty_workspaces_vanish_in_sway_and_come_back_with_the_same_index(sway: Sway) -> None:
    with user_tracker(sway) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        sway.command("workspace 7")
        run.wait_state(on("7"))
        sway.command("workspace scratch")
        run.wait_state(on("scratch"))
        names = [w["name"] for w in sway.workspaces()]
        assert "7" not in names  # left empty: Sway removed it
        sway.command("workspace 7")
        state = run.wait_state(on("7"))
        assert state.workspace_index == 6
        run.stop()
        assert [s.workspace for s in run.store().switches()] == ["1", "7", "scratch", "7"]


def test_focusing_another_output_in_sway_makes_its_workspace_the_active_one(sway: Sway) -> None:
    with user_tracker(sway) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        sway.command("create_output")  # a second headless monitor, at run time
        outputs = wait_for(
            lambda: (
                {str(w["output"]) for w in sway.workspaces()} >= {"HEADLESS-1", "HEADLESS-2"}
                and {str(w["output"]): str(w["name"]) for w in sway.workspaces()}
            ),
            timeout=10,
            what="a workspace on the new output",
        )
        assert isinstance(outputs, dict)
        other = outputs["HEADLESS-2"]
        # Sway focused the new output's workspace as it appeared: follow focus back and forth
        sway.command("focus output HEADLESS-1")
        run.wait_state(on("1"))
        sway.command("focus output HEADLESS-2")
        run.wait_state(on(other))
        sway.command("focus output HEADLESS-1")
        run.wait_state(on("1"))
        run.stop()
        names = [s.workspace for s in run.store().switches()]
    assert names[-3:] == ["1", other, "1"]


def test_sway_dying_stops_the_count_and_its_return_resumes_it(sway: Sway) -> None:
    with user_tracker(sway) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        sway.command("workspace mail")
        run.wait_state(on("mail"))
        sway.kill()
        killed = time.time()
        run.wait_state(lambda s: s is None)
        time.sleep(1.0)  # the point: time without a compositor, never to be counted
        assert sway.restart is not None
        sway.restart()  # a new socket: the tracker's SWAYSOCK is stale and it finds the new one
        back = time.time()
        run.wait_state(on("1"), timeout=60)
        assert run.stop() == 0
        switches = run.store().switches()
    assert "lost the Sway/i3 IPC socket" in run.log()
    assert [s.workspace for s in switches] == ["1", "mail", "1"]
    assert switches[1].end.timestamp() <= killed + 1.0  # closed when the socket closed
    assert switches[2].date.timestamp() >= back - 0.05
    gap = (switches[2].date - switches[1].end).total_seconds()
    assert gap >= 1.0
