"""Issue 23, item 14: an empty store says what to do and what will appear."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from deskmeter.store import Store
from tests.trust.world import NOW, app_on, local, running, seed, switch


def test_an_empty_dashboard_says_what_to_do(backend: Store, tmp_path: Path) -> None:
    html = app_on(backend, tmp_path).test_client().get("/").get_data(as_text=True)
    assert 'id="welcome"' in html
    assert "deskmeter track" in html and "deskmeter doctor" in html
    assert str(tmp_path / "tasks.txt") in html  # where the task file is
    assert "What will appear here" in html
    assert 'class="stats"' not in html  # no wall of zero cards
    assert "not tracking yet" in html


def test_the_welcome_goes_once_anything_is_recorded(backend: Store, tmp_path: Path) -> None:
    state = running(NOW - timedelta(seconds=30), NOW)
    html = app_on(seed(backend, [], state), tmp_path).test_client().get("/").get_data(as_text=True)
    assert 'id="welcome"' not in html and 'class="stats"' in html
    past = seed(backend, [switch("o1", local(3, "09:00"), 30, "admin/mail")])
    other_day = app_on(past, tmp_path).test_client().get("/").get_data(as_text=True)
    assert 'id="welcome"' not in other_day


def test_a_portfolio_visitor_is_told_nothing_is_synced_yet(backend: Store, tmp_path: Path) -> None:
    html = app_on(backend, tmp_path, mode="portfolio").test_client().get("/").get_data(as_text=True)
    assert "Nothing has been synced yet" in html and "deskmeter track" not in html


def test_an_empty_list_is_not_styled_as_a_chip(backend: Store, tmp_path: Path) -> None:
    client = app_on(backend, tmp_path).test_client()
    year = client.get(f"/year/{NOW.year}").get_data(as_text=True)
    assert 'class="empty"' in year
    css = client.get("/static/trust.css").get_data(as_text=True)
    assert ".chips li.empty" in css and "background: none" in css
