"""The generated format tables of docs/formats.md come from the registries: a row added at test
time is in them, with its one-line description."""

from __future__ import annotations

from deskmeter.formats.docs import markdown_tables
from tests.registries.parts import EXPORT_ROW, IMPORT_ROW


def test_the_docs_tables_list_formats_added_to_the_tables(
    added_import: str, added_export: str
) -> None:
    tables = markdown_tables()
    assert f"| `{added_import}` | {IMPORT_ROW.description} |" in tables
    assert (
        f"| `{added_export}` | `text/x-deskmeter-lines` | `.lines` | {EXPORT_ROW.description} |"
        in tables
    )


def test_a_rows_description_is_its_title_and_summary() -> None:
    assert EXPORT_ROW.description == (
        "Plain lines: One line per switch: its start and its task (a row added at test time)."
    )
