"""iCalendar (``.ics``): one event per stretch of one task, for a calendar app.

The rule (``--merge-minutes``, default 5): switches of one task in a row, with gaps of at
most the merge time, make one stretch; an interruption (other tasks, no task, away, a gap)
of at most the merge time in all, between two stretches of the same task, is absorbed and the
two become one. The event runs
from the stretch's first start to its last end; its description says the time actually
tracked on the task inside it. Time with no task and away time make no event. Each host's
switches are merged on their own. UID: the first switch's id, so a re-export updates the
same events in a calendar that subscribes to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from icalendar import Calendar, Event

from deskmeter import __version__
from deskmeter.formats.base import ExportContext, ExportFormat
from deskmeter.models import NO_TASK, Switch, area_of


@dataclass
class Stretch:
    task: str | None
    start: datetime
    end: datetime
    host: str
    first_id: str
    tracked: float
    workspaces: list[str] = field(default_factory=list)

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def _task(switch: Switch) -> str | None:
    if switch.away or not switch.task or switch.task == NO_TASK:
        return None
    return switch.task


def stretches(switches: Sequence[Switch], gap: timedelta) -> list[Stretch]:
    """The events' stretches by the rule in the module docstring."""
    out: list[Stretch] = []
    for host in sorted({s.host for s in switches}):
        runs: list[Stretch] = []
        for switch in sorted((s for s in switches if s.host == host), key=lambda s: (s.date, s.id)):
            task = _task(switch)
            last = runs[-1] if runs else None
            if last is not None and last.task == task and switch.date - last.end <= gap:
                last.end = max(last.end, switch.end)
                last.tracked += switch.delta
                if switch.workspace_label not in last.workspaces:
                    last.workspaces.append(switch.workspace_label)
                continue
            runs.append(
                Stretch(
                    task,
                    switch.date,
                    switch.end,
                    host,
                    switch.id,
                    switch.delta,
                    [switch.workspace_label],
                )
            )
        changed = True
        while changed:
            changed = False
            for i in range(1, len(runs) - 1):
                before, middle, after = runs[i - 1], runs[i], runs[i + 1]
                if (
                    before.task is not None
                    and before.task == after.task
                    and middle.task != before.task
                    and after.start - before.end <= gap
                ):
                    before.end = max(before.end, after.end)
                    before.tracked += after.tracked
                    before.workspaces += [w for w in after.workspaces if w not in before.workspaces]
                    del runs[i : i + 2]
                    changed = True
                    break
        out.extend(r for r in runs if r.task is not None)
    return sorted(out, key=lambda r: (r.start, r.host))


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def write(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    calendar = Calendar()
    calendar.add("prodid", f"-//Deskmeter//Deskmeter {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Deskmeter")
    for stretch in stretches(switches, context.merge_gap):
        assert stretch.task is not None
        event = Event()
        event.add("uid", f"{stretch.first_id}@deskmeter")
        event.add("dtstamp", context.now)
        event.add("dtstart", stretch.start)
        event.add("dtend", stretch.end)
        event.add("summary", stretch.task)
        event.add("categories", [area_of(stretch.task)])
        where = f" on {stretch.host}" if stretch.host else ""
        event.add(
            "description",
            f"Tracked {_duration(stretch.tracked)} on {stretch.task}{where} "
            f"(workspaces: {', '.join(stretch.workspaces)}).",
        )
        event.add("x-deskmeter-tracked-seconds", str(round(stretch.tracked, 3)))
        calendar.add_component(event)
    out.write(calendar.to_ical().decode("utf-8"))


EXPORT = ExportFormat(
    name="ical",
    title="iCalendar",
    summary="An .ics calendar: one event per stretch of one task, short switches merged.",
    media_type="text/calendar",
    extension="ics",
    write=write,
)
