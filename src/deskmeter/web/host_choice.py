"""The host a request chose (``?host=NAME``, checked once by ``web/hosts.py``) and the names of
the hosts each store holds: what every request's context needs of hosts, below it.

The names cost a scan of the switches, so they are kept per store for ``HOST_NAMES_TTL``
seconds.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field

from flask import g, has_request_context

from deskmeter.store import Store

#: Seconds the list of host names is kept per store.
HOST_NAMES_TTL = 30.0
#: Where this request's checked host is kept (``flask.g``).
CHOSEN_KEY = "deskmeter_host"


@dataclass
class HostNames:
    """The names of the hosts of each store, kept for ``ttl`` seconds (thread-safe)."""

    ttl: float = HOST_NAMES_TTL
    _kept: weakref.WeakKeyDictionary[Store, tuple[float, tuple[str, ...]]] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def names(self, store: Store, *, fresh: bool = False) -> tuple[str, ...]:
        """Host names in order; ``fresh`` reads the store now."""
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(store)
        if kept is not None and not fresh and now - kept[0] < self.ttl:
            return kept[1]
        found = tuple(h.name for h in store.hosts() if h.name)
        with self._lock:
            self._kept[store] = (now, found)
        return found


def chosen_host() -> str | None:
    """This request's checked host (None: all hosts, or not checked: never raises)."""
    if not has_request_context():
        return None
    found: str | None = g.get(CHOSEN_KEY)
    return found
