"""Watson: its ``frames`` file (``$WATSON_DIR/frames``), a JSON array of frames
``[start, stop, project, id, tags, updated_at]`` with Unix times.

Task: ``project/tag`` for the first tag where that is a path of the task file, else the
project. The id comes from the frame's own id (a UUID), so a re-import replaces. The workspace
of an imported switch is ``watson``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from deskmeter import limits
from deskmeter.formats.base import (
    BadRecord,
    ImportContext,
    ImportFormat,
    ImportSource,
    Sample,
    json_array_source,
    stable_id,
)
from deskmeter.formats.tags import task_fields

WORKSPACE = "watson"


def _is_frame(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) >= 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in item[:2])
        and isinstance(item[2], str)
    )


def sniff(sample: Sample) -> bool:
    data = sample.json
    return isinstance(data, list) and bool(data) and _is_frame(data[0])


def watson_task(project: str, tags: list[str], known: Mapping[str, str]) -> str | None:
    project = project.strip().strip("/")
    for tag in tags:
        candidate = f"{project}/{tag.strip().strip('/')}"
        if candidate in known:
            return candidate
    return project or None


def frame_record(item: Any, context: ImportContext) -> Mapping[str, Any]:
    if not _is_frame(item):
        return BadRecord("not a Watson frame ([start, stop, project, id, tags, updated_at])")
    try:
        start = datetime.fromtimestamp(limits.check_epoch(float(item[0])), UTC)
        stop = datetime.fromtimestamp(limits.check_epoch(float(item[1])), UTC)
    except (ValueError, OverflowError) as exc:
        return BadRecord(f"start/stop: {exc}")
    if stop < start:
        return BadRecord("stops before it starts")
    tags = item[4] if len(item) > 4 and isinstance(item[4], list) else []
    tags = [t for t in tags if isinstance(t, str)]
    frame_id = item[3] if isinstance(item[3], str) and item[3] else f"{item[0]}|{item[2]}"
    return {
        "id": stable_id("watson", frame_id),
        "date": start,
        "delta": (stop - start).total_seconds(),
        "workspace": WORKSPACE,
        **task_fields(watson_task(item[2], tags, context.task_ids), context.task_ids),
    }


def read(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    return json_array_source(
        spec,
        sample,
        "Watson's frames file (a JSON array)",
        lambda item: frame_record(item, context),
    )


IMPORT = ImportFormat(
    name="watson",
    title="Watson",
    summary="Watson's frames file ($WATSON_DIR/frames; project and tags → task).",
    sniff=sniff,
    read=read,
)
