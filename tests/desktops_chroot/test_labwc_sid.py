"""labwc 0.20 (Debian unstable) in a chroot: the ``wayland`` source over ``ext-workspace-v1``.

labwc announces its configured workspaces through ``ext-workspace-v1`` (and offers
``ext-idle-notify-v1``). A plain ``deskmeter track`` started in that session (Wayland, no
DISPLAY, no ``--source``) picks the ``wayland`` source by itself. The test switches workspaces
the way a pager does, through the protocol's own ``activate`` request
(tests/desktops_chroot/workspace_client.py); renames and new workspaces come from labwc's
configuration, re-read on SIGHUP (``labwc --reconfigure``).
"""

from __future__ import annotations

import itertools
import time

import pytest

from tests.desktops.compositors import on, user_tracker
from tests.desktops_chroot.chroot import Labwc
from tests.desktops_chroot.virtual_pointer import move_pointer
from tests.desktops_chroot.workspace_client import activate, names
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.desktops]

DWELL = 0.4
ROUNDING = 0.002


def test_a_plain_track_in_labwc_picks_ext_workspace_and_records_each_switch_by_name(
    labwc: Labwc,
) -> None:
    assert "DISPLAY" not in labwc.env
    with user_tracker(labwc) as run:
        run.start()
        run.wait_state(on("mail"), timeout=20)
        asked: list[float] = []
        seen: list[float] = []
        for name in ("code", "web", "mail"):
            time.sleep(DWELL)
            asked.append(time.time())
            activate(labwc.display, name)
            run.wait_state(on(name))
            seen.append(time.time())
        assert run.stop() == 0
        switches = run.store().switches()
    assert "tracking with the wayland source" in run.log()
    assert [s.workspace for s in switches] == ["mail", "code", "web", "mail"]
    assert [s.workspace_index for s in switches] == [0, 1, 2, 0]
    for before, after in itertools.pairwise(switches):
        assert abs((after.date - before.end).total_seconds()) < 0.001
    for k, recorded in enumerate(switches[1:]):
        assert asked[k] - ROUNDING <= recorded.date.timestamp() <= seen[k] + ROUNDING
    for k, middle in enumerate(switches[1:3]):
        assert DWELL - ROUNDING <= middle.delta <= seen[k + 1] - asked[k] + ROUNDING


def test_renaming_and_adding_labwc_workspaces_while_tracking(labwc: Labwc) -> None:
    with user_tracker(labwc) as run:
        run.start()
        run.wait_state(on("mail"), timeout=20)
        activate(labwc.display, "code")
        before = run.wait_state(on("code"))
        labwc.configure(["mail", "inbox", "web", "extra"])
        labwc.reconfigure()
        renamed = run.wait_state(on("inbox"))
        assert renamed.interval_id == before.interval_id  # a rename, not a switch
        assert renamed.workspace_index == before.workspace_index
        wait_for(lambda: "extra" in names(labwc.display), timeout=10, what="the new workspace")
        activate(labwc.display, "extra")
        extra = run.wait_state(on("extra"))
        assert extra.workspace_index == 3
        assert run.stop() == 0
        switches = run.store().switches()
    assert [s.workspace for s in switches] == ["mail", "inbox", "extra"]


def test_labwc_dying_stops_the_count_and_its_return_resumes_it(labwc: Labwc) -> None:
    with user_tracker(labwc) as run:
        run.start()
        run.wait_state(on("mail"), timeout=20)
        activate(labwc.display, "web")
        run.wait_state(on("web"))
        labwc.kill()
        killed = time.time()
        run.wait_state(lambda s: s is None, timeout=10)
        time.sleep(1.0)  # time without a compositor, never to be counted
        assert labwc.restart is not None
        labwc.restart()
        back = time.time()
        run.wait_state(on("mail"), timeout=20)
        assert run.stop() == 0
        switches = run.store().switches()
    assert "lost the compositor" in run.log()
    assert [s.workspace for s in switches] == ["mail", "web", "mail"]
    assert switches[1].end.timestamp() <= killed + 1.0
    assert switches[2].date.timestamp() >= back - 0.05
    assert (switches[2].date - switches[1].end).total_seconds() >= 1.0


def test_labwc_idle_notify_makes_the_user_away_and_pointer_input_brings_them_back(
    labwc: Labwc,
) -> None:
    away_after = 1.5
    with user_tracker(labwc) as run:
        run.env = lambda base=run.env: {  # type: ignore[method-assign]
            **base(),
            "DESKMETER_TRACKER__AWAY_AFTER_SECONDS": str(away_after),
        }
        run.start()
        first = run.wait_state(on("mail"), timeout=20)
        move_pointer(labwc.display)
        touched = time.time()
        run.wait_state(lambda s: s is not None and s.away, timeout=away_after + 10)
        assert time.time() - touched >= away_after - 0.1
        moved = time.time()
        move_pointer(labwc.display, 3)
        run.wait_state(on("mail"), timeout=10)
        assert run.stop() == 0
        switches = run.store().switches()
    assert [(s.workspace, s.away) for s in switches] == [
        ("mail", False),
        ("mail", True),
        ("mail", False),
    ]
    assert switches[0].id == first.interval_id
    assert abs(switches[1].date.timestamp() - touched) < 0.3
    assert switches[2].date.timestamp() >= moved - 0.05
