"""What every request shares: the settings, the store (one per process), the clock, and the
host the request asks for (``web/host_choice.py``; ``web/hosts.py`` checks it)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import current_app, g

from deskmeter.config import Settings
from deskmeter.models import utcnow
from deskmeter.reports.service import Reports
from deskmeter.store import Store, open_store
from deskmeter.web.host_choice import HostNames, chosen_host

EXTENSION = "deskmeter"
REPORTS_EXTENSION = "deskmeter.reports"


class ReportsFactory(Protocol):
    """Builds a request's ``Reports`` (``Reports`` itself, or a benchmark's variant)."""

    def __call__(
        self, store: Store, settings: Settings, now: datetime, host: str | None = None
    ) -> Reports: ...


@dataclass
class StoreHolder:
    """Opens the store on first use in each process (never shared across a fork)."""

    spec: str
    given: Store | None = None
    _store: Store | None = field(default=None, repr=False)
    _pid: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self) -> Store:
        if self.given is not None:
            return self.given
        with self._lock:
            if self._store is None or self._pid != os.getpid():
                self._store = open_store(self.spec)
                self._pid = os.getpid()
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self._pid == os.getpid():
                self._store.close()
            self._store = None


@dataclass
class WebContext:
    settings: Settings
    stores: StoreHolder
    clock: Callable[[], datetime] = utcnow
    #: The names of the hosts each store holds, kept a short while (``web/host_choice.py``).
    host_names: HostNames = field(default_factory=HostNames)

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    @property
    def portfolio(self) -> bool:
        return self.settings.web.mode == "portfolio"

    @property
    def can_write(self) -> bool:
        """Writing needs local mode and a configured token."""
        return not self.portfolio and self.settings.web.token is not None

    @property
    def store(self) -> Store:
        return self.stores.get()

    def now(self) -> datetime:
        return self.clock()


def web_context() -> WebContext:
    context = current_app.extensions[EXTENSION]
    assert isinstance(context, WebContext)
    return context


def times_hidden() -> bool:
    """Whether this dashboard hides clock times (a portfolio without ``show_times``): then
    every range is whole days (a date-time range is refused)."""
    context = web_context()
    return context.portfolio and not context.settings.portfolio.show_times


def current_reports() -> Reports:
    """This request's ``Reports`` (the store's state is read once per request)."""
    found = g.get("deskmeter_reports")
    if isinstance(found, Reports):
        return found
    context = web_context()
    factory: ReportsFactory = current_app.extensions[REPORTS_EXTENSION]
    made = factory(context.store, context.settings, context.now(), host=chosen_host())
    g.deskmeter_reports = made
    return made
