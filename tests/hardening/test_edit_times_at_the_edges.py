"""Issue 22, item 8: edit times at the edges are a 400 / one line and exit 2, never a crash.

``0001-01-01T00:00+14:00`` overflowed in ``parse_time``, a range at 9999-12-31 or starting
in 1969 hit the store's limits (a 500), and an ``add`` of two months was one switch longer
than the 7 days a switch may hold (``LimitError``). Now the first three are refused with one
line, and a long ``add`` is stored as pieces of at most 7 days. Both backends (MongoDB on
mongomock); the app's clock is fixed.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import OFF_COMPUTER
from deskmeter.edits.times import parse_time
from deskmeter.limits import MAX_DELTA
from tests.hardening.support import app_on, open_store
from tests.web.conftest import NOW, TOKEN, seed, utc

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: (op, start, end): the issue's cases.
EDGES = {
    "year 1 at +14:00": ("away", "0001-01-01T00:00+14:00", "2024-01-01T00:00Z"),
    "year 9999 at -12:00": ("away", "9999-12-31T20:00-12:00", "9999-12-31T23:30-12:00"),
    "add from 1969": ("add", "1969-12-31T23:00Z", "1970-01-01T01:00Z"),
}


def _body(case: tuple[str, str, str]) -> dict[str, str]:
    op, start, end = case
    body = {"op": op, "start": start, "end": end}
    return {**body, "path": "learning/books"} if op == "add" else body


@pytest.mark.parametrize("text", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00"])
def test_parse_time_says_out_of_range_instead_of_overflowing(text: str) -> None:
    with pytest.raises(EditError, match="outside the years"):
        parse_time(text, ZoneInfo("Pacific/Kiritimati"), NOW.date())


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@pytest.mark.parametrize("case", EDGES.values(), ids=EDGES.keys())
def test_the_api_answers_400_for_times_at_the_edges(
    kind: str, case: tuple[str, str, str], tmp_path: Path
) -> None:
    app = app_on(seed(open_store(kind, tmp_path)), tmp_path, token=TOKEN)
    response = app.test_client().post("/api/v1/edits", json=_body(case), headers=AUTH)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "\n" not in response.get_json()["error"]


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_add_of_two_months_is_stored_as_pieces_of_at_most_seven_days(
    kind: str, tmp_path: Path
) -> None:
    store = seed(open_store(kind, tmp_path))
    app = app_on(store, tmp_path, token=TOKEN)
    start, end = utc(2024, 1, 1), utc(2024, 3, 1)
    body = {
        "op": "add",
        "path": "learning/books",
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    response = app.test_client().post("/api/v1/edits", json=body, headers=AUTH)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    added = [s for s in store.switches(start, end) if s.workspace == OFF_COMPUTER]
    assert len(added) == 9  # 60 days = 8 x 7 days + 4 days
    assert all(s.delta <= MAX_DELTA for s in added)
    assert sum(s.delta for s in added) == (end - start).total_seconds()
    assert all(a.end == b.date for a, b in itertools.pairwise(added))
    assert [s for s in store.switches(start, end) if s.workspace != OFF_COMPUTER] == []


@pytest.mark.parametrize("case", EDGES.values(), ids=EDGES.keys())
def test_the_cli_says_one_line_and_exits_2(case: tuple[str, str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETER_")}
    env.update(
        DESKMETER_STORE=str(tmp_path / "s.db"),
        DESKMETER_TIMEZONE="Europe/Madrid",
        DESKMETER_HOST="desk",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    (tmp_path / "tasks.txt").write_text("learning/books\n", encoding="utf-8")
    env["DESKMETER_TASK_FILE"] = str(tmp_path / "tasks.txt")
    op, start, end = case
    path = ["learning/books"] if op == "add" else []
    done = subprocess.run(
        [sys.executable, "-m", "deskmeter", "edit", op, *path, "--start", start, "--end", end],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
