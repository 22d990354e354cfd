"""Edits in the user's words and zone: what the dashboard's messages and ``edit log`` print.

``describe`` (``operations``) keeps the record's ids and UTC instants for logs; a person
reads ``in_words``: local times, the day once, what happened in plain words.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskmeter.models import as_utc
from deskmeter.store.edit_record import EditRecord


def local_time(when: datetime, tz: ZoneInfo | None) -> str:
    """``Sun 31 Mar 2024 14:30`` (seconds only when not zero) in ``tz`` (UTC when None)."""
    zone = tz if tz is not None else ZoneInfo("UTC")
    local = as_utc(when).astimezone(zone)
    clock = f"{local:%H:%M:%S}" if local.second else f"{local:%H:%M}"
    suffix = "" if tz is not None else " UTC"
    return f"{local:%a} {local.day} {local:%b %Y} {clock}{suffix}"


def local_range(start: datetime, end: datetime, tz: ZoneInfo | None) -> str:
    """``Sun 31 Mar 2024 13:02–13:36``: the day once when both ends share it."""
    zone = tz if tz is not None else ZoneInfo("UTC")
    lo, hi = as_utc(start).astimezone(zone), as_utc(end).astimezone(zone)
    if lo.date() == hi.date():
        clock = f"{hi:%H:%M:%S}" if hi.second else f"{hi:%H:%M}"
        return f"{local_time(start, tz).removesuffix(' UTC')}–{clock}" + (
            "" if tz is not None else " UTC"
        )
    return f"{local_time(start, tz)} – {local_time(end, tz)}"


def _switches(n: int) -> str:
    return f"{n} switch" if n == 1 else f"{n} switches"


def in_words(edit: EditRecord, tz: ZoneInfo | None) -> str:
    """One sentence: ``Sun 31 Mar 2024 13:02–13:36 now counts as work/x (2 switches
    replaced by 3)``; an undone edit says so."""
    span = local_range(edit.start, edit.end, tz)
    if edit.op == "task":
        what = f"{span} now counts as {edit.path}"
    elif edit.op == "away":
        what = f"{span} marked away (kept, not counted)"
    elif edit.op == "add":
        what = f"{span} added as {edit.path} (off the computer)"
    else:
        what = f"{span}: {edit.op}"
    parts = f"{_switches(len(edit.before))} replaced by {len(edit.after)}"
    made = f"by {edit.who} on {local_time(edit.at, tz)}"
    undone = (
        f"; undone on {local_time(edit.undone_at, tz)} by {edit.undone_by}"
        if edit.undone_at is not None
        else ""
    )
    return f"{what} ({parts}; {made}){undone}"
