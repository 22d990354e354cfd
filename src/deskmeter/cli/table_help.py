"""Options whose help and choices come from a registry table when the command is built.

Typer reads an option's help when it builds the click command (on every run), not when the
module is imported; ``table_option`` hands it text written from the table at that moment, so a
row added to a table (a new format, a new source) is in ``--help`` without editing the command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import typer
from typer.models import OptionInfo


class TableOption(OptionInfo):
    """An ``OptionInfo`` whose ``help`` is ``describe()``, asked when typer reads it."""

    def __init__(self, base: OptionInfo, describe: Callable[[], str]) -> None:
        self.__dict__.update(base.__dict__)
        self._describe = describe

    @property
    def help(self) -> str:
        return self._describe()

    @help.setter
    def help(self, value: str | None) -> None:
        """Typer's own ``__init__`` and copies set it; the table's text wins."""


def table_option(*param_decls: str, describe: Callable[[], str], **options: Any) -> Any:
    """``typer.Option(*param_decls, **options)`` with its help written by ``describe``."""
    return TableOption(typer.Option(*param_decls, **options), describe)


def named_list(rows: Iterable[tuple[str, str]]) -> str:
    """``name (what), name (what)``: the choices as the help lists them."""
    return ", ".join(f"{name} ({what})" for name, what in rows)
