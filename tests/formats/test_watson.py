"""Watson, for real: ``watson add`` writes the frames file; its import has ``watson report``'s
totals, per project too, and importing it twice adds nothing."""

from __future__ import annotations

import json

from tests.formats.conftest import Deskmeter, Watson


def report(watson: Watson) -> dict[str, float]:
    data = json.loads(watson("report", "--json", "-f", "2026-01-01", "-t", "2026-01-31"))
    totals = {p["name"]: float(p["time"]) for p in data["projects"]}
    totals["(all)"] = float(data["time"])
    return totals


def test_watson_frames_import_with_watson_report_totals(
    watson: Watson, deskmeter: Deskmeter
) -> None:
    watson("add", "-f", "2026-01-05 09:00:00", "-t", "2026-01-05 10:30:00", "deskmeter", "+sync")
    watson("add", "-f", "2026-01-05 11:00:00", "-t", "2026-01-05 11:20:15", "mail")
    watson("add", "-f", "2026-01-06 14:00:00", "-t", "2026-01-06 16:10:07", "deskmeter", "+docs")
    frames = watson.dir / "frames"
    assert len(json.loads(frames.read_text())) == 3

    result = deskmeter.cli("import", str(frames))
    assert "(Watson)" in result.stdout and "3 new" in result.stdout

    theirs = report(watson)
    mine = deskmeter.task_seconds()
    assert mine == {"deskmeter": theirs["deskmeter"], "mail": theirs["mail"]}
    assert deskmeter.report_total() == theirs["(all)"] == 5400 + 1215 + 7807

    again = deskmeter.cli("import", str(frames))
    assert "0 new, 3 already there" in again.stdout
    assert deskmeter.report_total() == theirs["(all)"]


def test_watson_project_and_tag_map_to_a_task_file_path(
    watson: Watson, deskmeter: Deskmeter
) -> None:
    """``project/tag`` wins when the task file has that path (and the switch gets its id)."""
    deskmeter.env["DESKMETER_TASK_FILE"] = str(watson.dir / "tasks.txt")
    (watson.dir / "tasks.txt").write_text("deskmeter/sync\n")
    watson(
        "add", "-f", "2026-01-05 09:00:00", "-t", "2026-01-05 10:00:00", "deskmeter", "+x", "+sync"
    )
    watson("add", "-f", "2026-01-05 10:00:00", "-t", "2026-01-05 10:30:00", "deskmeter", "+other")
    deskmeter.cli("import", str(watson.dir / "frames"))
    store = deskmeter.store()
    try:
        found = {(s.task, s.task_id is not None) for s in store.switches()}
    finally:
        store.close()
    assert found == {("deskmeter/sync", True), ("deskmeter", False)}


def test_a_broken_watson_frame_is_skipped_and_reported(
    watson: Watson, deskmeter: Deskmeter
) -> None:
    watson("add", "-f", "2026-01-05 09:00:00", "-t", "2026-01-05 10:00:00", "deskmeter")
    frames = json.loads((watson.dir / "frames").read_text())
    frames.append([1767610800, 1767600000, "backwards", "f" * 32, [], 1767610800])
    (watson.dir / "frames").write_text(json.dumps(frames))
    result = deskmeter.cli("import", str(watson.dir / "frames"))
    assert "1 new" in result.stdout and "1 skipped" in result.stdout
    assert "stops before it starts" in result.stderr
