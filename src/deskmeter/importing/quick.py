"""The quick way from an imported record to a switch's values, for the usual record.

A bulk import (``deskmeter import FILE``) reads tens of thousands of records that are all
alike: ``deskmeter export --format json`` records whose fields already have their exact
types (an id and texts that are text, an ISO date, a number of seconds, a whole workspace
index, a bool). ``QuickRecords.values`` turns such a record straight into ``SwitchValues``
(what the SQLite store writes, texts instead of label numbers): no ``Switch``, no model, no
``datetime`` kept. The limits are checked at this boundary, once: the numbers of each record
by a few comparisons, each distinct text (workspace, task, task id, host) once per import.

It answers None for anything else (an ObjectId, a date given as a number, a field that needs
coercing, a value at or outside a limit…): the caller then takes the exact per-record way,
``records.record_to_switch``, so an odd record is accepted, refused and described exactly as
before. Whatever the quick way accepts, that way accepts too and makes the same switch of it
(``tests/importing/test_quick_records.py`` checks it on random records).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from deskmeter import limits
from deskmeter.hosts import character_problem
from deskmeter.models import SwitchValues, switch_values
from deskmeter.store.instants import to_us

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: A start from the epoch on (the limits' first instant) …
_FIRST_US = to_us(limits.FIRST_INSTANT)
#: … and an end a second before the last one: closer to it, the exact way decides (it
#: compares float timestamps).
_LAST_US = to_us(limits.LAST_INSTANT) - 1_000_000
_MAX_DELTA = limits.MAX_DELTA
_MAX_ID = limits.MAX_ID
_MAX_TEXT = limits.MAX_TEXT
_MAX_INDEX = limits.MAX_WORKSPACE_INDEX


#: The fields of a record the quick way reads, and their values when left out.
_DEFAULTS = (
    ("id", None),
    ("date", None),
    ("delta", None),
    ("workspace_index", None),
    ("workspace", None),
    ("task", None),
    ("task_id", None),
    ("host", None),
    ("away", False),
)
_fields = itemgetter(*(name for name, _ in _DEFAULTS))


class QuickRecords:
    """The quick way for the records of one import (it remembers the texts it checked)."""

    def __init__(self, host: str | None = None) -> None:
        #: ``deskmeter import --host``: stamped on every switch instead of the record's own.
        self._host = host
        self._texts: set[str] = set()  # texts found inside the limits
        self._hosts: set[str] = set()  # host names found free of refused characters

    def values(self, record: Mapping[str, Any]) -> SwitchValues | None:
        """The switch values of ``record``, or None: take ``record_to_switch``'s way."""
        if type(record) is not dict or "_id" in record:
            return None
        delta: Any
        try:  # one C call for the nine fields of an export's record
            switch_id, date, delta, index, workspace, task, task_id, host, flag = _fields(record)
        except KeyError:  # one left out: as ``record.get`` (``away``: False)
            switch_id, date, delta, index, workspace, task, task_id, host, flag = (
                record.get(name, default) for name, default in _DEFAULTS
            )
        if (
            type(switch_id) is not str
            or type(date) is not str
            or not 0 < len(switch_id) <= _MAX_ID
            or "\x00" in switch_id
            or type(index) is not int
            or not -1 <= index <= _MAX_INDEX
        ):
            return None
        kind = type(delta)
        if kind is int:
            if not 0 <= delta <= _MAX_DELTA:
                return None
        elif kind is not float or not delta >= 0:  # NaN too
            return None
        seconds = round(float(delta), 3)
        if not seconds <= _MAX_DELTA:  # inf, or more than a switch may hold
            return None
        try:
            when = datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)  # naive: taken as UTC, as ``as_utc`` does
        start = (when - _EPOCH) // _MICROSECOND
        delta_ms = round(seconds * 1000)
        if start < _FIRST_US or start + delta_ms * 1000 > _LAST_US:
            return None
        if workspace is None:
            workspace = ""
        if self._host is not None:
            host = self._host
        elif host is None:
            host = ""
        if flag is not True and flag is not False:
            return None
        if (
            type(workspace) is not str
            or type(host) is not str
            or (task is not None and type(task) is not str)
            or (task_id is not None and type(task_id) is not str)
        ):
            return None
        texts = self._texts
        if not (
            workspace in texts
            and host in self._hosts
            and (task is None or task in texts)
            and (task_id is None or task_id in texts)
        ) and not self._admit(workspace, task, task_id, host):
            return None
        return (start, switch_id, delta_ms, index, workspace, task, task_id, host, flag)

    def _admit(self, workspace: str, task: str | None, task_id: str | None, host: str) -> bool:
        """Check texts not seen yet (remembering the good ones); False: not the quick way."""
        for value in (workspace, task, task_id, host):
            if value is not None and (len(value) > _MAX_TEXT or "\x00" in value):
                return False
        if host not in self._hosts:
            if host and character_problem(host) is not None:
                return False
            self._hosts.add(host)
        self._texts.update(t for t in (workspace, task, task_id) if t is not None)
        return True


__all__ = ["QuickRecords", "switch_values"]
