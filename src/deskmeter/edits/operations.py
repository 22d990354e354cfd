"""The edit operation: the one step under the CLI, the dashboard, the API and the panel.

``plan_edit`` works out what an edit replaces; ``apply_edit`` writes it (the old switches and
the edit record in one step); ``undo_last`` takes the newest edit back. Definitions:

* ``task PATH``: tracked time in ``[start, end)`` belongs to PATH (and is not away); switches
  that cross an edge are split there. Gaps stay gaps.
* ``away``: tracked time in the range was away (kept, never counted).
* ``add PATH``: the whole range was work on PATH off the computer: it wins over whatever was
  tracked there (that is cut out) and fills the gaps.
* The open interval (the tracker's ``state``) is not history yet: a range is clipped at its
  start, and at now. A range that lies wholly in it (or in the future) is an error.
* ``task``/``away`` over a range with nothing tracked is an error (``add`` makes time).
* Ranges are instants (UTC), so midnight and daylight-saving changes need nothing special;
  totals cut the result into local days as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import bson
from bson import ObjectId

from deskmeter import limits
from deskmeter.edits.errors import EditError, NothingToDoError
from deskmeter.edits.wording import local_time
from deskmeter.models import Switch, as_utc
from deskmeter.store import Store
from deskmeter.store.base import EditBusyError, EditConflictError
from deskmeter.store.edit_record import (
    MAX_EDIT_BYTES,
    MAX_EDIT_SWITCHES,
    OPERATIONS,
    EditRecord,
    edit_to_doc,
)
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import TaskFileError, load_task_file, validate_path

#: The workspace name of time added off the computer (``edit add``).
OFF_COMPUTER = "off the computer"


def _new_id() -> str:
    return str(ObjectId())


def _fmt(when: datetime) -> str:
    return as_utc(when).isoformat(timespec="seconds")


def _piece(switch: Switch, lo: datetime, hi: datetime, **changes: object) -> Switch:
    return replace(
        switch,
        id=_new_id(),
        date=lo,
        delta=round((hi - lo).total_seconds(), 3),
        **changes,  # type: ignore[arg-type]
    )


def _task_id(
    store: Store,
    path: str,
    host: str = "",
    task_file: Path | None = None,
    now: datetime | None = None,
) -> str:
    """The id of the task at ``path``: in ``host``'s task file first, else any host's.

    A path the store does not know yet but ``task_file`` lists (``deskmeter task set`` with
    no tracker running to copy the file into the store) is known: the file is put into the
    store the way the tracker does it, and its id is used.
    """
    try:
        validate_path(path)
    except ValueError as exc:
        raise EditError(f"bad task path {path!r}: {exc}") from None
    tasks = store.tasks(include_inactive=True)
    for task in sorted(tasks, key=lambda t: t.host != host):
        if task.path == path:
            return task.id
    if task_file is not None and now is not None:
        try:
            parsed = load_task_file(task_file)
        except TaskFileError as exc:
            raise EditError(
                f"unknown task {path!r}, and the task file is unreadable: {exc}"
            ) from None
        line = parsed.by_path(path) if parsed is not None else None
        if line is not None and parsed is not None:
            TaskRegistry(store, task_file, host=host).apply(parsed, now)
            return line.id
    raise EditError(
        f"unknown task {path!r}: add it to the task file (or `deskmeter task set {path}`) first"
    )


def plan_edit(
    store: Store,
    op: str,
    start: datetime,
    end: datetime,
    path: str | None = None,
    *,
    who: str,
    now: datetime,
    host: str = "",
    task_file: Path | None = None,
    tz: ZoneInfo | None = None,
) -> EditRecord:
    """The edit record for ``op`` over ``[start, end)``; raises ``EditError``, writes nothing
    (but the tasks of ``task_file``, when it names a task the store does not know yet).

    ``tz``: the zone the error messages name times in (the user's; UTC when None).
    """

    def shown(when: datetime) -> str:
        return local_time(when, tz)

    if op not in OPERATIONS:
        raise EditError(f"unknown edit {op!r} (task, away, add)")
    start, end, now = as_utc(start), as_utc(end), as_utc(now)
    for name, when in (("start", start), ("end", end)):
        if not limits.FIRST_INSTANT <= when <= limits.LAST_INSTANT:
            raise EditError(
                f"the {name} {_fmt(when)} is outside the years Deskmeter keeps "
                f"({limits.FIRST_INSTANT.year}–{limits.LAST_INSTANT.year - 1})"
            )
    if end <= start:
        zone = tz if tz is not None else ZoneInfo("UTC")
        same_day = start.astimezone(zone).date() == end.astimezone(zone).date()
        hint = (
            "; for a stretch across midnight give the end's day: 'YYYY-MM-DD HH:MM'"
            if same_day
            else ""
        )
        raise EditError(f"the end ({shown(end)}) is not after the start ({shown(start)}){hint}")
    task_id = None
    if op in ("task", "add"):
        if not path:
            raise EditError(f"`edit {op}` needs a task path")
        task_id = _task_id(store, path, host, task_file, now)
    elif path:
        raise EditError("`edit away` takes no task path")
    limit = now
    # A host corrects its own history only (its sync owns those switches and this record).
    mine = host or None
    state = store.get_state(mine)
    if state is not None:
        limit = min(limit, state.since)
    if start >= limit:
        raise EditError(
            f"nothing to edit from {shown(start)}: that is the open interval (since "
            f"{shown(limit)}) or the future; switch the task with `deskmeter task set`"
        )
    end = min(end, limit)
    _check_size_before_reading(store, start, end, mine)
    touched = store.switches_overlapping(start, end, host=mine)
    if op != "add" and not touched:
        raise EditError(
            f"nothing was tracked between {shown(start)} and {shown(end)}; to add time off "
            "the computer use `edit add`"
        )
    after: list[Switch] = []
    for switch in touched:
        if switch.date < start:
            after.append(_piece(switch, switch.date, start))
        lo, hi = max(switch.date, start), min(switch.end, end)
        if op == "task" and hi > lo:
            after.append(_piece(switch, lo, hi, task=path, task_id=task_id, away=False))
        elif op == "away" and hi > lo:
            after.append(_piece(switch, lo, hi, away=True))
        if switch.end > end:
            after.append(_piece(switch, end, switch.end))
    if op == "add":  # pieces of at most 7 days (a switch's longest: deskmeter.limits)
        lo = start
        while lo < end:
            hi = min(end, lo + limits.MAX_LOOKBACK)
            after.append(
                Switch(
                    id=_new_id(),
                    date=lo,
                    delta=round((hi - lo).total_seconds(), 3),
                    workspace_index=-1,
                    workspace=OFF_COMPUTER,
                    task_id=task_id,
                    task=path,
                    host=host,
                    away=False,
                )
            )
            lo = hi
    after.sort(key=lambda s: (s.date, s.id))
    return _bounded(
        EditRecord(
            id=_new_id(),
            at=now,
            who=who,
            op=op,
            start=start,
            end=end,
            path=path,
            before=tuple(touched),
            after=tuple(s for s in after if s.delta > 0),
            host=host,
        )
    )


def _too_big(what: str) -> EditError:
    return EditError(
        f"this edit is too large: {what}; an edit replaces at most {MAX_EDIT_SWITCHES:,} "
        f"switches in a record of at most {MAX_EDIT_BYTES / 2**20:.1f} MiB (a synced document "
        "must stay under MongoDB's 16 MiB); edit a shorter range, e.g. a month at a time"
    )


def _check_size_before_reading(
    store: Store, start: datetime, end: datetime, host: str | None
) -> None:
    """Refuse an edit of too many switches before reading them (a cheap count)."""
    lookback = timedelta(seconds=store.longest_switch())
    count = store.count_switches(start - lookback, end, host=host)
    if count > MAX_EDIT_SWITCHES:
        raise _too_big(f"{count:,} switches in the range")


def _bounded(edit: EditRecord) -> EditRecord:
    """``edit`` if its record (and its undo, a few bytes more) fits ``MAX_EDIT_BYTES``."""
    size = len(bson.encode(edit_to_doc(edit)))
    if size > MAX_EDIT_BYTES:
        raise _too_big(f"its record would be {size / 2**20:.1f} MiB")
    return edit


#: How often an edit is planned again when its plan went stale (only a writer that bypasses
#: ``Store.editing`` can make it so).
ATTEMPTS = 3

T = TypeVar("T")


def apply_edit(store: Store, edit: EditRecord) -> EditRecord:
    """Write ``edit`` once the switches it replaces are re-checked: all still there (inside
    ``Store.editing`` they are; a writer that bypasses it makes this an ``EditConflictError``
    and the edit is planned again)."""
    _replace(store, [s.id for s in edit.before], list(edit.after), edit)
    return edit


def _replace(store: Store, remove: list[str], add: list[Switch], edit: EditRecord) -> None:
    wanted = list(dict.fromkeys(remove))
    if store.count_existing_switches(wanted) != len(wanted):
        raise EditConflictError(
            "a switch this edit replaces is gone (changed since it was planned)"
        )
    store.apply_edit(wanted, add, edit)


def atomically(store: Store, host: str, step: Callable[[], T]) -> T:
    """Run ``step`` (read, plan, write) inside ``store.editing(host)``, again when its plan
    went stale; every failure is one ``EditError`` line, nothing changed."""
    for attempt in range(ATTEMPTS):
        try:
            with store.editing(host):
                return step()
        except EditConflictError as exc:
            if attempt == ATTEMPTS - 1:
                raise EditError(f"{exc}; nothing was changed, try again") from None
        except EditBusyError as exc:
            raise EditError(str(exc)) from None
    raise AssertionError("unreachable")


def make_edit(
    store: Store,
    op: str,
    start: datetime,
    end: datetime,
    path: str | None = None,
    *,
    who: str,
    now: datetime,
    host: str = "",
    task_file: Path | None = None,
    tz: ZoneInfo | None = None,
) -> EditRecord:
    """Plan and apply one edit in one step (``Store.editing``): the record says what it
    replaced, and what it replaced is what the store held when it was written."""
    return atomically(
        store,
        host,
        lambda: apply_edit(
            store,
            plan_edit(
                store,
                op,
                start,
                end,
                path,
                who=who,
                now=now,
                host=host,
                task_file=task_file,
                tz=tz,
            ),
        ),
    )


def undo_last(store: Store, *, who: str, now: datetime, host: str = "") -> EditRecord:
    """Take the newest edit (of ``host``, when given) that is not undone back: its switches
    return exactly. Only that edit is read (``Store.last_undoable_edit``), inside the same
    step as the writes."""

    def step() -> EditRecord:
        edit = store.last_undoable_edit(host)
        if edit is None:
            raise NothingToDoError("no edit to undo")
        undone = edit.undo_by(who, now)
        _replace(store, [s.id for s in edit.after], list(edit.before), undone)
        return undone

    return atomically(store, host, step)


def describe(edit: EditRecord) -> str:
    """One line for the CLI and the dashboard's messages."""
    what = {"task": f"→ {edit.path}", "away": "→ away", "add": f"+ {edit.path} (off the computer)"}
    state = f", undone {_fmt(edit.undone_at)} by {edit.undone_by}" if edit.undone_at else ""
    return (
        f"{edit.id}  {_fmt(edit.at)}  {edit.who:<5} {edit.op:<4} {_fmt(edit.start)} – "
        f"{_fmt(edit.end)} {what.get(edit.op, '')}  ({len(edit.before)} switches → "
        f"{len(edit.after)}){state}"
    )
