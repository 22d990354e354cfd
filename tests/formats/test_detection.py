"""Each format is told by its content (never the file name), ``--format`` overrides, an unknown
file is one clear line, and ``--dry-run`` prints the switches and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmeter.formats import IMPORTS, ImportContext, detect, open_import
from deskmeter.formats.base import Sample
from deskmeter.importing import ImportSourceError
from tests.formats.conftest import Deskmeter

SAMPLES = {
    "timewarrior": '[\n{"id":1,"start":"20260105T090000Z","end":"20260105T100000Z",'
    '"tags":["a"]}\n]',
    "watson": json.dumps([[1767603600, 1767607200, "p", "0" * 32, [], 1767607200]]),
    "activitywatch": json.dumps({"buckets": {}}),
    "toggl": "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
    "End date,End time,Duration,Tags\n",
    "clockify": "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,"
    "Start Time,End Date,End Time,Duration (h),Duration (decimal)\n",
    "json": json.dumps([{"id": "x", "date": "2026-01-05T09:00:00+00:00", "delta": 5}]),
    "csv": "id,date,end,delta,workspace_index,workspace,task_id,task,host,away\n",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_format_is_detected_by_content(name: str) -> None:
    found = detect(Sample(SAMPLES[name]))
    assert found is not None and found.name == name


def test_every_file_format_has_a_detection_sample() -> None:
    assert {f.name for f in IMPORTS.values() if not f.uri} == set(SAMPLES)


def test_format_overrides_detection_and_unknown_content_is_one_line(tmp_path: Path) -> None:
    context = ImportContext(tz=ZoneInfo("UTC"))
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\n")
    with pytest.raises(ImportSourceError, match="cannot tell its format") as refused:
        open_import(str(odd), context)
    assert "\n" not in str(refused.value)
    watson_named_json = tmp_path / "frames.json"
    watson_named_json.write_text(SAMPLES["watson"])
    chosen, _ = open_import(str(watson_named_json), context)
    assert chosen.name == "watson"
    chosen, source = open_import(str(watson_named_json), context, format_name="timewarrior")
    assert chosen.name == "timewarrior"
    assert [dict(r) for r in source.records] == [{}]  # a frame is no interval: a bad row


def test_dry_run_prints_the_switches_and_writes_nothing(
    deskmeter: Deskmeter, tmp_path: Path
) -> None:
    path = tmp_path / "timew.json"
    path.write_text(SAMPLES["timewarrior"])
    result = deskmeter.cli("import", "--dry-run", str(path))
    assert "2026-01-05T09:00:00+00:00" in result.stdout and "timewarrior  a" in result.stdout
    assert "would import 1 switches" in result.stdout
    assert deskmeter.task_seconds() == {}
    assert "1 new" in deskmeter.cli("import", str(path)).stdout
