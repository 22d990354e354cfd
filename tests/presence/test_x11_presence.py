"""Away detection on a real X server: real input through xdotool (XTEST), a real tracker.

Xvfb + openbox, ``deskmeter track`` with a 1 s threshold: no input → an away stretch that
starts at the last input; the first motion or key → back to work on the same workspace.
Motion is relative (what a mouse sends): the X server makes no raw event for an absolute
XTEST warp (``xdotool mousemove X Y``), which is a program moving the pointer, not a person.
"""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime

import pytest

from tests.integration.conftest import TrackerRun
from tests.support.xvfb import XServer

pytestmark = [pytest.mark.x11]


def xdotool(xserver: XServer, *args: str) -> datetime:
    subprocess.run(["xdotool", *args], env=xserver.env(), check=True, timeout=10)
    return datetime.now(UTC)


def away(state: object) -> bool:
    return state is not None and bool(getattr(state, "away", False))


def working(state: object) -> bool:
    return state is not None and not getattr(state, "away", True)


def test_no_input_is_away_from_the_last_input_and_the_first_input_is_back(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    tracker_run.env["DESKMETER_TRACKER__AWAY_AFTER_SECONDS"] = "1"
    tracker_run.env["DESKMETER_TRACKER__ASK_AFTER_AWAY_SECONDS"] = "1"
    tracker_run.env["DESKMETER_TRACKER__PRESENCE"] = "x11"
    tracker_run.env["DESKMETER_TRACKER__LOGIND"] = "false"
    xserver.switch(0)
    xdotool(xserver, "mousemove", "100", "100")
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(lambda state: state is not None)
    xdotool(xserver, "mousemove_relative", "5", "5")
    tracker_run.wait_state(working)
    last_input = xdotool(xserver, "mousemove_relative", "5", "5")
    tracker_run.wait_state(away, timeout=6)
    time.sleep(0.5)
    back_motion = xdotool(xserver, "mousemove_relative", "3", "3")
    tracker_run.wait_state(working, timeout=3)
    time.sleep(0.4)
    second_last_input = xdotool(xserver, "mousemove_relative", "--", "-3", "-3")
    tracker_run.wait_state(away, timeout=6)
    back_key = xdotool(xserver, "key", "shift")
    tracker_run.wait_state(working, timeout=3)
    assert tracker_run.stop() == 0

    store = tracker_run.store()
    switches = store.switches()
    if switches[0].away:  # no input for 1 s while the tracker started: away from the start
        switches = switches[1:]
    assert [s.away for s in switches] == [False, True, False, True, False]
    first_work, first_away, second_work, second_away, _ = switches
    # the work interval ends at the last input, not when the threshold passed
    assert abs((first_work.end - last_input).total_seconds()) < 0.3
    assert abs((first_away.date - first_work.end).total_seconds()) < 0.002  # delta: ms
    assert abs((first_away.end - back_motion).total_seconds()) < 0.3
    assert abs((second_work.date - back_motion).total_seconds()) < 0.3
    assert abs((second_work.end - second_last_input).total_seconds()) < 0.3
    assert abs((second_away.end - back_key).total_seconds()) < 0.3
    assert {s.workspace_index for s in switches} == {0}
    assert all(s.task == "work/alpha" for s in switches)
    # a stretch above ask_after_away_seconds waits for the user's decision
    assert store.get_meta("pending_away") is not None
    assert "away (idle, x11)" in tracker_run.log()
