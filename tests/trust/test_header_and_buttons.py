"""Issue 23, item 13: the header and the buttons say what they do."""

from __future__ import annotations

import re
from pathlib import Path

from deskmeter.edits.pending_record import PendingAway, set_pending
from deskmeter.models import Switch
from deskmeter.store import Store
from tests.trust.world import TODAY_SWITCHES, TOKEN, app_on, local, seed, sign_in, switch

LAPTOP = Switch("l1", local(1, "08:00"), 600, 0, "code", "admin/mail", "admin/mail", "laptop")


def test_the_login_page_has_no_host_picker(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, [*TODAY_SWITCHES, LAPTOP]), tmp_path, token=TOKEN).test_client()
    assert 'id="host-select"' in client.get("/").get_data(as_text=True)
    assert 'id="host-select"' not in client.get("/login").get_data(as_text=True)


def test_the_host_picker_shows_its_choice_on_change(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, [*TODAY_SWITCHES, LAPTOP]), tmp_path).test_client()
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<select id="host-select" name="host" data-autosubmit>', html)
    js = client.get("/static/trust.js").get_data(as_text=True)
    assert "select[data-autosubmit]" in js and "form.submit()" in js


def test_keep_as_away_is_not_an_assign_button(backend: Store, tmp_path: Path) -> None:
    away = switch("aw", local(1, "13:00"), 40, "admin/mail", away=True)
    store = seed(backend, [away])
    set_pending(store, PendingAway("aw", away.date, away.end))
    client = app_on(store, tmp_path, token=TOKEN).test_client()
    sign_in(client)
    html = client.get("/").get_data(as_text=True)
    keep = re.search(r'<button[^>]*id="away-keep"[^>]*>([^<]+)</button>', html)
    assert keep is not None and 'class="keep-away"' in keep.group(0)
    assert "not counted" in keep.group(1)
    assert 'class="ghost away-assign"' in html and "or it was work on:" in html
    assert 'class="inline away-choices"' in html


def test_undo_says_what_it_would_undo(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path, token=TOKEN).test_client()
    csrf = sign_in(client)
    before = client.get("/").get_data(as_text=True)
    assert re.search(r'id="undo-last" disabled', before) and "nothing to undo yet" in before
    day = TODAY_SWITCHES[0].date.date().isoformat()
    client.post(
        "/edits",
        data={"csrf_token": csrf, "op": "away", "start": f"{day} 09:10", "end": f"{day} 09:20"},
    )
    after = client.get("/").get_data(as_text=True)
    preview = re.search(r'id="undo-preview">([^<]+)<', after)
    assert preview is not None and "09:10–09:20 marked away" in preview.group(1)
    assert 'class="link-button" id="undo-last">' in after  # light, unlike Apply
