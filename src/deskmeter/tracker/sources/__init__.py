"""Workspace sources: each runs in its own thread and emits ``WorkspaceChanged`` events.

The sources are listed in one table, ``registry.WORKSPACE_SOURCES`` (one row per module here,
read by the configuration, the CLI help and ``make_source``); ``auto`` (``sources.auto``) picks
one from the session.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Protocol

from deskmeter.tracker.events import Emit, Stop

__all__ = ["Emit", "SourceError", "WorkspaceSource", "is_wayland", "run_source"]

log = logging.getLogger(__name__)


class WorkspaceSource(Protocol):
    name: str

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit events until ``stop`` is set. Blocks; runs in its own thread."""
        ...


def run_source(source: WorkspaceSource, emit: Emit, stop: threading.Event) -> None:
    """A source's thread: its loop, and a crash turned into a failing stop of the tracker.

    A source that dies of an error it does not handle would otherwise leave a tracker that is
    alive (its loop feeds systemd's watchdog) and blind: no switch is recorded until someone
    looks. Stopping with an error lets systemd restart it (``Restart=on-failure``).
    """
    try:
        source.run(emit, stop)
    except Exception as exc:
        log.exception("the %s workspace source failed", source.name)
        emit(Stop(error=f"the {source.name} workspace source failed: {exc!r}"))


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
    from deskmeter.registry.workspace_sources import (
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
