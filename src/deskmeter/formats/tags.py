"""How another tool's project, tags and names become a Deskmeter task path (docs/formats.md).

The same rules for every import, so a file maps the same way however it arrives:

* **tags** (Timewarrior, Watson's tags): the first tag that is a path of the task file; else
  the first tag that looks like a path (has a ``/``); else the first tag; no tag: no task.
* **levels** (Toggl and Clockify's client, project, task): the non-empty ones joined with
  ``/`` (``Acme`` + ``Website`` + ``Design`` → ``Acme/Website/Design``); the exports split a
  path the other way (at most three levels; the rest stays in the task).
* A path the task file knows gets that task's id; any other path is kept as it is, with no id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deskmeter.models import NO_TASK


def task_from_tags(tags: Sequence[str], known: Mapping[str, str]) -> str | None:
    cleaned = [t.strip().strip("/") for t in tags if t.strip().strip("/")]
    for tag in cleaned:
        if tag in known:
            return tag
    for tag in cleaned:
        if "/" in tag:
            return tag
    return cleaned[0] if cleaned else None


def task_from_levels(*levels: str) -> str | None:
    parts = [part.strip().strip("/") for part in levels]
    path = "/".join(part for part in parts if part)
    return path or None


def levels_of(path: str | None) -> tuple[str, str, str]:
    """``(client, project, task)`` of a task path: ``a`` → project a; ``a/b`` → client a,
    project b; ``a/b/c/d`` → client a, project b, task ``c/d``."""
    if not path or path == NO_TASK:
        return "", "", ""
    parts = path.split("/")
    if len(parts) == 1:
        return "", parts[0], ""
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return parts[0], parts[1], "/".join(parts[2:])


def task_fields(path: str | None, known: Mapping[str, str]) -> dict[str, str | None]:
    """The ``task`` and ``task_id`` of an imported record."""
    return {"task": path, "task_id": known.get(path) if path else None}
