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

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bson import ObjectId

from deskmeter.edits.errors import EditError
from deskmeter.edits.record import OPERATIONS, EditRecord
from deskmeter.edits.wording import local_time
from deskmeter.models import Switch, as_utc
from deskmeter.store import Store
from deskmeter.tasks.taskfile import validate_path

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


def _task_id(store: Store, path: str, host: str = "") -> str:
    """The id of the task at ``path``: in ``host``'s task file first, else any host's."""
    try:
        validate_path(path)
    except ValueError as exc:
        raise EditError(f"bad task path {path!r}: {exc}") from None
    tasks = store.tasks(include_inactive=True)
    for task in sorted(tasks, key=lambda t: t.host != host):
        if task.path == path:
            return task.id
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
    tz: ZoneInfo | None = None,
) -> EditRecord:
    """The edit record for ``op`` over ``[start, end)``; raises ``EditError``, writes nothing.

    ``tz``: the zone the error messages name times in (the user's; UTC when None).
    """

    def shown(when: datetime) -> str:
        return local_time(when, tz)

    if op not in OPERATIONS:
        raise EditError(f"unknown edit {op!r} (task, away, add)")
    start, end, now = as_utc(start), as_utc(end), as_utc(now)
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
        task_id = _task_id(store, path, host)
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
    if op == "add":
        after.append(
            Switch(
                id=_new_id(),
                date=start,
                delta=round((end - start).total_seconds(), 3),
                workspace_index=-1,
                workspace=OFF_COMPUTER,
                task_id=task_id,
                task=path,
                host=host,
                away=False,
            )
        )
    after.sort(key=lambda s: (s.date, s.id))
    return EditRecord(
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


def apply_edit(store: Store, edit: EditRecord) -> EditRecord:
    store.apply_edit([s.id for s in edit.before], list(edit.after), edit)
    return edit


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
    tz: ZoneInfo | None = None,
) -> EditRecord:
    """Plan and apply one edit; the record says what it replaced."""
    return apply_edit(
        store, plan_edit(store, op, start, end, path, who=who, now=now, host=host, tz=tz)
    )


def undo_last(store: Store, *, who: str, now: datetime, host: str = "") -> EditRecord:
    """Take the newest edit (of ``host``, when given) that is not undone back: its switches
    return exactly."""
    for edit in store.edits():
        if edit.undone or (host and edit.host and edit.host != host):
            continue
        undone = edit.undo_by(who, now)
        store.apply_edit([s.id for s in edit.after], list(edit.before), undone)
        return undone
    raise EditError("no edit to undo")


def describe(edit: EditRecord) -> str:
    """One line for the CLI and the dashboard's messages."""
    what = {"task": f"→ {edit.path}", "away": "→ away", "add": f"+ {edit.path} (off the computer)"}
    state = f", undone {_fmt(edit.undone_at)} by {edit.undone_by}" if edit.undone_at else ""
    return (
        f"{edit.id}  {_fmt(edit.at)}  {edit.who:<5} {edit.op:<4} {_fmt(edit.start)} – "
        f"{_fmt(edit.end)} {what.get(edit.op, '')}  ({len(edit.before)} switches → "
        f"{len(edit.after)}){state}"
    )
