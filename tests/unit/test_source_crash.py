"""A workspace source whose thread dies stops the tracker with an error (systemd restarts it).

Before, the thread died alone: the tracker's loop went on feeding systemd's watchdog while no
switch was recorded any more (alive and blind until someone looked).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmeter.cli import track_cmd
from deskmeter.cli.main import app
from deskmeter.tracker.events import Emit, Event, Stop, WorkspaceChanged
from deskmeter.tracker.sources import run_source


class CrashingSource:
    """A stand-in source: it reports one workspace, then fails as an X library might."""

    name = "crashing"

    def run(self, emit: Emit, stop: threading.Event) -> None:
        emit(WorkspaceChanged(1, "code", source=self.name))
        raise RuntimeError("unexpected reply from the display server")


def test_a_crashing_source_emits_a_stop_that_names_the_error() -> None:
    events: list[Event] = []
    run_source(CrashingSource(), events.append, threading.Event())
    assert isinstance(events[0], WorkspaceChanged)
    assert isinstance(events[-1], Stop)
    assert "crashing workspace source failed" in events[-1].error
    assert "unexpected reply" in events[-1].error


@pytest.mark.timeout(60)  # the old code never returned: the tracker lived on without its source
def test_track_exits_non_zero_when_its_source_thread_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(track_cmd, "make_source", lambda *a, **k: CrashingSource())
    monkeypatch.setattr(track_cmd, "serve_tracker", lambda *a, **k: None)  # no session bus needed
    db = tmp_path / "deskmeter.db"
    env = {
        "DESKMETER_STORE": str(db),
        "DESKMETER_HOST": "desk",
        "DESKMETER_TIMEZONE": "UTC",
        "DESKMETER_TASK_FILE": str(tmp_path / "tasks.txt"),
        "DESKMETER_TRACKER__PRESENCE": "none",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir()
    result = CliRunner().invoke(app, ["track", "--source", "x11"], env=env)
    assert result.exit_code == 1, result.output
    assert "crashing workspace source failed" in result.output
