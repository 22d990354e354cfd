"""Issue 23, item 20: importing the original Deskmeter's data maps workspaces to tasks."""

from __future__ import annotations

import json
from pathlib import Path

from deskmeter.store.sqlite import SQLiteStore
from tests.trust.test_cli_numbers import config, run
from tests.trust.world import local


def original_export(path: Path) -> Path:
    """mongoexport lines of the original Deskmeter's ``switch`` collection (no task field)."""
    docs = [
        {
            "_id": {"$oid": f"65f0000000000000000000{n:02d}"},
            "workspace": ws,
            "delta": 1800,
            "date": {"$date": local(1, f"{9 + n}:00").isoformat().replace("+00:00", "Z")},
        }
        for n, ws in enumerate(("code", "mail", "code", "browser"))
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return path


def test_map_gives_workspaces_their_tasks(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "i.db"
    cfg = config(tmp_path, db)
    source = original_export(tmp_path / "switch.json")
    done = run(
        cfg, "import", str(source), "--map", "code=work/deskmeter", "--map", "mail=admin/mail"
    )
    assert done.exit_code == 0, done.output
    with SQLiteStore(db) as store:
        tasks = {s.id[-2:]: s.task for s in store.switches()}
    assert tasks == {"00": "work/deskmeter", "01": "admin/mail", "02": "work/deskmeter", "03": None}
    again = run(
        cfg, "import", str(source), "--map", "code=work/deskmeter", "--map", "mail=admin/mail"
    )
    assert "0 new" in again.output  # idempotent with the same mapping


def test_a_bad_mapping_is_one_clear_line(tmp_path: Path, xdg: Path) -> None:
    cfg = config(tmp_path, tmp_path / "i.db")
    source = original_export(tmp_path / "switch.json")
    bad = run(cfg, "import", str(source), "--map", "code")
    assert bad.exit_code == 2 and "expected WORKSPACE=TASK" in bad.output
    assert not (tmp_path / "i.db").exists()  # nothing written
