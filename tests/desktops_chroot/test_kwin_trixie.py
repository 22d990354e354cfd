"""Headless KWin 6.3 (Debian 13) in a chroot, as a user, and a plain ``deskmeter track`` there.

The switch, rename, create/remove, KWin-dying-and-back and bus-dying tests are the KWin 5.27 ones
(tests/desktops/test_kwin.py), run here against KWin 6.3 (``start_kwin`` from the Debian 13
tree) with the tracker inside the chroot, started in the session's environment (Wayland, no
DISPLAY, no ``--source``). Away: KWin 6.3 offers ``ext-idle-notify-v1`` (version 1).
"""

from __future__ import annotations

import time

import pytest

from tests.desktops.compositors import KWin, user_tracker
from tests.desktops.test_kwin import (  # noqa: F401  (collected here with this folder's kwin)
    test_a_plain_track_in_kwin_finds_the_desktops_and_records_each_switch_by_name,
    test_kwin_desktops_created_and_removed_at_run_time_are_followed,
    test_kwin_dying_stops_the_count_and_its_return_resumes_it,
    test_renaming_a_kwin_desktop_renames_the_open_interval_and_keeps_closed_ones,
    test_the_session_bus_dying_with_kwin_stops_the_count,
)

pytestmark = [pytest.mark.desktops]


def test_kwin_6_3_idle_notify_makes_the_user_away_after_the_threshold(kwin: KWin) -> None:
    """Away only: a headless KWin has no input device, and its fake-input protocol is
    restricted to whitelisted programs, so nothing here can give it the input that ends
    the idle stretch (Sway's test covers the return)."""
    away_after = 1.5
    with user_tracker(kwin) as run:
        run.env = lambda base=run.env: {  # type: ignore[method-assign]
            **base(),
            "DESKMETER_TRACKER__AWAY_AFTER_SECONDS": str(away_after),
        }
        run.start()
        run.wait_state(lambda s: s is not None, timeout=20)
        away = run.wait_state(lambda s: s is not None and s.away, timeout=away_after + 15)
        assert away.workspace == "Desktop 1"
        assert away.since.timestamp() <= time.time() - away_after + 0.2
        run.stop()
    assert "no away detection" not in run.log()
