"""The dashboard's fixtures: a store with a small known history around the DST change.

The history is in Europe/Madrid, whose clocks went forward on Sunday 2024-03-31 at 02:00
(a 23-hour day). ``KNOWN_DAY_TOTALS`` are the seconds per local day that the pages and the
API must show, worked out by hand; the clock stands still at ``NOW``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import mongomock
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr

from deskmeter.config import Settings, WebSettings
from deskmeter.models import State, Switch, Task
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

MADRID = ZoneInfo("Europe/Madrid")
TOKEN = "test-token-0123456789"
NOW = datetime(2024, 3, 31, 12, 30, 10, tzinfo=UTC)  # 14:30:10 in Madrid (CEST)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def switch(
    sid: str, start: datetime, hours: float, task: str | None, workspace: str, index: int
) -> Switch:
    return Switch(
        id=sid,
        date=start,
        delta=hours * 3600,
        workspace_index=index,
        workspace=workspace,
        task_id=task,
        task=task,
        host="test",
    )


SWITCHES = [
    # 23:30 → 00:30 local across the end of February (leap day)
    switch("s7", utc(2024, 2, 29, 22, 30), 1, "learning/books", "docs", 3),
    switch("s5", utc(2024, 3, 28, 14, 0), 1, None, "chat", 2),
    switch("s4", utc(2024, 3, 29, 9, 0), 2, "work/client-a/api", "web", 1),
    # 22:00 Saturday → 04:00 Sunday local: 5 real hours across midnight and the DST change
    switch("s1", utc(2024, 3, 30, 21, 0), 5, "work/deskmeter/web", "code", 0),
    switch("s2", utc(2024, 3, 31, 7, 0), 1.5, "work/deskmeter/sync", "code", 0),
    switch("s3", utc(2024, 3, 31, 9, 0), 0.5, "personal/reading", "media", 4),
    switch("s6", utc(2024, 4, 2, 7, 0), 1, "work/admin/email", "chat", 2),
]

#: The open interval: 14:00 local, last heartbeat at 14:30 (adds 30 min to 2024-03-31).
STATE = State(
    workspace_index=0,
    workspace="code",
    since=utc(2024, 3, 31, 12, 0),
    heartbeat=utc(2024, 3, 31, 12, 30),
    interval_id="open",
    task_id="work/deskmeter/web",
    task="work/deskmeter/web",
    host="test",
)

KNOWN_DAY_TOTALS: dict[date, float] = {
    date(2024, 2, 29): 1800,
    date(2024, 3, 1): 1800,
    date(2024, 3, 28): 3600,
    date(2024, 3, 29): 7200,
    date(2024, 3, 30): 7200,
    date(2024, 3, 31): 3 * 3600 + 5400 + 1800 + 1800,
    date(2024, 4, 2): 3600,
}

TASKS = [
    Task(id=path, path=path, updated=utc(2024, 1, 1))
    for path in (
        "work/deskmeter/web",
        "work/deskmeter/sync",
        "work/client-a/api",
        "work/admin/email",
        "personal/reading",
        "learning/books",
    )
]


def seed(store: Store, *, with_state: bool = True) -> Store:
    store.upsert_tasks(TASKS)
    store.add_switches(SWITCHES)
    if with_state:
        store.put_state(STATE)
    return store


def make_settings(tmp_path: Path, **web: Any) -> Settings:
    return Settings(
        store=str(tmp_path / "web.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host="test",
        web=WebSettings(**web),
    )


def open_backend(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "web.db")
    return MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )


@pytest.fixture(params=["sqlite", "mongomock"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend = seed(open_backend(request.param, tmp_path))
    yield backend
    backend.close()


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(tmp_path: Path, store: Store) -> AppFactory:
    """Build an app on the seeded store: ``make_app(mode="portfolio", token=...)``."""

    def build(**web: Any) -> Flask:
        if "token" in web and isinstance(web["token"], str):
            web["token"] = SecretStr(web["token"])
        app = create_app(make_settings(tmp_path, **web), store=store, clock=lambda: NOW)
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def client(make_app: AppFactory) -> FlaskClient:
    return make_app().test_client()


@pytest.fixture
def local_day_span() -> Callable[[date], tuple[datetime, datetime]]:
    def span(day: date) -> tuple[datetime, datetime]:
        lo = datetime.combine(day, datetime.min.time(), tzinfo=MADRID).astimezone(UTC)
        hi = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=MADRID)
        return lo, hi.astimezone(UTC)

    return span
