"""What every presence source offers (the tracker picks them in ``presence/__init__.py``)."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from deskmeter.tracker.events import Emit

__all__ = ["Emit", "PresenceSource"]

log = logging.getLogger(__name__)


class PresenceSource(Protocol):
    name: str
    #: How often the source's thread woke up (for the benchmark and the logs).
    wakeups: int

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit ``Away``/``Back`` events until ``stop`` is set (then ``wake`` is called)."""
        ...

    def wake(self) -> None:
        """Make ``run`` notice that ``stop`` is set."""
        ...
