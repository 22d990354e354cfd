"""Toggl Track and Clockify: CSVs with the columns their detailed reports document, read in the
configured zone; their totals are the sum of the files' own Duration column; our CSV exports
re-import to the same totals."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deskmeter.models import Switch
from tests.formats.conftest import Deskmeter

#: Toggl Track's detailed report CSV, as documented (Amount's currency in brackets).
TOGGL_HEADER = [
    "User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date",
    "Start time", "End date", "End time", "Duration", "Tags", "Amount (USD)",
]  # fmt: skip
#: Clockify's detailed report CSV, as documented.
CLOCKIFY_HEADER = [
    "Project", "Client", "Description", "Task", "User", "Group", "Email", "Tags", "Billable",
    "Start Date", "Start Time", "End Date", "End Time", "Duration (h)", "Duration (decimal)",
    "Billable Rate (USD)", "Billable Amount (USD)",
]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})
    return path


def duration_seconds(text: str) -> int:
    hours, minutes, seconds = (int(x) for x in text.split(":"))
    return hours * 3600 + minutes * 60 + seconds


TOGGL_ROWS = [
    {"User": "Ana", "Email": "ana@example.org", "Client": "Acme", "Project": "Website",
     "Task": "Design", "Description": "hero", "Billable": "Yes", "Start date": "2026-03-02",
     "Start time": "09:00:00", "End date": "2026-03-02", "End time": "10:30:00",
     "Duration": "01:30:00", "Tags": "ux, web", "Amount (USD)": "90.00"},
    {"User": "Ana", "Email": "ana@example.org", "Client": "", "Project": "Admin", "Task": "",
     "Description": "mail", "Billable": "No", "Start date": "2026-03-02",
     "Start time": "23:30:00", "End date": "2026-03-03", "End time": "00:15:10",
     "Duration": "00:45:10", "Tags": "", "Amount (USD)": ""},
    # across the spring DST change in Madrid (02:00 → 03:00): the Duration column is the truth
    {"User": "Ana", "Email": "ana@example.org", "Client": "Acme", "Project": "Ops", "Task": "",
     "Description": "night", "Billable": "No", "Start date": "2026-03-29",
     "Start time": "01:30:00", "End date": "2026-03-29", "End time": "03:30:00",
     "Duration": "01:00:00", "Tags": "", "Amount (USD)": ""},
]  # fmt: skip


def test_toggl_detailed_report_imports_in_the_configured_zone_with_its_totals(
    deskmeter: Deskmeter, tmp_path: Path
) -> None:
    deskmeter.env["DESKMETER_TIMEZONE"] = "Europe/Madrid"
    path = write_csv(tmp_path / "toggl.csv", TOGGL_HEADER, TOGGL_ROWS)
    result = deskmeter.cli("import", str(path))
    assert "(Toggl Track)" in result.stdout and "3 new" in result.stdout
    assert deskmeter.task_seconds() == {
        "Acme/Website/Design": 5400.0,
        "Admin": 2710.0,
        "Acme/Ops": 3600.0,
    }
    assert deskmeter.report_total() == sum(duration_seconds(r["Duration"]) for r in TOGGL_ROWS)
    store = deskmeter.store()
    try:
        first = store.switches()[0]
    finally:
        store.close()
    assert first.date == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Madrid (UTC+1)
    assert "0 new, 3 already there" in deskmeter.cli("import", str(path)).stdout


def test_clockify_detailed_report_imports_with_its_totals(
    deskmeter: Deskmeter, tmp_path: Path
) -> None:
    rows = [
        {"Project": "Website", "Client": "Acme", "Description": "hero", "Task": "Design",
         "User": "Ana", "Email": "ana@example.org", "Billable": "Yes",
         "Start Date": "03/02/2026", "Start Time": "09:00:00 AM", "End Date": "03/02/2026",
         "End Time": "10:30:00 AM", "Duration (h)": "01:30:00", "Duration (decimal)": "1.50"},
        {"Project": "Admin", "Client": "", "Description": "mail", "Task": "", "User": "Ana",
         "Email": "ana@example.org", "Billable": "No", "Start Date": "03/02/2026",
         "Start Time": "01:05 PM", "End Date": "03/02/2026", "End Time": "01:50 PM",
         "Duration (h)": "00:45:00", "Duration (decimal)": "0.75"},
        {"Project": "Admin", "Start Date": "31/02/2026", "Start Time": "01:05 PM",
         "Duration (h)": "00:10:00"},
    ]  # fmt: skip
    path = write_csv(tmp_path / "clockify.csv", CLOCKIFY_HEADER, rows)
    result = deskmeter.cli("import", str(path))
    assert "(Clockify)" in result.stdout and "2 new" in result.stdout
    assert "1 skipped" in result.stdout and "31/02/2026" in result.stderr
    assert deskmeter.task_seconds() == {"Acme/Website/Design": 5400.0, "Admin": 2700.0}
    assert deskmeter.report_total() == sum(duration_seconds(r["Duration (h)"]) for r in rows[:2])


def seed(deskmeter: Deskmeter) -> None:
    day = datetime(2026, 3, 2, tzinfo=UTC)
    store = deskmeter.store()
    store.add_switches(
        [
            Switch("s1", day + timedelta(hours=8), 5400, 0, "code", "t", "Acme/Website/Design/x"),
            Switch("s2", day + timedelta(hours=10), 610, 1, "mail", None, "Admin"),
            Switch("s3", day + timedelta(hours=11), 300, 1, "mail", None, None),
            Switch("s4", day + timedelta(hours=23, minutes=50), 1800, 0, "code", None, "a/b"),
            Switch("s5", day + timedelta(hours=12), 999, 0, "code", None, "a/b", away=True),
        ]
    )
    store.close()


def test_toggl_export_has_toggls_import_columns_and_reimports_to_the_same_totals(
    deskmeter: Deskmeter, tmp_path: Path
) -> None:
    seed(deskmeter)
    deskmeter.env["DESKMETER_TIMEZONE"] = "Europe/Madrid"
    out = tmp_path / "out.csv"
    deskmeter.cli("export", "--format", "toggl", "--email", "ana@example.org", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    allowed = {"User", "Email", "Client", "Project", "Task", "Description", "Billable",
               "Start date", "Start time", "Duration", "Tags"}  # fmt: skip
    assert set(rows[0]) <= allowed
    assert rows[0]["Start time"] == "09:00:00" and rows[0]["Email"] == "ana@example.org"
    assert (rows[0]["Client"], rows[0]["Project"], rows[0]["Task"]) == (
        "Acme",
        "Website",
        "Design/x",
    )
    again = Deskmeter(tmp_path / "again.db", deskmeter.env)
    again.cli("import", str(out))
    assert again.task_seconds() == {
        "Acme/Website/Design/x": 5400.0,
        "Admin": 610.0,
        None: 300.0,
        "a/b": 1800.0,
    }


def test_clockify_export_reimports_to_the_same_totals(deskmeter: Deskmeter, tmp_path: Path) -> None:
    seed(deskmeter)
    out = tmp_path / "out.csv"
    deskmeter.cli("export", "--format", "clockify", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0])[:15] == CLOCKIFY_HEADER[:15]
    assert rows[-1]["Start Date"] == "03/02/2026" and rows[-1]["End Date"] == "03/03/2026"
    again = Deskmeter(tmp_path / "again.db", deskmeter.env)
    result = again.cli("import", str(out))
    assert "(Clockify)" in result.stdout
    assert again.task_seconds() == {
        "Acme/Website/Design/x": 5400.0,
        "Admin": 610.0,
        None: 300.0,
        "a/b": 1800.0,
    }
