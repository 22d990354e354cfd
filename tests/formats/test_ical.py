"""The iCalendar export parses with the ``icalendar`` library: one event per stretch of one
task, other tasks and gaps shorter than the merge time absorbed, no event for away or no task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from deskmeter.formats import ExportContext, export_format
from deskmeter.formats.ical import stretches
from deskmeter.models import Switch
from tests.formats.conftest import Deskmeter

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def sw(sid: str, start: float, minutes: float, task: str | None, **kw: object) -> Switch:
    return Switch(sid, at(start), minutes * 60, 0, "ws", None, task, str(kw.get("host", "desk")),
                  bool(kw.get("away", False)))  # fmt: skip


DAY = [
    sw("a", 0, 50, "work/api"),
    sw("b", 50, 3, "mail"),  # short: absorbed into work/api
    sw("c", 53, 40, "work/api"),
    sw("d", 95, 2, None),  # a 2-minute gap, then 2 minutes with no task: absorbed too
    sw("e", 97, 32, "work/api"),
    sw("f", 129, 20, "mail"),  # long enough: its own event
    sw("g", 149, 30, None, away=True),  # away: no event, and it ends the mail stretch
    sw("h", 179, 15, "mail"),
    sw("x", 0, 45, "home/taxes", host="laptop"),  # another host: merged on its own
]


def test_ics_parses_with_one_event_per_stretch_merged_across_short_switches() -> None:
    out = __import__("io").StringIO()
    context = ExportContext(tz=ZoneInfo("UTC"), now=NOW)
    export_format("ical").write(DAY, out, context)
    calendar = Calendar.from_ical(out.getvalue())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: (e["DTSTART"].dt, str(e["SUMMARY"])))
    got = [
        (str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt, float(e["X-DESKMETER-TRACKED-SECONDS"]))
        for e in events
    ]
    assert got == [
        ("home/taxes", at(0), at(45), 45 * 60.0),
        ("work/api", at(0), at(129), (50 + 40 + 32) * 60.0),
        ("mail", at(129), at(149), 20 * 60.0),
        ("mail", at(179), at(194), 15 * 60.0),
    ]
    assert str(events[1]["UID"]) == "a@deskmeter"
    assert events[1]["DTSTAMP"].dt == NOW
    assert "Tracked 2 h 02 min on work/api on desk" in str(events[1]["DESCRIPTION"])


def test_a_merge_time_of_zero_keeps_every_stretch() -> None:
    found = stretches(DAY, timedelta(0))
    assert [(s.task, s.start) for s in found if s.host == "desk"] == [
        ("work/api", at(0)),
        ("mail", at(50)),
        ("work/api", at(53)),
        ("work/api", at(97)),
        ("mail", at(129)),
        ("mail", at(179)),
    ]


def test_cli_ical_export_parses_and_names_its_merge_rule(deskmeter: Deskmeter) -> None:
    store = deskmeter.store()
    store.add_switches(DAY)
    store.close()
    result = deskmeter.cli("export", "--format", "ical", "--merge-minutes", "0")
    calendar = Calendar.from_ical(result.stdout)
    assert len(calendar.walk("VEVENT")) == 7
    assert "--merge-minutes" in deskmeter.cli("export", "--help").stdout
