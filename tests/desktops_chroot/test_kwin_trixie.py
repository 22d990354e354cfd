"""Headless KWin 6.3 (Debian 13) in a chroot, as a user, and a plain ``deskmeter track`` there.

KWin runs ``--virtual`` in its own session bus (tests/desktops/compositors.py ``start_kwin``,
from the Debian 13 tree); the tracker is started inside the chroot in that session's environment
(Wayland, no DISPLAY, no ``--source``), finds KWin on the bus by itself and follows
``/VirtualDesktopManager``. Desktops are made, switched, renamed and removed over D-Bus, as the
Plasma pager does. Away: KWin 6.3 offers ``ext-idle-notify-v1`` (version 1).
"""

from __future__ import annotations

import itertools
import time

import pytest

from tests.desktops.compositors import KWin, on, user_tracker
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.desktops]

DWELL = 0.4
ROUNDING = 0.002


def _desktops(kwin: KWin, *names: str) -> None:
    for position, name in enumerate(names, start=len(kwin.desktops())):
        kwin.create(position, name)
    wait_for(
        lambda: all(name in [n for _, _, n in kwin.desktops()] for name in names),
        timeout=10,
        what=f"KWin's new desktops {names}",
    )


def test_a_plain_track_in_kwin_6_3_records_each_switch_by_name_with_its_dwell(
    kwin: KWin,
) -> None:
    assert "DISPLAY" not in kwin.env
    _desktops(kwin, "mail", "code")
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=20)
        asked: list[float] = []
        seen: list[float] = []
        for name in ("mail", "code", "Desktop 1"):
            time.sleep(DWELL)
            asked.append(time.time())
            kwin.switch(name)
            run.wait_state(on(name))
            seen.append(time.time())
        assert run.stop() == 0
        switches = run.store().switches()
    assert "tracking with the kwin source" in run.log()
    assert [s.workspace for s in switches] == ["Desktop 1", "mail", "code", "Desktop 1"]
    assert [s.workspace_index for s in switches] == [0, 1, 2, 0]
    for before, after in itertools.pairwise(switches):
        assert abs((after.date - before.end).total_seconds()) < 0.001
    for k, middle in enumerate(switches[1:3]):
        assert DWELL - ROUNDING <= middle.delta <= seen[k + 1] - asked[k] + ROUNDING


def test_renaming_creating_and_removing_kwin_6_3_desktops_while_tracking(kwin: KWin) -> None:
    _desktops(kwin, "mail")
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=20)
        kwin.switch("mail")
        before = run.wait_state(on("mail"))
        kwin.rename("mail", "inbox")
        renamed = run.wait_state(on("inbox"))
        assert renamed.interval_id == before.interval_id  # a rename, not a switch
        _desktops(kwin, "late")
        kwin.switch("late")
        run.wait_state(on("late"))
        kwin.switch("inbox")
        run.wait_state(on("inbox"))
        kwin.remove("late")
        wait_for(lambda: "late" not in [n for _, _, n in kwin.desktops()], timeout=10)
        kwin.switch("Desktop 1")
        run.wait_state(on("Desktop 1"))
        assert run.stop() == 0
        switches = run.store().switches()
    assert [s.workspace for s in switches] == ["Desktop 1", "inbox", "late", "inbox", "Desktop 1"]
    assert switches[1].workspace_index == switches[3].workspace_index == 1


def test_kwin_6_3_dying_stops_the_count_at_once(kwin: KWin) -> None:
    """The compositor dies: the open interval ends then, and no time is counted after it.

    (The helper's KWin owns its session bus (``dbus-run-session``), so the bus dies with it and
    a new KWin comes with a new bus: the tracker of the dead session keeps waiting on the old
    address. Coming back is covered on Sway 1.10, where the session outlives the compositor.)
    """
    _desktops(kwin, "mail")
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=20)
        kwin.switch("mail")
        run.wait_state(on("mail"))
        kwin.kill()
        killed = time.time()
        run.wait_state(lambda s: s is None, timeout=15)
        time.sleep(1.0)  # time without a compositor, never to be counted
        assert run.proc is not None and run.proc.poll() is None  # still running, waiting
        assert run.stop() == 0
        switches = run.store().switches()
    assert [s.workspace for s in switches] == ["Desktop 1", "mail"]
    assert switches[1].end.timestamp() <= killed + 2.0


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
        started = time.time()
        run.start()
        run.wait_state(lambda s: s is not None, timeout=20)
        away = run.wait_state(lambda s: s is not None and s.away, timeout=away_after + 15)
        assert away.workspace == "Desktop 1"
        assert away.since.timestamp() <= time.time() - away_after + 0.2
        run.stop()
    assert "no away detection" not in run.log()
    assert started > 0
