"""Headless Sway 1.10 (Debian 13) in a chroot, as a user, and a plain ``deskmeter track`` there.

The switch, rename, dynamic-workspace, output-focus and compositor-death tests are the Sway 1.7
ones (tests/desktops/test_sway.py), run here against Sway 1.10 with the tracker inside the chroot
(the ``sway`` fixture of this folder). Away: Sway 1.10 implements ``ext-idle-notify-v1``; the
tracker's ``auto`` presence asks it for an idle notification at ``away_after_seconds``, and input
from a virtual pointer (a real input device for Sway) brings the user back.
"""

from __future__ import annotations

import time

import pytest

from tests.desktops.compositors import Sway, on, user_tracker
from tests.desktops.test_sway import (  # noqa: F401  (collected here with this folder's sway)
    test_a_plain_track_in_sway_finds_the_workspaces_and_records_each_switch_by_name,
    test_a_rename_in_sway_renames_the_open_interval_and_keeps_closed_ones,
    test_empty_workspaces_vanish_in_sway_and_come_back_with_the_same_index,
    test_focusing_another_output_in_sway_makes_its_workspace_the_active_one,
    test_sway_dying_stops_the_count_and_its_return_resumes_it,
)
from tests.desktops_chroot.virtual_pointer import move_pointer

pytestmark = [pytest.mark.desktops]

AWAY_AFTER = 1.5


def test_sway_1_10_idle_notify_makes_the_user_away_and_pointer_input_brings_them_back(
    sway: Sway,
) -> None:
    assert "DISPLAY" not in sway.env
    display = str(sway.runtime_dir / sway.env["WAYLAND_DISPLAY"])
    with user_tracker(sway) as run:
        run.env = lambda base=run.env: {  # type: ignore[method-assign]
            **base(),
            "DESKMETER_TRACKER__AWAY_AFTER_SECONDS": str(AWAY_AFTER),
        }
        run.start()
        first = run.wait_state(on("1"), timeout=20)
        move_pointer(display)  # the last input: the idle stretch counts from here
        touched = time.time()
        away = run.wait_state(lambda s: s is not None and s.away, timeout=AWAY_AFTER + 10)
        assert time.time() - touched >= AWAY_AFTER - 0.1  # not before the idle timeout
        time.sleep(0.5)
        moved = time.time()
        move_pointer(display, 3)
        back = run.wait_state(on("1"), timeout=10)
        assert back.interval_id != away.interval_id
        assert run.stop() == 0
        switches = run.store().switches()
    assert "no away detection" not in run.log()
    assert [(s.workspace, s.away) for s in switches] == [("1", False), ("1", True), ("1", False)]
    assert switches[0].id == first.interval_id
    # the away stretch starts at the last input, not when the timeout fired
    assert abs(switches[1].date.timestamp() - touched) < 0.3
    assert moved - 0.05 <= switches[2].date.timestamp() <= moved + 2.0
