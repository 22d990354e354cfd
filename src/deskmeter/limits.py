"""What a switch may hold: one set of rules for every way in (tracker, import, edit, sync).

A value outside these limits would break a view or a query (``date + delta`` past the year
9999 raises ``OverflowError``; a calendar cell cannot show the year 12000), so it is refused
where it enters and skipped (with a log line) where it is read back from a store that was
written by something older or by hand.

* ``delta``: a finite number of seconds, ``0 <= delta <= MAX_DELTA`` (7 days; the tracker
  rolls a longer interval over into a new one, so it never writes more).
* ``date`` (the start) and ``date + delta`` (the end): inside ``FIRST_INSTANT`` …
  ``LAST_INSTANT``, the years the dashboard shows (1970–2199).
* strings (``id``, ``workspace``, ``task``, ``task_id``, ``host``): at most ``MAX_TEXT``
  characters (``MAX_ID`` for ids), no NUL character.
* ``workspace_index``: ``-1`` (unknown, e.g. imported by name) up to ``MAX_WORKSPACE_INDEX``.
* ``away``: a bool (an away stretch, stored but never counted).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from deskmeter.hosts import character_problem

log = logging.getLogger(__name__)

#: The longest interval one switch may hold (seconds).
MAX_DELTA = 7 * 86400.0
#: The first and last instants a switch may cover (the dashboard's 1970–2199).
FIRST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(2200, 1, 1, tzinfo=UTC)
MAX_TEXT = 500
MAX_ID = 128
MAX_WORKSPACE_INDEX = 1023

_FIRST_TS = FIRST_INSTANT.timestamp()
_LAST_TS = LAST_INSTANT.timestamp()


class LimitError(ValueError):
    """A value is outside the limits; ``str()`` says which field and why."""


class _SwitchLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def date(self) -> datetime: ...
    @property
    def delta(self) -> float: ...
    @property
    def workspace_index(self) -> int: ...
    @property
    def workspace(self) -> str: ...
    @property
    def task_id(self) -> str | None: ...
    @property
    def task(self) -> str | None: ...
    @property
    def host(self) -> str: ...
    @property
    def away(self) -> bool: ...


def check_delta(delta: Any) -> float:
    """``delta`` as a float if it is a valid duration, else ``LimitError``."""
    if isinstance(delta, bool) or not isinstance(delta, int | float):
        raise LimitError(f"delta {delta!r} is not a number")
    value = float(delta)
    if not math.isfinite(value):
        raise LimitError(f"delta {value!r} is not finite")
    if value < 0:
        raise LimitError(f"negative delta {value}")
    if value > MAX_DELTA:
        raise LimitError(f"delta {value:.0f} s is longer than {MAX_DELTA:.0f} s (7 days)")
    return value


def check_instant(name: str, value: Any) -> datetime:
    """An aware datetime inside the supported years, else ``LimitError``."""
    if not isinstance(value, datetime):
        raise LimitError(f"{name} {value!r} is not a date-time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise LimitError(f"{name} {value.isoformat()} has no time zone")
    try:
        ts = value.timestamp()
    except (OverflowError, ValueError, OSError):
        raise LimitError(f"{name} {value!r} is out of range") from None
    if not _FIRST_TS <= ts <= _LAST_TS:
        raise LimitError(
            f"{name} {value.isoformat()} is outside {FIRST_INSTANT.year}–{LAST_INSTANT.year - 1}"
        )
    return value


def check_text(name: str, value: Any, *, optional: bool = False, limit: int = MAX_TEXT) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise LimitError(f"{name} {value!r} is not text")
    if len(value) > limit:
        raise LimitError(f"{name} is longer than {limit} characters")
    if "\x00" in value:
        raise LimitError(f"{name} contains a NUL character")


def check_workspace_index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LimitError(f"workspace_index {value!r} is not a whole number")
    if not -1 <= value <= MAX_WORKSPACE_INDEX:
        raise LimitError(f"workspace_index {value} is outside -1…{MAX_WORKSPACE_INDEX}")
    return value


def check_flag(name: str, value: Any) -> bool:
    """A bool (``0``/``1`` as SQLite stores it count too), else ``LimitError``."""
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise LimitError(f"{name} {value!r} is not true or false")


def check_epoch(seconds: float) -> float:
    """A Unix time (seconds) inside the supported years, else ``LimitError``."""
    if not math.isfinite(seconds) or not _FIRST_TS <= seconds <= _LAST_TS:
        raise LimitError(f"epoch time {seconds!r} is outside the supported years")
    return seconds


#: Host names already found free of refused characters (a store sees a handful of hosts).
_GOOD_HOSTS: set[str] = set()


def _plainly_valid(switch: _SwitchLike) -> bool:
    """True when every field is of its exact type and inside the limits: the common case,
    decided with a few comparisons (a bulk import checks every switch). False says nothing:
    ``validate_switch`` then checks field by field, to name what is wrong."""
    return _plain_fields(
        switch.id,
        switch.workspace,
        switch.task,
        switch.task_id,
        switch.host,
        switch.delta,
        switch.date,
        switch.workspace_index,
        switch.away,
        0.0,
    )


def plainly_valid_doc(doc: dict[str, Any]) -> bool:
    """True when a switch document (``store/documents.switch_to_doc``'s shape: a sync batch,
    a MongoDB read) has every field of its exact type and inside the limits, so that
    ``switch_from_doc`` makes a valid ``Switch`` of it: decided with a few comparisons, no
    ``Switch`` made. False says nothing: build the switch to know (and to say why)."""
    return _plain_fields(
        doc.get("_id"),
        doc.get("workspace"),
        doc.get("task"),
        doc.get("task_id"),
        doc.get("host"),
        doc.get("delta"),
        doc.get("date"),
        doc.get("workspace_index"),
        doc.get("away", False),
        # a second's margin at the end: closer to it, the Switch's own rounding decides
        1.0,
    )


def _plain_fields(
    sid: object,
    workspace: object,
    task: object,
    task_id: object,
    host: object,
    delta: object,
    date: object,
    index: object,
    away: object,
    end_margin: float,
) -> bool:
    """The few comparisons behind ``_plainly_valid`` and ``plainly_valid_doc``: exact types,
    lengths, no NUL, the instants inside the supported years (``end_margin`` seconds short of
    the last), a known host's characters checked once."""
    if not (
        type(sid) is str
        and type(workspace) is str
        and type(host) is str
        and (task is None or type(task) is str)
        and (task_id is None or type(task_id) is str)
        and 0 < len(sid) <= MAX_ID
        and len(workspace) <= MAX_TEXT
        and len(host) <= MAX_TEXT
        and (task is None or len(task) <= MAX_TEXT)
        and (task_id is None or len(task_id) <= MAX_TEXT)
    ):
        return False
    if "\x00" in f"{sid}{workspace}{host}{task or ''}{task_id or ''}":
        return False
    if not (type(delta) is float and 0.0 <= delta <= MAX_DELTA):  # NaN fails both
        return False
    if not (type(date) is datetime and date.tzinfo is UTC):
        return False
    start = date.timestamp()
    last = _LAST_TS - end_margin
    if not (_FIRST_TS <= start < last and start + delta <= last):
        return False
    if not (type(index) is int and -1 <= index <= MAX_WORKSPACE_INDEX):
        return False
    if type(away) is not bool:
        return False
    if host not in _GOOD_HOSTS:
        if character_problem(host) is not None:
            return False
        if len(_GOOD_HOSTS) < 1024:
            _GOOD_HOSTS.add(host)
    return True


