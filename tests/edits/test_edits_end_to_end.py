"""Edits end to end: the CLI, the signed-in day page and the API (bearer token) make the same
edit; sync carries the changed switches and the edit log to the remote (the sink's real code
on mongomock, as in tests/sync); the portfolio dashboard on that remote shows the corrected
totals, the same as the workstation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import mongomock
from pydantic import SecretStr

from deskmeter.config import PortfolioSettings, Settings, WebSettings
from deskmeter.models import Switch, Task
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from deskmeter.web import create_app
from tests.sync import mongomock_ids
from tests.sync.support import FAST

mongomock_ids.install()

TOKEN = "edit-token-0123456789"
DAY = "2026-05-04"


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}:00+00:00")


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKMETER_TIMEZONE": "UTC", "DESKMETER_STORE": str(db)}
    env["DESKMETER_HOST"] = "desk"  # the host whose history it corrects
    env.pop("DESKMETER_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings(tmp_path: Path, **web: object) -> Settings:
    return Settings(
        store=str(tmp_path / "local.db"),
        timezone="UTC",
        task_file=tmp_path / "tasks.txt",
        host="desk",
        web=WebSettings(**web),  # type: ignore[arg-type]
    )


def day_totals(client) -> dict[str, float]:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/totals?start={DAY}&end={DAY}&by=all").get_json()
    return {t["key"]: t["seconds"] for t in body["totals"]}


def test_cli_web_and_api_edits_reach_the_remote_portfolio(tmp_path: Path) -> None:
    db = tmp_path / "local.db"
    store = SQLiteStore(db)
    store.upsert_tasks([Task(p, p) for p in ("work/a", "work/b", "meeting")])
    store.add_switches(
        [
            Switch("s1", at("09:00"), 3 * 3600, 0, "Code", "work/a", "work/a", "desk"),
            Switch("s2", at("12:00"), 2 * 3600, 1, "Mail", "work/b", "work/b", "desk"),
        ]
    )

    # 1. the CLI: 10:00-11:00 was a meeting
    done = cli(db, "edit", "task", "meeting", "--start", f"{DAY} 10:00", "--end", f"{DAY} 11:00")
    assert done.returncode == 0, done.stderr
    assert "now counts as meeting" in done.stdout
    bad = cli(db, "edit", "task", "meeting", "--start", "noon", "--end", f"{DAY} 11:00")
    assert bad.returncode == 2 and bad.stderr.startswith("deskmeter: error: bad --start")
    assert len(bad.stderr.strip().splitlines()) == 1

    # 2. the signed-in day page's form: 12:30-13:00 was away
    app = create_app(settings(tmp_path, token=SecretStr(TOKEN)), store=store)
    app.config["TESTING"] = True
    web = app.test_client()
    assert web.post("/edits", data={"op": "away"}).status_code == 403  # not signed in
    page = web.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    web.post("/login", data={"csrf_token": csrf.group(1), "token": TOKEN})
    day_page = web.get(f"/day/{DAY}").get_data(as_text=True)
    assert 'id="edit-form"' in day_page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', day_page)
    assert csrf is not None
    form = {"op": "away", "start": f"{DAY} 12:30", "end": f"{DAY} 13:00", "path": ""}
    assert web.post("/edits", data=form).status_code == 403  # no CSRF token
    posted = web.post("/edits", data={**form, "csrf_token": csrf.group(1), "next": f"/day/{DAY}"})
    assert posted.status_code == 302
    day_page = web.get(f"/day/{DAY}").get_data(as_text=True)
    assert 'class="away-gap"' in day_page and "away 30m" in day_page
    assert 'id="day-away" data-seconds="1800.0"' in day_page

    # 3. the API: 17:00-18:00 was work off the computer; then a mistake, undone
    api = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"op": "add", "path": "work/b", "start": f"{DAY} 17:00", "end": f"{DAY} 18:00"}
    assert api.post("/api/v1/edits", json=body).status_code == 401
    made = api.post("/api/v1/edits", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["who"] == "api"
    oops = {"op": "task", "path": "work/b", "start": f"{DAY} 09:00", "end": f"{DAY} 10:00"}
    assert api.post("/api/v1/edits", json=oops, headers=headers).status_code == 201
    undone = api.post("/api/v1/edits/undo", headers=headers)
    assert undone.status_code == 200 and undone.get_json()["undone_by"] == "api"
    wrong = api.post("/api/v1/edits", json={**body, "start": "later"}, headers=headers)
    assert wrong.status_code == 400 and "bad start" in wrong.get_json()["error"]
    log = api.get("/api/v1/edits", headers=headers).get_json()["items"]
    assert [(e["who"], e["op"], e["undone"]) for e in log] == [
        ("api", "task", True),
        ("api", "add", False),
        ("web", "away", False),
        ("cli", "task", False),
    ]
    expected = {"work/a": 2 * 3600, "meeting": 3600, "work/b": 1.5 * 3600 + 3600}
    assert day_totals(api) == expected
    listed = cli(db, "edit", "log")
    assert listed.returncode == 0 and listed.stdout.count("\n") == 4
    assert "undone" in listed.stdout.splitlines()[0]

    # 4. sync to the remote, then the remote's portfolio dashboard
    client = mongomock.MongoClient(tz_aware=True)
    sink = MongoSink("mongodb://remote.test:27018/deskmeter", client=client, host="desk")
    engine = SyncEngine(SQLiteSource(store, poll_seconds=0.01), sink, store, FAST)
    engine.run(until_caught_up=True)
    remote = MongoStore("mongodb://remote.test/deskmeter", client=client, database="deskmeter")
    assert remote.switches() == store.switches()
    assert [e.id for e in remote.edits()] == [e["id"] for e in log]
    # whole task paths on the portfolio (its default since issue 15 is the top level only)
    shown = settings(tmp_path, mode="portfolio").model_copy(
        update={"portfolio": PortfolioSettings(path_depth=0)}
    )
    portfolio = create_app(shown, store=remote).test_client()
    assert day_totals(portfolio) == expected
    assert portfolio.post("/api/v1/edits", json=body, headers=headers).status_code in (404, 405)

    # 5. undo on the workstation reaches the remote too
    assert cli(db, "edit", "undo").returncode == 0
    engine.stop.clear()
    engine.run(until_caught_up=True)
    assert day_totals(portfolio) == {"work/a": 2 * 3600, "meeting": 3600, "work/b": 1.5 * 3600}
    # the edit log went through the change log too: the undo mark is on the remote
    assert [(e.id, e.undone, e.undone_by) for e in remote.edits()] == [
        (e.id, e.undone, e.undone_by) for e in store.edits()
    ]
    assert sum(e.undone for e in remote.edits()) == 2
    store.close()
