"""Issue 22, item 5: a portfolio without ``show_times`` never answers a range of clock times.

A one-minute range (``start=…T10:17Z&end=…T10:18Z``) would tell when work started to the
minute; such a dashboard takes whole days only and refuses a date-time with a 400 that names
the parameter. With ``show_times`` on (or locally) date-times still work.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmeter.config import PortfolioSettings
from tests.hardening.support import app_on, open_store
from tests.web.conftest import seed

MINUTE = "start=2024-03-31T07:17:00Z&end=2024-03-31T07:18:00Z"
URLS = (f"/api/v1/totals?{MINUTE}", f"/tasks?{MINUTE}")


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@pytest.mark.parametrize("url", URLS)
def test_portfolio_without_show_times_refuses_a_date_time_range(
    kind: str, url: str, tmp_path: Path
) -> None:
    app = app_on(seed(open_store(kind, tmp_path)), tmp_path, mode="portfolio")
    response = app.test_client().get(url)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "whole days" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_portfolio_without_show_times_still_answers_whole_days(kind: str, tmp_path: Path) -> None:
    app = app_on(seed(open_store(kind, tmp_path)), tmp_path, mode="portfolio")
    response = app.test_client().get("/api/v1/totals?start=2024-03-31&end=2024-03-31")
    assert response.status_code == 200


def test_local_dashboard_and_show_times_keep_date_time_ranges(tmp_path: Path) -> None:
    store = seed(open_store("sqlite", tmp_path))
    local = app_on(store, tmp_path)
    assert local.test_client().get(URLS[0]).status_code == 200
    shown = app_on(store, tmp_path, mode="portfolio")
    shown.extensions["deskmeter"].settings.portfolio = PortfolioSettings(show_times=True)
    assert shown.test_client().get(URLS[0]).status_code == 200
