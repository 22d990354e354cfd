"""A whole ``deskmeter export --format json`` file decoded and checked in one go.

A bulk import reads tens of thousands of records that are all alike. msgspec decodes the
file's bytes straight into typed records (``_Record``), checking each field's type and
bounds in C as it goes; what is left is done over whole columns: the dates to microseconds,
the deltas to milliseconds, the instants' range, each distinct text once (length, NUL, a
host's characters). No dict per record is ever made.

It answers None for a file with anything unusual in any record: not a JSON array of
objects, an ``_id`` (the original Deskmeter's documents), MongoDB extended JSON, a date as a
number, a field that needs coercing, a value at or outside a limit, JSON that only Python's
``json`` module reads (NaN, a lone surrogate), bytes that are not UTF-8, arrays nested past
the interpreter's depth... The caller then reads the file the exact way
(``readers.json_records``, then ``quick.py`` or ``records.record_to_switch`` per record), so
an odd file is accepted, refused and described exactly as before. Whatever this way
accepts, the per-record way accepts too and makes the same values of it; and a file it
accepts is one that format detection gives to Deskmeter's JSON format
(``tests/importing/test_bulk_json.py`` checks both on random files).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from deskmeter import limits
from deskmeter.hosts import character_problem
from deskmeter.models import SwitchValues, as_utc
from deskmeter.store.instants import EPOCH, MICROSECOND, to_us

#: As ``quick.py``: a start from the epoch on, an end a second before the last instant.
_FIRST_US = to_us(limits.FIRST_INSTANT)
_LAST_US = to_us(limits.LAST_INSTANT) - 1_000_000

_Text = Annotated[str, Meta(max_length=limits.MAX_TEXT)]


class _Record(msgspec.Struct, gc=False):
    """The usual record of a Deskmeter JSON export (other fields, like ``end``, ignored)."""

    id: Annotated[str, Meta(min_length=1, max_length=limits.MAX_ID)]
    date: str
    delta: Annotated[float, Meta(ge=0, le=limits.MAX_DELTA)]  # a JSON int is taken too
    workspace_index: Annotated[int, Meta(ge=-1, le=limits.MAX_WORKSPACE_INDEX)]
    workspace: _Text | None = None
    task: _Text | None = None
    task_id: _Text | None = None
    host: _Text | None = None
    away: bool = False
    #: The original Deskmeter's documents carry ``_id`` (an ObjectId, or any value): never
    #: the usual record (no value decodes as ``UnsetType``).
    mongo_id: UnsetType = msgspec.field(default=UNSET, name="_id")
    #: A Timewarrior interval's field: a file whose first record had it as text could be
    #: detected as Timewarrior's, so such a file is left to detection.
    start: None = None


_DECODER = msgspec.json.Decoder(list[_Record])
_fromiso = datetime.fromisoformat


def decode(text: str | bytes) -> list[_Record] | None:
    """The records of ``text`` (or UTF-8 bytes) if it is a JSON array of usual records,
    else None."""
    try:  # (MongoDB's extended JSON, ``{"$oid": …}``, is an object where text is wanted)
        return _DECODER.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None  # (nested past msgspec's depth: the exact way words it)


def _micros(date: str) -> int:
    """A record's date as µs since the epoch (naive: taken as UTC)."""
    return to_us(as_utc(_fromiso(date.replace("Z", "+00:00"))))


def _milliseconds(seconds: list[float]) -> list[int] | None:
    """The deltas in whole ms as ``quick.py`` makes them (``round(round(s, 3) * 1000)``);
    None when one is over the limit once rounded.

    One ``round`` per delta for the usual ones, with at most 3 decimals: when ``m / 1000``
    gives back the very float ``s`` (m = ``round(s * 1000)``), ``s`` is the float nearest
    to m thousandths, so ``round(s, 3)`` is ``s`` itself and the two ways agree.
    """
    found = [round(s * 1000) for s in seconds]
    if [m / 1000 for m in found] == seconds:
        return found  # (every s within the limit already: the decoder checked it)
    rounded = [round(s, 3) for s in seconds]
    if max(rounded) > limits.MAX_DELTA:
        return None
    return [round(s * 1000) for s in rounded]


def switch_values(records: list[_Record], host: str | None) -> list[SwitchValues] | None:
    """The values the store writes for ``records`` (``host``: stamped on every one instead
    of its own), or None when one of them is not for the quick way."""
    if not records:
        return []
    dates = [r.date for r in records]
    try:
        starts = [(_fromiso(d.replace("Z", "+00:00")) - EPOCH) // MICROSECOND for d in dates]
    except TypeError:  # a naive date among them (aware minus naive)
        try:
            starts = [_micros(d) for d in dates]
        except ValueError:
            return None
    except ValueError:  # not an ISO date: the per-record way words it
        return None
    deltas = _milliseconds([r.delta for r in records])
    # the latest start with the longest delta: an end past the limit may be a false alarm,
    # which only sends the file the per-record way
    if deltas is None or min(starts) < _FIRST_US or max(starts) + max(deltas) * 1000 > _LAST_US:
        return None
    ids = [r.id for r in records]
    workspaces = [r.workspace for r in records]
    tasks = [r.task for r in records]
    task_ids = [r.task_id for r in records]
    hosts = [host] * len(records) if host is not None else [r.host for r in records]
    distinct = set(workspaces) | set(tasks) | set(task_ids)
    named = set(hosts)
    if "\x00" in "".join(ids) or "\x00" in "".join(t for t in distinct | named if t is not None):
        return None
    if any(len(h) > limits.MAX_TEXT or character_problem(h) is not None for h in named if h):
        return None
    if None in workspaces:  # left out or null: no name
        workspaces = [w or "" for w in workspaces]
    if None in named:
        hosts = [h or "" for h in hosts]
    return list(
        zip(
            starts,
            ids,
            deltas,
            [r.workspace_index for r in records],
            workspaces,
            tasks,
            task_ids,
            hosts,
            [r.away for r in records],
            strict=True,
        )
    )
