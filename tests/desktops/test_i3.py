"""i3 (Debian 12) under Xvfb, as a user, and a plain ``deskmeter track`` in that X11 session.

``auto`` picks the IPC source (``XDG_CURRENT_DESKTOP=i3``; the socket is found under
``$XDG_RUNTIME_DIR/i3``): i3's named, dynamic workspaces read better from IPC than from EWMH.
"""

from __future__ import annotations

import contextlib
import time

import pytest

from deskmeter.tracker.sources.indexes import named_index
from tests.desktops.compositors import Sway, on, user_tracker
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.desktops]

DWELL = 0.4
ROUNDING = 0.002


def i3_command(i3: Sway, text: str) -> None:
    """Through i3's own socket (what ``i3-msg`` does)."""
    i3.env.setdefault("SWAYSOCK", i3.env["I3SOCK_FOR_TESTS"])
    i3.command(text)


def test_a_plain_track_under_i3_records_switches_renames_and_i3_restarting(i3: Sway) -> None:
    with user_tracker(i3) as run:
        env_for_tracker = run.env()
        assert "SWAYSOCK" not in env_for_tracker and "I3SOCK" not in env_for_tracker
        run.start()
        run.wait_state(on("1"), timeout=60)
        time.sleep(DWELL)
        i3_command(i3, "workspace mail")
        run.wait_state(on("mail"))
        time.sleep(DWELL)
        i3_command(i3, "rename workspace to inbox")
        run.wait_state(on("inbox"))
        i3_command(i3, "workspace 3")
        run.wait_state(on("3"))
        i3.kill()
        killed = time.time()
        run.wait_state(lambda s: s is None)
        time.sleep(1.0)  # the point: no window manager, nothing counted
        assert i3.restart is not None
        restarting = time.time()
        i3.env.pop("SWAYSOCK")
        i3.restart()
        run.wait_state(on("1"), timeout=60)
        assert run.stop() == 0
        switches = run.store().switches()
    assert "tracking with the sway source" in run.log()
    assert [(s.workspace_index, s.workspace) for s in switches] == [
        (0, "1"),
        (named_index("mail"), "inbox"),
        (2, "3"),
        (0, "1"),
    ]
    assert switches[0].delta >= DWELL - ROUNDING
    assert switches[1].delta >= DWELL - ROUNDING  # renamed in place: one interval
    assert switches[2].end.timestamp() <= killed + 1.0
    assert switches[3].date.timestamp() >= restarting


def test_an_in_place_i3_restart_is_no_loss_and_no_switch(i3: Sway) -> None:
    with user_tracker(i3) as run:
        run.start()
        run.wait_state(on("1"), timeout=60)
        i3_command(i3, "workspace mail")
        before = run.wait_state(on("mail"))
        with contextlib.suppress(OSError, AssertionError):  # i3 may exec before replying
            i3.command("restart")
        wait_for(lambda: "i3 restarted in place" in run.log(), timeout=30)
        i3_command(i3, "workspace 2")
        run.wait_state(on("2"))
        assert run.stop() == 0
        switches = run.store().switches()
    assert "lost the Sway/i3 IPC socket" not in run.log()
    assert [s.workspace for s in switches] == ["1", "mail", "2"]
    assert switches[1].id == before.interval_id  # one interval across the restart
    assert abs((switches[2].date - switches[1].end).total_seconds()) < 0.001
