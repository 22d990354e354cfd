"""Shared pieces of the hardening tests: an app on a store, every URL a dashboard serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongomock
from flask import Flask
from pydantic import SecretStr

from deskmeter.config import Settings, WebSettings
from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.web.conftest import NOW

#: Every page and API endpoint (GET), with ranges at the edges the dashboard supports.
URLS = (
    "/",
    "/day/1970-01-01",
    "/day/2024-03-31",
    "/day/2199-12-31",
    "/calendar/1970/1",
    "/calendar/2024/3",
    "/calendar/2199/12",
    "/switches",
    "/switches?page=2",
    "/switches?page=999999",
    "/switches?start=1970-01-01&end=2199-12-31",
    "/tasks",
    "/tasks?start=1970-01-01&end=1989-12-31",
    "/tasks?start=2180-01-02&end=2199-12-31",
    "/healthz",
    "/api/v1/state",
    "/api/v1/switches",
    "/api/v1/switches?order=asc",
    "/api/v1/switches?page=999999",
    "/api/v1/switches?start=2199-01-01&end=2199-12-31",
    "/api/v1/totals",
    "/api/v1/totals?start=1970-01-01&end=1989-12-31&by=month",
    "/api/v1/totals?start=2180-01-02&end=2199-12-31&by=week&group=workspace",
    "/api/v1/tasks",
    "/api/v1/export",
    "/api/v1/export?start=1970-01-01&end=1989-12-31&format=csv",
    "/api/v1/export?start=2180-01-02&end=2199-12-31",
    "/api/v1/openapi.json",
)


def open_store(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "hostile.db")
    return MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )


def app_on(store: Store, tmp_path: Path, **web: Any) -> Flask:
    if isinstance(web.get("token"), str):
        web["token"] = SecretStr(web["token"])
    settings = Settings(
        store=str(tmp_path / "hostile.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host="test",
        web=WebSettings(**web),
    )
    app = create_app(settings, store=store, clock=lambda: NOW)
    app.config["TESTING"] = True
    return app


def fetch_all(app: Flask) -> Iterator[tuple[str, int, str]]:
    client = app.test_client()
    for url in URLS:
        response = client.get(url)
        yield url, response.status_code, response.get_data(as_text=True)


def unchecked_switch(**fields: Any) -> Switch:
    """A ``Switch`` built without its validation (what an old or hand-edited store holds)."""
    switch = object.__new__(Switch)
    for name in Switch.__slots__:
        object.__setattr__(switch, name, fields.get(name))
    return switch
