"""CSV cells that a spreadsheet will not run as a formula (OWASP "CSV injection").

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote, so ``=HYPERLINK(...)`` in a workspace name stays text when the
export is opened in a spreadsheet. Numbers are left alone (they are never formulas).
A flag is written ``true`` / ``false`` (what spreadsheets and most CSV readers take as a
boolean), never Python's ``True`` / ``False``.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value``, with a leading ``'`` when it is text that starts like a formula; a flag
    as ``true`` / ``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Every cell of ``record`` made safe."""
    return {key: csv_safe(value) for key, value in record.items()}
