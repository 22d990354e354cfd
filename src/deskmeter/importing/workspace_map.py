"""``import --map WORKSPACE=TASK``: the original Deskmeter's workspaces as tasks.

The original Deskmeter recorded only the workspace, so its switches arrive without a task
("(no task)"). A mapping gives each named workspace a task path; a record that already has a
task keeps it. Records pass through unchanged otherwise (the import stays idempotent: the
same source and mapping give the same switches).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from deskmeter.importing.readers import ImportSource
from deskmeter.tasks.taskfile import TaskFileError, validate_path


class MappingError(ValueError):
    """A ``--map`` value is not ``WORKSPACE=TASK`` with a valid task path."""


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["code=work/deskmeter", "mail=admin/mail"]`` → ``{"code": "work/deskmeter", ...}``."""
    found: dict[str, str] = {}
    for item in items:
        workspace, sep, path = item.partition("=")
        workspace, path = workspace.strip(), path.strip()
        if not sep or not workspace or not path:
            raise MappingError(f"--map {item!r}: expected WORKSPACE=TASK (code=work/deskmeter)")
        try:
            validate_path(path)
        except (TaskFileError, ValueError) as exc:
            raise MappingError(f"--map {item!r}: {exc}") from None
        if workspace in found and found[workspace] != path:
            raise MappingError(f"--map: workspace {workspace!r} is mapped twice")
        found[workspace] = path
    return found


def _mapped(
    records: Iterator[Mapping[str, Any]], mapping: Mapping[str, str]
) -> Iterator[Mapping[str, Any]]:
    for record in records:
        path = mapping.get(str(record.get("workspace", "")))
        if path is not None and not record.get("task"):
            yield {**record, "task": path, "task_id": path}
        else:
            yield record


def with_tasks(source: ImportSource, mapping: Mapping[str, str]) -> ImportSource:
    """``source`` with each mapped workspace's records given its task."""
    if not mapping:
        return source
    return ImportSource(source.name, _mapped(source.records, mapping), source.total)
