"""What every command shares: the settings and the store, opened lazily."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    #: Where every command takes "now" from (today, this week, a running interval, relative
    #: dates): the system clock; tests pass their own through ``CliRunner.invoke(obj=...)``.
    clock: Callable[[], datetime] = utcnow
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, store=self.store_spec)
        return self._settings

    def now(self) -> datetime:
        """The current instant, aware UTC, from this context's clock."""
        return self.clock()

    def open_store(self, *, read_only: bool = False) -> Store:
        """The configured store; ``read_only`` never creates one (a missing file is an error)."""
        return open_store(self.settings.store, read_only=read_only)


def choice_of(
    names: Sequence[str] | Callable[[], Sequence[str]],
) -> Callable[[str | None], str | None]:
    """A typer callback that accepts one of ``names`` (or nothing) and refuses the rest.

    ``names`` may be a function (a registry's ``names``): it is asked on each use, so a row
    added to the table is accepted without editing the command.
    """

    def check(value: str | None) -> str | None:
        allowed = names() if callable(names) else names
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return check


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # a sub-command run on its own (tests)
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj
