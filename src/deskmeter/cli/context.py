"""What every command shares: the settings and the store, opened lazily."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import typer

from deskmeter.config import Settings, load_settings
from deskmeter.models import utcnow
from deskmeter.store import Store, open_store


@dataclass
class AppContext:
    config: Path | None = None
    store_spec: str | None = None
    verbose: bool = False
    #: "Now" for every figure (a test passes a fixed clock through ``obj=``).
    clock: Callable[[], datetime] = utcnow
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, store=self.store_spec)
        return self._settings

    def open_store(self, *, read_only: bool = False) -> Store:
        """The configured store; ``read_only`` never creates one (a missing file is an error)."""
        return open_store(self.settings.store, read_only=read_only)


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # a sub-command run on its own (tests)
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj
