"""Load imported records into a store, in batches, with progress."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from deskmeter.importing.readers import ImportSource
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.models import Switch
from deskmeter.progress import Progress
from deskmeter.store.base import Store

log = logging.getLogger("deskmeter.import")


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    #: Switches the store did not have before (written - new = already there, replaced).
    new: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def import_switches(
    source: ImportSource,
    store: Store,
    *,
    labels: Sequence[str] = (),
    batch_size: int = 1000,
    progress_stream: TextIO | None = None,
) -> ImportResult:
    """Write every record of ``source`` into ``store`` as a switch (replacing by id)."""
    result = ImportResult()
    already = 0
    progress = Progress("import", source.total, unit="records", stream=progress_stream, logger=log)
    batch: list[Switch] = []
    for record in source.records:
        result.read += 1
        try:
            batch.append(record_to_switch(record, labels))
        except (RecordError, ValueError, TypeError, OverflowError) as exc:
            result.skipped += 1
            if len(result.problems) < 10:
                result.problems.append(f"record {result.read}: {exc}")
        if len(batch) >= batch_size:
            already += store.count_existing_switches([s.id for s in batch])
            result.written += store.add_switches(batch)
            progress.update(len(batch))
            batch = []
    if batch:
        already += store.count_existing_switches([s.id for s in batch])
        result.written += store.add_switches(batch)
        progress.update(len(batch))
    progress.close()
    result.new = result.written - already
    return result
