"""Away on Debian 12's (the host's) Sway 1.7 and KWin 5.27, in a plain ``deskmeter track``.

Sway 1.7 has no ``ext-idle-notify-v1`` (Sway 1.8 added it) but KDE's older ``org_kde_kwin_idle``:
the tracker's ``auto`` presence falls back to it, and a wlroots virtual pointer (real pointer
input for a headless Sway) brings the user back. KWin 5.27 offers ``ext-idle-notify-v1``
(version 1) beside ``org_kde_kwin_idle``: the tracker takes the former. A headless KWin has no
input device; the return is driven through ``org_kde_kwin_idle_timeout.simulate_user_activity``
from another client, which KWin handles as user activity on the seat (every idle timer restarts).
"""

from __future__ import annotations

import time

import pytest
from pywayland.protocol.wayland import WlSeat

from deskmeter.tracker.kde_idle_protocol import OrgKdeKwinIdle
from deskmeter.tracker.wayland_conn import WaylandConnection
from tests.desktops.compositors import KWin, Session, Sway, UserTracker, on, user_tracker
from tests.desktops_chroot.virtual_pointer import move_pointer
from tests.desktops_chroot.workspace_client import globals_of

pytestmark = [pytest.mark.desktops]

AWAY_AFTER = 1.5


def display_of(session: Session) -> str:
    return str(session.runtime_dir / session.env["WAYLAND_DISPLAY"])


def simulate_user_activity(display: str) -> None:
    """User activity on the seat through KDE's idle protocol, from a client of its own."""
    with WaylandConnection(display) as conn:
        seat = conn.bind(WlSeat, 1)
        timeout = conn.keep(conn.bind(OrgKdeKwinIdle, 1).get_idle_timeout(seat, 60_000))
        timeout.simulate_user_activity()
        conn.roundtrip()


def with_away_after(run: UserTracker, seconds: float) -> None:
    run.extra_env["DESKMETER_TRACKER__AWAY_AFTER_SECONDS"] = str(seconds)


def test_sway_1_7_away_through_kde_idle_and_back_on_virtual_pointer_input(sway: Sway) -> None:
    display = display_of(sway)
    offered = globals_of(display)
    assert "ext_idle_notifier_v1" not in offered and "org_kde_kwin_idle" in offered
    with user_tracker(sway) as run:
        with_away_after(run, AWAY_AFTER)
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
        sway.command("workspace mail")
        run.wait_state(on("mail"))
        assert run.stop() == 0
        switches = run.store().switches()
    log = run.log()
    assert "away detection through org_kde_kwin_idle" in log, log
    assert "no away detection" not in log
    assert [(s.workspace, s.away) for s in switches] == [
        ("1", False),
        ("1", True),
        ("1", False),
        ("mail", False),
    ]
    assert switches[0].id == first.interval_id
    # the away stretch starts at the last input, not when the timeout fired
    assert abs(switches[1].date.timestamp() - touched) < 0.3
    assert moved - 0.05 <= switches[2].date.timestamp() <= moved + 2.0


def test_kwin_5_27_away_through_ext_idle_notify_and_back_on_simulated_user_activity(
    kwin: KWin,
) -> None:
    display = display_of(kwin)
    offered = globals_of(display)
    assert "ext_idle_notifier_v1" in offered and "org_kde_kwin_idle" in offered
    with user_tracker(kwin) as run:
        with_away_after(run, AWAY_AFTER)
        simulate_user_activity(display)  # a headless KWin has been idle since it started
        run.start()
        # A tracker that took longer than AWAY_AFTER to start finds the seat idle already
        # and opens with an away interval: activity ends it, then the stretch under test
        # begins at a known input.
        deadline = time.monotonic() + 60
        while True:
            state = run.state()
            assert time.monotonic() < deadline, f"never working on Desktop 1: {state}"
            if state is not None and state.workspace == "Desktop 1" and not state.away:
                time.sleep(0.5)  # the idle event of a seat idle at start comes at once
                again = run.state()
                if again is not None and again.interval_id == state.interval_id:
                    break
                continue
            if state is not None and state.away:
                simulate_user_activity(display)
            time.sleep(0.1)
        work_since = state.since
        simulate_user_activity(display)
        touched = time.time()
        away = run.wait_state(lambda s: s is not None and s.away, timeout=AWAY_AFTER + 15)
        assert time.time() - touched >= AWAY_AFTER - 0.1
        assert away.workspace == "Desktop 1"
        time.sleep(0.5)
        active = time.time()
        simulate_user_activity(display)
        back = run.wait_state(on("Desktop 1"), timeout=10)
        assert back.interval_id != away.interval_id
        assert run.stop() == 0
        switches = [s for s in run.store().switches() if s.date >= work_since]
    log = run.log()
    assert "away detection through ext_idle_notifier_v1" in log, log
    assert [(s.workspace, s.away) for s in switches] == [
        ("Desktop 1", False),
        ("Desktop 1", True),
        ("Desktop 1", False),
    ]
    assert abs(switches[1].date.timestamp() - touched) < 0.5
    assert active - 0.05 <= switches[2].date.timestamp() <= active + 2.0
