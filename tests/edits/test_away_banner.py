"""The dashboard's away banner: one click keeps the stretch as away or gives it to a task."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from deskmeter.config import Settings, WebSettings
from deskmeter.edits.pending_record import PendingAway, get_pending, set_pending
from deskmeter.models import Switch, Task
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

TOKEN = "banner-token-0123456789"
START = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def test_the_banner_offers_keep_or_assign_and_one_click_decides(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    store.upsert_tasks([Task("work/a", "work/a"), Task("meeting", "meeting")])
    away = Switch("a1", START, 2520, 0, "Code", "work/a", "work/a", "desk", away=True)
    store.add_switches([Switch("w1", START - timedelta(hours=1), 3600, 0, "Code", "work/a",
                               "work/a", "desk"), away])  # fmt: skip
    set_pending(store, PendingAway("a1", away.date, away.end))
    settings = Settings(
        store=str(tmp_path / "b.db"),
        timezone="UTC",
        task_file=tmp_path / "tasks.txt",
        host="desk",  # the host whose away stretch it is (a host edits only its own)
        web=WebSettings(token=SecretStr(TOKEN)),
    )
    client = create_app(settings, store=store).test_client()
    page = client.get("/day/2026-05-04").get_data(as_text=True)
    assert 'id="away-banner"' not in page  # not signed in: no banner, nothing to click
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf is not None
    client.post("/login", data={"csrf_token": csrf.group(1), "token": TOKEN})
    page = client.get("/day/2026-05-04").get_data(as_text=True)
    assert 'id="away-banner"' in page and "Away 42m" in page
    assert 'value="meeting"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    assert client.post("/away", data={"path": "meeting"}).status_code == 403  # no CSRF token
    done = client.post("/away", data={"path": "meeting", "csrf_token": csrf.group(1)})
    assert done.status_code == 302
    assert get_pending(store) is None
    assert [(s.task, s.delta, s.away) for s in store.switches()] == [
        ("work/a", 3600, False),
        ("meeting", 2520, False),
    ]
    assert store.edits()[0].who == "web"
    page = client.get("/day/2026-05-04").get_data(as_text=True)
    assert 'id="away-banner"' not in page
    store.close()
