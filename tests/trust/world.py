"""A small known world for the trust tests (issue 23), built from one fixed instant.

Europe/Madrid, the clock stands at ``NOW`` (a Wednesday, 14:30:00 local). Nothing here
reads the machine's date or zone: every switch is placed relative to ``NOW``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import mongomock
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr

from deskmeter.config import GoalSettings, PortfolioSettings, Settings, WebSettings
from deskmeter.models import State, Switch, Task
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 5, 6, 12, 30, 0, tzinfo=UTC)  # Wed 6 May 2026, 14:30 in Madrid
TODAY = NOW.astimezone(MADRID).date()
TOKEN = "trust-token-0123456789"
HOST = "desk"
PATHS = ("work/deskmeter/sync", "work/deskmeter/web", "work/client/api", "admin/mail")


def local(days_ago: int, hhmm: str) -> datetime:
    """``hhmm`` local on the day ``days_ago`` days before ``TODAY``, as UTC."""
    day = TODAY - timedelta(days=days_ago)
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MADRID).astimezone(UTC)


def switch(
    sid: str, start: datetime, minutes: float, task: str | None, *, away: bool = False
) -> Switch:
    return Switch(
        id=sid,
        date=start,
        delta=minutes * 60,
        workspace_index=0,
        workspace="code",
        task_id=task,
        task=task,
        host=HOST,
        away=away,
    )


#: Today: 09:00–10:00 sync, 13:02–13:36 away (lunch, after sync), 13:36–14:00 web.
TODAY_SWITCHES = [
    switch("t1", local(0, "09:00"), 60, "work/deskmeter/sync"),
    switch("t2", local(0, "13:02"), 34, "work/deskmeter/sync", away=True),
    switch("t3", local(0, "13:36"), 24, "work/deskmeter/web"),
]


def open_backend(kind: str, path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(path / "trust.db")
    return MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )


def seed(store: Store, switches: list[Switch], state: State | None = None) -> Store:
    store.upsert_tasks([Task(id=p, path=p, updated=NOW - timedelta(days=400)) for p in PATHS])
    store.add_switches(switches)
    if state is not None:
        store.put_state(state)
    return store


def running(since: datetime, heartbeat: datetime, task: str = "work/deskmeter/web") -> State:
    return State(
        workspace_index=0,
        workspace="desktop 1",
        since=since,
        heartbeat=heartbeat,
        interval_id="open",
        task_id=task,
        task=task,
        host=HOST,
    )


def settings(
    tmp_path: Path,
    goals: list[GoalSettings] | None = None,
    portfolio: PortfolioSettings | None = None,
    **web: Any,
) -> Settings:
    if isinstance(web.get("token"), str):
        web["token"] = SecretStr(web["token"])
    return Settings(
        store=str(tmp_path / "trust.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host=HOST,
        web=WebSettings(**web),
        goals=goals or [],
        portfolio=portfolio or PortfolioSettings(),
    )


def app_on(store: Store, tmp_path: Path, *, now: datetime = NOW, **kwargs: Any) -> Flask:
    app = create_app(settings(tmp_path, **kwargs), store=store, clock=lambda: now)
    app.config["TESTING"] = True
    return app


def sign_in(client: FlaskClient, token: str = TOKEN) -> str:
    """Sign in; return a CSRF token for the forms."""
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    client.post("/login", data={"csrf_token": csrf.group(1), "token": token})
    page = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    return csrf.group(1)