def validate_switch(switch: _SwitchLike) -> None:
    """Raise ``LimitError`` if any field of ``switch`` is outside the limits."""
    if _plainly_valid(switch):
        return
    check_text("id", switch.id, limit=MAX_ID)
    if not switch.id:
        raise LimitError("empty id")
    delta = check_delta(switch.delta)
    start = check_instant("date", switch.date)
    if start.timestamp() >= _LAST_TS:  # an end may be the limit itself; a start is inside
        raise LimitError(f"date {start.isoformat()} is past {LAST_INSTANT.year - 1}")
    if start.timestamp() + delta > _LAST_TS:
        raise LimitError(f"end {start.isoformat()} + {delta:.0f} s is past {LAST_INSTANT.year}")
    check_workspace_index(switch.workspace_index)
    check_text("workspace", switch.workspace)
    check_text("task", switch.task, optional=True)
    check_text("task_id", switch.task_id, optional=True, limit=MAX_TEXT)
    check_text("host", switch.host)
    if switch.host and (problem := character_problem(switch.host)) is not None:
        raise LimitError(f"host {problem}")  # deskmeter.hosts: invisible or reordering text
    check_flag("away", switch.away)


def clamp_delta(seconds: float) -> float:
    """``seconds`` bounded to ``0 … MAX_DELTA`` (for durations computed from stored data)."""
    if not math.isfinite(seconds):
        return 0.0 if math.isnan(seconds) or seconds < 0 else MAX_DELTA
    return min(max(seconds, 0.0), MAX_DELTA)


MAX_LOOKBACK = timedelta(seconds=MAX_DELTA)

# -- reading back what a store holds ---------------------------------------------------------

R = TypeVar("R")
T = TypeVar("T")

_report_lock = threading.Lock()
_reported: dict[str, float] = {}
#: A store with unreadable records is reported at most once per this many seconds.
REPORT_EVERY = 300.0


def _report(kind: str, problem: Exception) -> None:
    now = time.monotonic()
    with _report_lock:
        last = _reported.get(kind)
        if last is not None and now - last < REPORT_EVERY:
            return
        _reported[kind] = now
    log.warning("skipping a stored %s outside the limits: %s", kind, problem)


def readable(rows: Iterable[R], convert: Callable[[R], T], kind: str = "switch") -> Iterator[T]:
    """``convert`` each stored row, skipping (and reporting) the ones outside the limits.

    A store may hold records from before these limits, or written by hand; one such record
    must not break every page that reads it.
    """
    for row in rows:
        try:
            yield convert(row)
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            _report(kind, exc)


def readable_one(row: R | None, convert: Callable[[R], T], kind: str = "state") -> T | None:
    if row is None:
        return None
    found = list(readable([row], convert, kind))
    return found[0] if found else None
