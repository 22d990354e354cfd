"""Usage errors in plain words: no pydantic wording, no far-fetched "possible options".

Typer reports a bad choice as ``Value error, 'wek' is not one of 'today', ...`` and click
suggests any option for an unknown one (``No such option: --host (Possible options:
--start)``). ``plain_message`` rewrites the first into ``'wek' is not one of today,
yesterday, week, month, year (did you mean 'week'?)``; ``close_options`` keeps only
suggestions that look like what was typed.
"""

from __future__ import annotations

import difflib
import importlib
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

import click
import typer

#: How alike a suggestion must be to what was typed (difflib's ratio).
CLOSE_ENOUGH = 0.75

_NOT_ONE_OF = re.compile(r"'(?P<value>[^']*)' is not one of (?P<choices>.+?)\.?$")
_NO_MATCH = re.compile(r"'(?P<value>[^']*)' does not match the formats? (?P<formats>.+?)\.?$")


def close_options(typed: str, possibilities: Iterable[str]) -> list[str]:
    """The ``possibilities`` that look like ``typed`` (``--strat`` → ``--start``)."""
    return difflib.get_close_matches(typed, list(possibilities), n=3, cutoff=CLOSE_ENOUGH)


def plain_message(message: str) -> str:
    """``message`` without pydantic's ``Value error, `` and with choices listed plainly."""
    text = message.replace("Value error, ", "")
    found = _NOT_ONE_OF.search(text)
    if found is not None:
        choices = re.findall(r"'([^']*)'", found["choices"])
        guess = difflib.get_close_matches(found["value"], choices, n=1, cutoff=0.6)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        plain = f"{found['value']!r} is not one of {', '.join(choices)}{hint}"
        return text[: found.start()] + plain
    found = _NO_MATCH.search(text)
    if found is not None:
        plain = f"{found['value']!r} is not a date: use YYYY-MM-DD, today, yesterday, monday, -7d"
        return text[: found.start()] + plain
    return text


def _classes(name: str) -> tuple[type[BaseException], ...]:
    """``name`` from click and from the click that newer typers carry inside (both, when
    both exist: which one raises depends on the typer installed)."""
    found: list[type[BaseException]] = []
    for module_name in ("click.exceptions", "typer._click.exceptions"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls not in found:
            found.append(cls)
    return tuple(found)


#: The usage errors (bad option, bad value) and other errors click reports itself.
CLICK_ERRORS: tuple[type[BaseException], ...] = _classes("ClickException") or (
    click.ClickException,
)
#: Ctrl-C at a prompt.
ABORTS: tuple[type[BaseException], ...] = (*_classes("Abort"), typer.Abort)


def show_usage_error(exc: Any) -> NoReturn:
    """Print a click error in plain words and exit with its status (2 for usage)."""
    if isinstance(getattr(exc, "possibilities", None), list | tuple) and hasattr(
        exc, "option_name"
    ):
        exc.possibilities = close_options(exc.option_name, exc.possibilities)
    if isinstance(getattr(exc, "message", None), str):
        exc.message = plain_message(exc.message)
    exc.show()
    sys.exit(getattr(exc, "exit_code", 2))
