"""Debian 12's Sway 1.7 (the host's, not a chroot) has no ``ext-idle-notify-v1`` (1.8 added it).

There the tracker says once that it has no away detection, and keeps counting: the same rule
as X11 without the screen-saver extension.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest

from tests.desktops.compositors import Sway, on, start_sway, user_tracker
from tests.desktops_chroot.workspace_client import globals_of

pytestmark = [pytest.mark.desktops]


@pytest.fixture
def sway_1_7() -> Iterator[Sway]:
    if shutil.which("sway") is None:
        raise RuntimeError("sway is not installed (scripts/apt/desktops.txt)")
    session = start_sway()
    yield session
    session.stop()


def test_sway_1_7_without_idle_notify_is_said_once_and_the_count_goes_on(sway_1_7: Sway) -> None:
    display = str(sway_1_7.runtime_dir / sway_1_7.env["WAYLAND_DISPLAY"])
    assert "ext_idle_notifier_v1" not in globals_of(display)
    with user_tracker(sway_1_7) as run:
        run.env = lambda base=run.env: {  # type: ignore[method-assign]
            **base(),
            "DESKMETER_TRACKER__AWAY_AFTER_SECONDS": "1",
        }
        run.start()
        run.wait_state(on("1"), timeout=20)
        time.sleep(2.5)  # idle well past the threshold: nothing can see it
        sway_1_7.command("workspace mail")
        state = run.wait_state(on("mail"))
        assert not state.away
        assert run.stop() == 0
        switches = run.store().switches()
    said = run.log().count("no away detection on Wayland")
    assert said == 1, run.log()
    assert [(s.workspace, s.away) for s in switches] == [("1", False), ("mail", False)]
    assert switches[0].delta >= 2.5
