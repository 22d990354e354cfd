"""Issue 22, item 15: a public portfolio tells no more than its owner chose.

By default a portfolio shows neither workspace names (a workspace named after a client told
what ``path_depth`` hid) nor host names, on pages, in the API and in the OpenAPI document;
the owner can turn each on, give hosts public aliases, and hide the live presence. The two
knobs for task paths are one: ``[portfolio] path_depth`` (default 1); ``web.coarsen_tasks``
still loads, with a deprecation message. Both backends (MongoDB on mongomock).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from deskmeter.config import ConfigError, load_settings
from deskmeter.models import State, Switch
from deskmeter.store import Store
from tests.hardening.support import app_on, open_store
from tests.web.conftest import seed, utc

CLIENT_WORKSPACE = "acme-corp-secret"
REAL_HOST = "jane-laptop"
URLS = (
    "/",
    "/day/2024-03-31",
    "/tasks",
    "/api/v1/state",
    "/api/v1/hosts",
    "/api/v1/totals?start=2024-03-31&end=2024-03-31",
    "/api/v1/tasks",
    "/api/v1/openapi.json",
)


def _store(kind: str, tmp_path: Path) -> Store:
    store = seed(open_store(kind, tmp_path))
    store.add_switches(
        [
            Switch(
                id="client",
                date=utc(2024, 3, 31, 10),
                delta=1800.0,
                workspace_index=5,
                workspace=CLIENT_WORKSPACE,
                task_id="work/client-a/api",
                task="work/client-a/api",
                host=REAL_HOST,
            )
        ]
    )
    store.put_state(
        State(
            workspace_index=5,
            workspace=CLIENT_WORKSPACE,
            since=utc(2024, 3, 31, 12, 20),
            heartbeat=utc(2024, 3, 31, 12, 30, 5),
            interval_id="open-jane",
            task_id="work/client-a/api",
            task="work/client-a/api",
            host=REAL_HOST,
            away=True,
        )
    )
    return store


def _portfolio(store: Store, tmp_path: Path, **portfolio: Any) -> Any:
    app = app_on(store, tmp_path, mode="portfolio")
    settings = app.extensions["deskmeter"].settings
    settings.portfolio = settings.portfolio.model_copy(update=portfolio)
    return app.test_client()


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_a_portfolio_shows_no_workspace_or_host_name_by_default(kind: str, tmp_path: Path) -> None:
    client = _portfolio(_store(kind, tmp_path), tmp_path)
    for url in URLS:
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (url, body[:200])
        assert CLIENT_WORKSPACE not in body, url
        assert REAL_HOST not in body, url
        assert ">code<" not in body and '"workspace": "code"' not in body, url
    refused = client.get("/api/v1/totals?group=workspace")
    assert refused.status_code == 400 and "show_workspaces" in refused.get_json()["error"]
    chosen = client.get(f"/api/v1/totals?host={REAL_HOST}")
    assert chosen.status_code == 400 and REAL_HOST not in chosen.get_json()["error"][40:]


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_the_owner_can_show_workspaces_and_hosts(kind: str, tmp_path: Path) -> None:
    client = _portfolio(_store(kind, tmp_path), tmp_path, show_workspaces=True, show_hosts=True)
    by_workspace = client.get("/api/v1/totals?group=workspace&start=2024-03-31&end=2024-03-31")
    assert CLIENT_WORKSPACE in {t["key"] for t in by_workspace.get_json()["totals"]}
    assert REAL_HOST in {h["name"] for h in client.get("/api/v1/hosts").get_json()["hosts"]}
    assert CLIENT_WORKSPACE in client.get("/day/2024-03-31").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_a_host_alias_is_the_only_name_a_portfolio_knows_it_by(kind: str, tmp_path: Path) -> None:
    client = _portfolio(_store(kind, tmp_path), tmp_path, host_aliases={REAL_HOST: "laptop-1"})
    assert [h["name"] for h in client.get("/api/v1/hosts").get_json()["hosts"]] == ["laptop-1"]
    page = client.get("/?host=laptop-1")
    assert page.status_code == 200
    assert REAL_HOST not in page.get_data(as_text=True)
    assert "laptop-1" in page.get_data(as_text=True)
    state = client.get("/api/v1/state?host=laptop-1").get_json()
    assert state["current"]["host"] == "laptop-1"
    assert client.get(f"/api/v1/state?host={REAL_HOST}").status_code == 400


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_the_owner_can_hide_the_live_presence(kind: str, tmp_path: Path) -> None:
    store = _store(kind, tmp_path)
    shown = _portfolio(store, tmp_path).get("/").get_data(as_text=True)
    assert 'id="state-away"' in shown  # the default: presence shown
    client = _portfolio(store, tmp_path, show_presence=False)
    page = client.get("/").get_data(as_text=True)
    assert 'id="current-state"' not in page and 'id="state-away"' not in page
    state = client.get("/api/v1/state").get_json()
    assert state["current"] is None and state["hosts"] == []


def _load(tmp_path: Path, text: str) -> Any:
    config = tmp_path / "config.toml"
    config.write_text('host = "desk"\n' + text, encoding="utf-8")
    return load_settings(config)


def test_coarsen_tasks_still_loads_with_a_deprecation_message(
    tmp_path: Path, xdg: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="deskmeter.config"):
        settings = _load(tmp_path, "[web]\ncoarsen_tasks = true\n")
    assert settings.portfolio.path_depth == 1
    assert "coarsen_tasks is deprecated" in caplog.text and "path_depth" in caplog.text
    with pytest.raises(ConfigError, match="disagree"):
        _load(tmp_path, "[web]\ncoarsen_tasks = true\n[portfolio]\npath_depth = 2\n")


def test_path_depth_is_the_one_knob_with_default_1(tmp_path: Path, xdg: Path) -> None:
    assert _load(tmp_path, "").portfolio.path_depth == 1
    with pytest.raises(ConfigError, match="alias"):
        _load(tmp_path, '[portfolio.host_aliases]\ndesk = "de\\u200bsk"\n')
