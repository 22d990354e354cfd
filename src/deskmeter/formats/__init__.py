"""The import and export formats: one registry table each.

``IMPORTS`` and ``EXPORTS`` are read by ``deskmeter import`` / ``deskmeter export`` (their
``--format`` choices and help), the API's ``/api/v1/export`` (its ``format`` parameter and
media types), the OpenAPI document and docs/formats.md (a test keeps the docs listing every
format). A new format is one module here and one line in a table.

Detection: a ``mongodb://`` URI is the original Deskmeter's database; a file is read once and
each import format's ``sniff`` looks at its content, in table order (the file name is never
used); ``--format NAME`` skips detection.
"""

from __future__ import annotations

from pathlib import Path

from deskmeter.formats import activitywatch, deskmeter_native, ical, report_csv, timewarrior, watson
from deskmeter.formats.base import (
    ExportContext,
    ExportFormat,
    ImportContext,
    ImportFormat,
    Sample,
    TitleRule,
    read_text,
)
from deskmeter.importing.readers import ImportSource, ImportSourceError

#: Import formats, in the order detection tries them.
IMPORTS: tuple[ImportFormat, ...] = (
    deskmeter_native.IMPORTS[0],  # mongodb (a URI)
    activitywatch.IMPORT,
    timewarrior.IMPORT,
    watson.IMPORT,
    *report_csv.IMPORTS,
    *deskmeter_native.IMPORTS[1:],  # json, csv: Deskmeter's own records
)

#: Export formats; the first is the default.
EXPORTS: tuple[ExportFormat, ...] = (
    *deskmeter_native.EXPORTS,
    timewarrior.EXPORT,
    *report_csv.EXPORTS,
    ical.EXPORT,
)

IMPORT_NAMES: tuple[str, ...] = tuple(f.name for f in IMPORTS)
EXPORT_NAMES: tuple[str, ...] = tuple(f.name for f in EXPORTS)


def import_format(name: str) -> ImportFormat:
    for found in IMPORTS:
        if found.name == name:
            return found
    raise ImportSourceError(f"unknown import format {name!r} (one of {', '.join(IMPORT_NAMES)})")


def export_format(name: str) -> ExportFormat:
    for found in EXPORTS:
        if found.name == name:
            return found
    raise KeyError(name)


def _is_uri(spec: str) -> bool:
    return spec.startswith(("mongodb://", "mongodb+srv://"))


def detect(sample: Sample) -> ImportFormat | None:
    """The first file format whose ``sniff`` recognises ``sample``."""
    for candidate in IMPORTS:
        if not candidate.uri and candidate.sniff(sample):
            return candidate
    return None


def open_import(
    spec: str, context: ImportContext, *, format_name: str | None = None
) -> tuple[ImportFormat, ImportSource]:
    """The format and the records of ``spec`` (a file path or a ``mongodb://`` URI)."""
    if _is_uri(spec):
        chosen = import_format(format_name or "mongodb")
        if not chosen.uri:
            raise ImportSourceError(f"--format {chosen.name} reads a file, not a URI")
        return chosen, chosen.read(spec, None, context)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise ImportSourceError(f"{spec}: no such file (give a file or a mongodb:// URI)")
    sample = Sample(read_text(path))
    if format_name is not None:
        chosen = import_format(format_name)
        if chosen.uri:
            raise ImportSourceError(f"--format {chosen.name} reads a mongodb:// URI, not a file")
    else:
        found = detect(sample)
        if found is None:
            raise ImportSourceError(
                f"{spec}: cannot tell its format from its content (give --format, one of "
                f"{', '.join(n for n in IMPORT_NAMES if n != 'mongodb')})"
            )
        chosen = found
    return chosen, chosen.read(str(path), sample, context)


__all__ = [
    "EXPORTS",
    "EXPORT_NAMES",
    "IMPORTS",
    "IMPORT_NAMES",
    "ExportContext",
    "ExportFormat",
    "ImportContext",
    "ImportFormat",
    "TitleRule",
    "detect",
    "export_format",
    "import_format",
    "open_import",
]
