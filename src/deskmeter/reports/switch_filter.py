"""The switches list filtered by kind (work or away) and by a task search, one page of it.

Without a filter the store pages itself (``count_switches`` / ``switches(offset=...)``).
With one, the range is read newest first in chunks and filtered here: the store has no
task-text index, and a user's whole history (~33k switches) reads in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from deskmeter.models import NO_TASK, Switch
from deskmeter.store import Store
from deskmeter.store.base import SortOrder

Kind = Literal["all", "work", "away"]
KINDS: tuple[Kind, ...] = ("all", "work", "away")
#: Switches read per store query while filtering.
CHUNK = 2000


@dataclass(frozen=True, slots=True)
class SwitchFilter:
    """``kind``: every switch, work only or away only; ``task``: text the task path contains
    (case-insensitive; ``(no task)`` matches switches without one)."""

    kind: Kind = "all"
    task: str = ""
    #: A task path: only it and the tasks under it (a task's page).
    under: str = ""

    @property
    def active(self) -> bool:
        return self.kind != "all" or bool(self.task) or bool(self.under)

    def keeps(self, switch: Switch, label: Callable[[str | None], str] | None = None) -> bool:
        """``label``: the task as the page shows it (a portfolio's coarse path): the search
        sees only that, never a path the page hides."""
        if self.kind == "work" and switch.away:
            return False
        if self.kind == "away" and not switch.away:
            return False
        shown = label(switch.task) if label is not None else (switch.task or NO_TASK)
        if self.under and not (shown == self.under or shown.startswith(self.under + "/")):
            return False
        if self.task:
            return self.task.casefold() in shown.casefold()
        return True


@dataclass(frozen=True, slots=True)
class SwitchPage:
    items: list[Switch]
    total: int


def _newest_first(
    store: Store, start: datetime | None, end: datetime | None, host: str | None
) -> Iterator[Switch]:
    offset = 0
    while True:
        chunk = store.switches(start, end, limit=CHUNK, offset=offset, order="desc", host=host)
        yield from chunk
        if len(chunk) < CHUNK:
            return
        offset += CHUNK


def switch_page(
    store: Store,
    start: datetime | None,
    end: datetime | None,
    *,
    host: str | None,
    chosen: SwitchFilter,
    page: int,
    per_page: int,
    label: Callable[[str | None], str] | None = None,
    order: SortOrder = "desc",
) -> SwitchPage:
    """Page ``page`` (from 1) of the switches in ``[start, end)`` that ``chosen`` keeps,
    newest first (``order="asc"``: oldest first, unfiltered only), and how many it keeps in
    all."""
    first = (page - 1) * per_page
    if not chosen.active:
        return SwitchPage(
            items=store.switches(start, end, limit=per_page, offset=first, order=order, host=host),
            total=store.count_switches(start, end, host=host),
        )
    if order != "desc":
        raise ValueError("a filtered switch list reads newest first only")
    items: list[Switch] = []
    total = 0
    for switch in _newest_first(store, start, end, host):
        if not chosen.keeps(switch, label):
            continue
        if first <= total < first + per_page:
            items.append(switch)
        total += 1
    return SwitchPage(items=items, total=total)
