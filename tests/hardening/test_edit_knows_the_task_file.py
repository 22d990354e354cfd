"""Issue 22, item 12: edits know the tasks of the task file without a running tracker.

With ``work/b`` in ``tasks.txt`` (``deskmeter task set work/b``) and no tracker to copy the
file into the store, ``edit task work/b`` said "unknown task". The edit now reads the task
file when the store does not know the path (and stores its tasks as the tracker would).
Both backends (MongoDB on mongomock), through the operation and the API.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit
from tests.hardening.support import app_on, open_store
from tests.web.conftest import NOW, TOKEN, seed, utc

RANGE = (utc(2024, 3, 31, 7, 0), utc(2024, 3, 31, 7, 30))


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_edit_knows_a_task_only_the_task_file_lists(kind: str, tmp_path: Path) -> None:
    store = seed(open_store(kind, tmp_path))
    task_file = tmp_path / "tasks.txt"
    task_file.write_text("* work/b\n", encoding="utf-8")
    edit = make_edit(
        store, "task", *RANGE, "work/b", who="test", now=NOW, host="test", task_file=task_file
    )
    assert {s.task for s in edit.after if RANGE[0] <= s.date < RANGE[1]} == {"work/b"}
    assert "work/b" in {t.path for t in store.tasks(host="test")}
    with pytest.raises(EditError, match="unknown task"):
        make_edit(
            store, "task", *RANGE, "work/c", who="test", now=NOW, host="test", task_file=task_file
        )


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_the_api_edit_knows_the_task_file(kind: str, tmp_path: Path) -> None:
    store = seed(open_store(kind, tmp_path))
    (tmp_path / "tasks.txt").write_text("* work/b\n", encoding="utf-8")
    app = app_on(store, tmp_path, token=TOKEN)
    body = {
        "op": "task",
        "path": "work/b",
        "start": RANGE[0].isoformat(),
        "end": RANGE[1].isoformat(),
    }
    response = app.test_client().post(
        "/api/v1/edits", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
