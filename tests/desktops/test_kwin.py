"""Headless KWin 5.27 (Debian 12's kwin_wayland --virtual), as a user in its own session bus,
and a plain ``deskmeter track`` in that session (Wayland, no DISPLAY, no ``--source``).

Desktops are created, switched, renamed and removed through KWin's own D-Bus interface
(``gdbus`` as the user), as Plasma's pager and ``qdbus`` do.
"""

from __future__ import annotations

import itertools
import time

import pytest

from tests.desktops.compositors import KWin, on, user_tracker

pytestmark = [pytest.mark.desktops]

DWELL = 0.4
ROUNDING = 0.002


def add_desktops(kwin: KWin, *names: str) -> None:
    for name in names:
        kwin.create(len(kwin.desktops()), name)
    assert [n for _, _, n in kwin.desktops()][-len(names) :] == list(names)


def test_a_plain_track_in_kwin_finds_the_desktops_and_records_each_switch_by_name(
    kwin: KWin,
) -> None:
    assert "DISPLAY" not in kwin.env and "XDG_CURRENT_DESKTOP" not in kwin.env
    add_desktops(kwin, "Mail", "Code")
    with user_tracker(kwin) as run:
        run.start()  # no XDG_CURRENT_DESKTOP: auto finds KWin on the session bus
        run.wait_state(on("Desktop 1"), timeout=60)
        asked: list[float] = []
        seen: list[float] = []
        for name in ("Mail", "Code", "Desktop 1"):
            time.sleep(DWELL)
            asked.append(time.time())
            kwin.switch(name)
            run.wait_state(on(name))
            seen.append(time.time())
        assert run.stop() == 0
        switches = run.store().switches()
    assert "tracking with the kwin source" in run.log()
    assert [(s.workspace_index, s.workspace) for s in switches] == [
        (0, "Desktop 1"),
        (1, "Mail"),
        (2, "Code"),
        (0, "Desktop 1"),
    ]
    for before, after in itertools.pairwise(switches):
        assert abs((after.date - before.end).total_seconds()) < 0.001
    for k, recorded in enumerate(switches[1:]):
        assert asked[k] - ROUNDING <= recorded.date.timestamp() <= seen[k] + ROUNDING
    for k, middle in enumerate(switches[1:3]):
        assert DWELL - ROUNDING <= middle.delta <= seen[k + 1] - asked[k] + ROUNDING


def test_renaming_a_kwin_desktop_renames_the_open_interval_and_keeps_closed_ones(
    kwin: KWin,
) -> None:
    add_desktops(kwin, "Mail")
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=60)
        kwin.switch("Mail")
        run.wait_state(on("Mail"))
        kwin.switch("Desktop 1")
        run.wait_state(on("Desktop 1"))
        kwin.switch("Mail")
        before = run.wait_state(on("Mail"))
        kwin.rename("Mail", "Inbox")
        after = run.wait_state(on("Inbox"))
        assert after.interval_id == before.interval_id  # a rename, not a switch
        kwin.switch("Desktop 1")
        run.wait_state(on("Desktop 1"))
        run.stop()
        names = [(s.workspace_index, s.workspace) for s in run.store().switches()]
    assert names == [
        (0, "Desktop 1"),
        (1, "Mail"),
        (0, "Desktop 1"),
        (1, "Inbox"),
        (0, "Desktop 1"),
    ]


def test_kwin_desktops_created_and_removed_at_run_time_are_followed(kwin: KWin) -> None:
    with user_tracker(kwin) as run:
        run.start()
        first = run.wait_state(on("Desktop 1"), timeout=60)
        kwin.create(0, "Early")  # in front of the current one: moves it, is no switch
        time.sleep(0.5)
        assert run.state().interval_id == first.interval_id  # type: ignore[union-attr]
        kwin.create(2, "Late")
        kwin.switch("Late")
        run.wait_state(on("Late"))
        kwin.switch("Desktop 1")
        run.wait_state(
            lambda s: s is not None and s.workspace == "Desktop 1" and s.workspace_index == 1
        )
        kwin.switch("Late")
        run.wait_state(on("Late"))
        kwin.remove("Late")  # KWin moves to another desktop: that is the switch recorded
        run.wait_state(lambda s: s is not None and s.workspace != "Late")
        run.stop()
        switches = run.store().switches()
    assert [s.workspace for s in switches][:4] == ["Desktop 1", "Late", "Desktop 1", "Late"]
    assert [s.workspace_index for s in switches][:4] == [0, 2, 1, 2]
    assert len(switches) == 5 and switches[4].workspace in {"Early", "Desktop 1"}


def test_kwin_dying_stops_the_count_and_its_return_resumes_it(kwin: KWin) -> None:
    """KWin is killed; the session bus stays; a new KWin takes the name on the same bus."""
    add_desktops(kwin, "Mail")
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=60)
        kwin.switch("Mail")
        run.wait_state(on("Mail"))
        kwin.kill()
        killed = time.time()
        run.wait_state(lambda s: s is None, timeout=10)
        time.sleep(1.0)  # the point: no compositor, nothing may be counted
        assert kwin.restart is not None
        restarting = time.time()
        kwin.restart()  # a fresh KWin: one desktop again
        run.wait_state(on("Desktop 1"), timeout=60)
        assert run.stop() == 0
        switches = run.store().switches()
    assert "KWin left the session bus" in run.log()
    assert [s.workspace for s in switches] == ["Desktop 1", "Mail", "Desktop 1"]
    assert switches[1].end.timestamp() <= killed + 1.0
    assert switches[2].date.timestamp() >= restarting  # not before KWin was started again
    assert (switches[2].date - switches[1].end).total_seconds() >= 1.0


def test_the_session_bus_dying_with_kwin_stops_the_count(kwin: KWin) -> None:
    with user_tracker(kwin) as run:
        run.start()
        run.wait_state(on("Desktop 1"), timeout=60)
        kwin.end()  # KWin and the bus: the whole session ends
        ended = time.time()
        run.wait_state(lambda s: s is None, timeout=10)
        assert run.stop() == 0
        switches = run.store().switches()
    assert [s.workspace for s in switches] == ["Desktop 1"]
    assert switches[0].end.timestamp() <= ended + 1.0
