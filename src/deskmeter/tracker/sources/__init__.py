"""Workspace sources: each runs in its own thread and emits ``WorkspaceChanged`` events.

The sources are listed in one table, ``registry.WORKSPACE_SOURCES`` (one row per module here,
read by the configuration, the CLI help and ``make_source``); ``auto`` (``sources.auto``) picks
one from the session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Protocol

from deskmeter.tracker.events import Emit

__all__ = ["Emit", "SourceError", "WorkspaceSource", "is_wayland"]


class WorkspaceSource(Protocol):
    name: str

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit events until ``stop`` is set. Blocks; runs in its own thread."""
        ...


class SourceError(RuntimeError):
    """The source cannot work here; the message says why and what to use instead."""


def is_wayland(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("XDG_SESSION_TYPE") == "wayland" or bool(
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    )


def auto_source_name(environ: Mapping[str, str] | None = None) -> str:
    """The source to use when the configuration says ``auto`` (see ``sources.auto``)."""
    from deskmeter.tracker.sources.auto import decide

    return decide(environ)


def make_source(
    name: str, *, poll_seconds: float = 1.0, retry_seconds: float = 5.0
) -> WorkspaceSource:
    """Build the source ``name`` (a row of ``registry.WORKSPACE_SOURCES``, or ``auto``)."""
    from deskmeter.tracker.sources.registry import (
        WORKSPACE_SOURCES,
        SourceOptions,
        check_source_name,
    )

    if name == "auto":
        name = auto_source_name()
    try:
        spec = WORKSPACE_SOURCES[check_source_name(name)]
    except (KeyError, ValueError) as exc:
        raise SourceError(str(exc).strip('"')) from None
    try:
        cls = spec.load()
    except ImportError as exc:
        raise SourceError(f"the {name} source is not available here: {exc}") from None
    from_options = getattr(cls, "from_options", None)
    options = SourceOptions(poll_seconds=poll_seconds, retry_seconds=retry_seconds)
    source: WorkspaceSource = from_options(options) if from_options else cls()
    return source
