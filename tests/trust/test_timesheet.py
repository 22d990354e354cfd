"""Issue 23, item 12: a printable timesheet — tasks as rows when they do not fit, zero cells
blank, and what "first start / last end" means with every host."""

from __future__ import annotations

import re
from pathlib import Path

from deskmeter.models import Switch
from deskmeter.store import Store
from tests.trust.world import NOW, app_on, local, seed, switch


def test_many_tasks_become_rows_instead_of_cut_columns(backend: Store, tmp_path: Path) -> None:
    many = [
        switch(f"m{i}", local(1, f"{8 + i // 2:02d}:{30 * (i % 2):02d}"), 30, f"work/t{i:02d}")
        for i in range(13)
    ]
    client = app_on(seed(backend, many), tmp_path).test_client()
    html = client.get(f"/timesheet?start={local(1, '09:00').date()}&end={NOW.date()}").get_data(
        as_text=True
    )
    head = html[html.index('id="timesheet"') : html.index("</thead>")]
    assert "work/t00" not in head  # no column per task: 13 would not fit a page
    rows = re.findall(r'<tr data-day="[\d-]+" data-task="([^"]+)">', html)
    assert sorted(rows) == [f"work/t{i:02d}" for i in range(13)]


def test_few_tasks_stay_columns_with_zero_cells_blank(backend: Store, tmp_path: Path) -> None:
    two = [
        switch("a", local(1, "09:00"), 60, "work/a"),
        switch("b", local(2, "09:00"), 30, "work/b"),
    ]
    client = app_on(seed(backend, two), tmp_path).test_client()
    html = client.get(f"/timesheet?start={local(2, '09:00').date()}&end={NOW.date()}").get_data(
        as_text=True
    )
    row = re.search(rf'<tr data-day="{local(1, "09:00").date()}">(.*?)</tr>', html, re.S)
    assert row is not None
    assert '<td class="num"></td>' in row.group(1)  # work/b on that day: blank, not 0.00
    assert "0.00" not in row.group(1)


def test_all_hosts_say_what_start_and_end_mean(backend: Store, tmp_path: Path) -> None:
    laptop = Switch("l", local(1, "20:00"), 1800, 0, "code", "work/a", "work/a", "laptop")
    client = app_on(
        seed(backend, [switch("d", local(1, "09:00"), 60, "work/a"), laptop]), tmp_path
    ).test_client()
    html = client.get(f"/timesheet?start={local(1, '09:00').date()}&end={NOW.date()}").get_data(
        as_text=True
    )
    assert 'id="timesheet-hosts"' in html and "First start" in html and "Last end" in html
    one = client.get(
        f"/timesheet?start={local(1, '09:00').date()}&end={NOW.date()}&host=laptop"
    ).get_data(as_text=True)
    assert 'id="timesheet-hosts"' not in one and ">Start<" in one
