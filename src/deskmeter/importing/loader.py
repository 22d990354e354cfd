"""Load imported records into a store, in batches, with progress."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import countOf, itemgetter
from typing import TextIO, TypeVar

from deskmeter.importing.hosts import HostConflictError, host_conflicts
from deskmeter.importing.quick import QuickRecords
from deskmeter.importing.readers import ImportSource
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.models import Switch, SwitchValues, switch_values, values_switch
from deskmeter.progress import Progress
from deskmeter.store.base import Store

log = logging.getLogger("deskmeter.import")
T = TypeVar("T")
#: Records read (and checked the quick way) at a time.
_READ_CHUNK = 10_000
#: Ids asked about at a time for the edits that replaced them (one query each; MongoDB's
#: ``$in`` of 10,000 ids is well under its document size).
_REPLACED_BATCH = 10_000


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    #: Switches (distinct ids) the store did not have before (written - new: replaced ones,
    #: of the store's or of the import's own).
    new: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    #: The host every switch was stamped with (``--host``); None: each kept its record's own.
    host: str | None = None
    #: Switches written with no host at all (records that carry none, without ``--host``).
    unstamped: int = 0
    #: A dry run's switches (what would be written; nothing was).
    planned: list[Switch] = field(default_factory=list)
    dry_run: bool = False


def _without_replaced(
    values: list[SwitchValues], store: Store, result: ImportResult, batch_size: int
) -> list[SwitchValues]:
    """``values`` but those an edit replaced (an export taken before the edit would bring
    them back beside their replacements and count that time twice)."""
    replaced: set[str] = set()
    for start in range(0, len(values), batch_size):
        replaced |= store.replaced_switch_ids([v[1] for v in values[start : start + batch_size]])
    if not replaced:
        return values
    result.skipped += len(replaced)
    result.problems.append(
        f"{len(replaced)} switches an edit has replaced since (e.g. id {min(replaced)}): "
        "never imported again (`deskmeter edit log` lists the edits)"
    )
    return [v for v in values if v[1] not in replaced]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (a bulk import makes hundreds of thousands of
    tuples that hold no cycle: each pass would walk them all again; about 5% of the import).
    Reference counting frees as ever; the collector runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def import_switches(
    source: ImportSource,
    store: Store,
    *,
    labels: Sequence[str] = (),
    host: str | None = None,
    batch_size: int = 1000,
    progress_stream: TextIO | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Write every record of ``source`` into ``store`` as a switch (replacing by id).

    ``host`` stamps every switch with that host (a record's own ``host`` is replaced); without
    it a switch keeps its record's host, or none. Every record is read and checked first: if an
    id is stored already with another host, or with none (``HostConflictError``), nothing is
    written. ``dry_run``: everything is read and checked, and nothing is written (the result
    says what would be, with the switches in ``planned``).

    Each record is checked once, here at the boundary: a whole file of usual records in
    bulk (``bulk_json.py``, when the source offers ``values``), else the usual record the
    quick way (``quick.py``: straight to the values the store writes), any other by
    ``record_to_switch`` (the same checks and messages as ever).
    """
    with _gc_paused():
        return _import(source, store, labels, host, batch_size, progress_stream, dry_run)


def _import(
    source: ImportSource,
    store: Store,
    labels: Sequence[str],
    host: str | None,
    batch_size: int,
    progress_stream: TextIO | None,
    dry_run: bool,
) -> ImportResult:
    result = ImportResult(host=host, dry_run=dry_run)
    values: list[SwitchValues] = []
    quick = QuickRecords(host).values
    bulk = source.values(host) if source.values is not None else None
    if bulk is not None:  # a whole usual export, checked in bulk (``bulk_json``)
        values, result.read = bulk, len(bulk)
    records = iter(() if bulk is not None else source.records)
    while chunk := list(islice(records, _READ_CHUNK)):  # a stream is held a chunk at a time
        found = list(map(quick, chunk))
        if None not in found:  # every record the quick way (a whole export, usually)
            values += found  # type: ignore[arg-type]
            result.read += len(chunk)
            continue
        for record, quick_values in zip(chunk, found, strict=True):
            result.read += 1
            if quick_values is not None:
                values.append(quick_values)
                continue
            try:
                values.append(switch_values(record_to_switch(record, labels, host=host)))
            except (RecordError, ValueError, TypeError, OverflowError) as exc:
                result.skipped += 1
                if len(result.problems) < 10:
                    result.problems.append(f"record {result.read}: {exc}")
    check = host_conflicts(values, store, batch_size=batch_size)
    if check.conflicts:
        raise HostConflictError(check.message(host or ""))
    values = _without_replaced(values, store, result, max(batch_size, _REPLACED_BATCH))
    result.unstamped = countOf(map(itemgetter(7), values), "")
    add_values = getattr(store, "add_switch_values", None)  # SQLite: no Switch per value
    if dry_run or add_values is None:  # (SQLite's write counts the new ones as it goes)
        result.new = _new(values, store, check.existing, batch_size)
    if dry_run:
        result.planned = [values_switch(v) for v in values]
        result.written = len(values)
        return result
    progress = Progress("import", source.total, unit="records", stream=progress_stream, logger=log)
    # one write of everything (one transaction: the kept day totals are recomputed once, for
    # the days the import touches), the progress told as the store takes the switches in
    if add_values is not None:
        result.written, result.new = add_values(values, progress.update)
    else:
        told = _told(values, progress, batch_size)
        result.written = store.add_switches(values_switch(v) for v in told)
    progress.close()
    return result


def _new(values: list[SwitchValues], store: Store, existing: int, batch_size: int) -> int:
    """How many distinct ids of ``values`` the store does not hold (``existing``: how many
    of them it holds, 0 when none)."""
    if not existing:  # none of the ids is stored: each distinct one is new
        return len(set(map(itemgetter(1), values)))
    ids = list(dict.fromkeys(map(itemgetter(1), values)))
    already = sum(
        store.count_existing_switches(ids[start : start + batch_size])
        for start in range(0, len(ids), batch_size)
    )
    return len(ids) - already


def _told(values: list[T], progress: Progress, every: int) -> Iterator[T]:
    """``values``, telling ``progress`` after each ``every`` of them."""
    for start in range(0, len(values), every):
        batch = values[start : start + every]
        yield from batch
        progress.update(len(batch))
