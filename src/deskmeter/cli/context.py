"""What every command shares: the settings and the store, opened lazily."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import typer

from deskmeter.config import Settings, load_settings
from deskmeter.store import Store, open_store


@dataclass
class AppContext:
    config: Path | None = None
    store_spec: str | None = None
    verbose: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, store=self.store_spec)
        return self._settings

    def open_store(self, *, read_only: bool = False) -> Store:
        """The configured store; ``read_only`` never creates one (a missing file is an error)."""
        return open_store(self.settings.store, read_only=read_only)


def choice_of(names: Sequence[str]) -> Callable[[str | None], str | None]:
    """A typer callback that accepts one of ``names`` (or nothing) and refuses the rest."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in names:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(names)}")
        return value

    return check


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # a sub-command run on its own (tests)
        obj = AppContext()
        ctx.find_root().obj = obj
    return obj
