"""Registries: one ordered table per kind of plug-in part, named rows with a description.

Deskmeter has four: the workspace sources (``workspace_sources.WORKSPACE_SOURCES`` here), the
presence sources (``presence_sources.PRESENCE_SOURCES`` here) and the import and export formats
(``formats.IMPORTS``, ``formats.EXPORTS``). The first two live in this package, low in the house,
because the configuration checks ``[tracker] source`` and ``presence`` against them and must not
import the tracker (which imports the configuration). The configuration's validation, the CLI
help, the API, the OpenAPI document and the generated docs read the tables when they run (never
a copy taken at import time), so adding a part is one module and one row.

A ``Registry`` is a ``dict`` from name to row, in table order; ``extra`` holds the choices that
are not rows (``auto``, ``none``) with their descriptions. This module imports nothing from
Deskmeter: anything may read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, Protocol, TypeVar


class Row(Protocol):
    """What every row has: the public name (a setting's value, ``--format``) and one line."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...


R = TypeVar("R", bound=Row)


class UnknownNameError(ValueError):
    """A name no row (and no extra choice) has; ``str()`` is one line listing the choices."""


class Registry(dict[str, R], Generic[R]):
    """The rows of one kind by name, in table order (detection order for import formats)."""

    def __init__(self, kind: str, rows: Iterable[R], *, extra: Mapping[str, str] | None = None):
        super().__init__((row.name, row) for row in rows)
        #: What a row is, in the singular ("export format"): error messages say it.
        self.kind = kind
        #: Choices that are not rows (``auto``, ``none``) → what they mean; listed first.
        self.extra: dict[str, str] = dict(extra or {})

    def names(self) -> tuple[str, ...]:
        """The rows' names, in table order."""
        return tuple(self)

    def choices(self) -> tuple[str, ...]:
        """Everything a setting may say: the extra choices, then the rows."""
        return (*self.extra, *self)

    def described(self) -> list[tuple[str, str]]:
        """(name, description) for every choice: what the docs and the help list."""
        return [*self.extra.items(), *((name, row.description) for name, row in self.items())]

    def unknown(self, name: str) -> str:
        """The one-line message for a name that is not a choice."""
        return f"unknown {self.kind} {name[:60]!r} (one of: {', '.join(self.choices())})"

    def check(self, name: str) -> str:
        """``name`` if it is a choice, else ``UnknownNameError`` listing them."""
        if name not in self.extra and name not in self:
            raise UnknownNameError(self.unknown(name))
        return name

    def row(self, name: str) -> R:
        """The row ``name``, else ``UnknownNameError`` listing the choices."""
        try:
            return self[name]
        except KeyError:
            raise UnknownNameError(self.unknown(name)) from None
