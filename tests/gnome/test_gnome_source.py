"""The ``gnome`` workspace source and the automatic choice of source (no bus, no shell)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.config import Settings
from deskmeter.dbus.snapshot import dashboard_url, recent_tasks
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tracker.events import Event, WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources import SourceError, auto_source_name, make_source
from deskmeter.tracker.sources.gnome import EXTENSION_UUID, GnomeSource
from tests.support.waiting import wait_for


def run_source(source: GnomeSource) -> tuple[list[Event], threading.Event, threading.Thread]:
    events: list[Event] = []
    stop = threading.Event()
    thread = threading.Thread(target=source.run, args=(events.append, stop), daemon=True)
    thread.start()
    return events, stop, thread


def test_reports_become_workspace_events_of_the_gnome_source() -> None:
    source = GnomeSource(hint_after=0.01)
    events, stop, thread = run_source(source)
    try:
        wait_for(lambda: source._emit is not None, timeout=10)
        assert source.report(2, "Web") is True
        assert source.lost("screen locked") is True
    finally:
        stop.set()
        thread.join(2)
    assert events == [WorkspaceChanged(2, "Web", "gnome"), WorkspaceLost("screen locked")]


def test_a_report_before_the_source_runs_is_replayed() -> None:
    source = GnomeSource(hint_after=0.01)
    source.report(1, "Mail")
    events, stop, thread = run_source(source)
    stop.set()
    thread.join(2)
    assert events == [WorkspaceChanged(1, "Mail", "gnome")]


def test_a_negative_workspace_index_is_refused() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        GnomeSource().report(-1, "")


def test_the_source_says_where_to_look_when_nothing_reports(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = GnomeSource(hint_after=0.05)
    _, stop, thread = run_source(source)
    try:
        wait_for(lambda: f"gnome-extensions enable {EXTENSION_UUID}" in caplog.text, timeout=10)
    finally:
        stop.set()
        thread.join(2)


def install_extension(root: Path) -> None:
    target = root / "gnome-shell" / "extensions" / EXTENSION_UUID
    target.mkdir(parents=True)
    (target / "metadata.json").write_text("{}")


def test_auto_picks_gnome_on_wayland_when_the_extension_is_installed(tmp_path: Path) -> None:
    env = {"XDG_SESSION_TYPE": "wayland", "HOME": str(tmp_path), "XDG_DATA_DIRS": "/nonexistent"}
    with pytest.raises(SourceError, match=r"files/gnome-extension/README\.md"):
        auto_source_name(env)
    install_extension(tmp_path / ".local" / "share")
    assert auto_source_name(env) == "gnome"


def test_auto_finds_a_system_wide_extension(tmp_path: Path) -> None:
    install_extension(tmp_path / "usr-share")
    env = {
        "WAYLAND_DISPLAY": "wayland-0",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_DIRS": f"/nonexistent:{tmp_path / 'usr-share'}",
    }
    assert auto_source_name(env) == "gnome"


def test_auto_stays_on_x11_in_an_x11_session_even_with_the_extension(tmp_path: Path) -> None:
    install_extension(tmp_path / ".local" / "share")
    env = {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0", "HOME": str(tmp_path)}
    assert auto_source_name(env) == "x11"
    # XWayland sets DISPLAY too: with WAYLAND_DISPLAY and DISPLAY and no session type, x11
    assert auto_source_name({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "HOME": str(tmp_path)}) == (
        "x11"
    )


def test_make_source_builds_the_gnome_source() -> None:
    source = make_source("gnome")
    assert isinstance(source, GnomeSource)
    assert source.name == "gnome"


def test_recent_tasks_put_the_current_first_then_by_last_use(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for i, task in enumerate(["a/x", "b/y", "gone/z", "a/x", "c/w"]):
        store.add_switch(
            Switch(
                id=f"s{i}",
                date=start + timedelta(minutes=i),
                delta=60,
                workspace_index=0,
                workspace="Code",
                task=task,
            )
        )
    listed = ["a/x", "b/y", "c/w", "d/v", "e/u"]
    assert recent_tasks(store, listed, "d/v") == ("d/v", "c/w", "a/x", "b/y", "e/u")
    assert recent_tasks(store, listed, None, limit=2) == ("c/w", "a/x")
    store.close()


def test_the_dashboard_url_follows_the_web_settings() -> None:
    assert dashboard_url(Settings()) == "http://127.0.0.1:8765/"
    assert dashboard_url(Settings(web={"host": "0.0.0.0", "port": 9000})) == (
        "http://127.0.0.1:9000/"
    )
    assert dashboard_url(Settings(web={"host": "::1", "port": 80})) == "http://[::1]:80/"
