"""The away stretch waiting for the user's decision (panel menu, dashboard banner)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from deskmeter.edits.errors import NothingToDoError
from deskmeter.edits.operations import atomically, make_edit
from deskmeter.edits.pending_record import PendingAway, get_pending, set_pending
from deskmeter.store import Store
from deskmeter.store.edit_record import EditRecord


def pending_away(store: Store) -> PendingAway | None:
    return get_pending(store)


def resolve_away(
    store: Store,
    path: str | None,
    *,
    who: str,
    now: datetime,
    host: str = "",
    task_file: Path | None = None,
) -> EditRecord | None:
    """Keep the pending stretch as away (``path`` empty) or give it to task ``path``.

    The stretch is read, edited and cleared in one step: two answers at once give one edit.
    """

    def step() -> EditRecord | None:
        pending = get_pending(store)
        if pending is None:
            raise NothingToDoError("no away stretch is waiting for a decision")
        edit = None
        if path:
            edit = make_edit(
                store,
                "task",
                pending.start,
                pending.end,
                path,
                who=who,
                now=now,
                host=host,
                task_file=task_file,
            )
        set_pending(store, None)
        return edit

    return atomically(store, host, step)
