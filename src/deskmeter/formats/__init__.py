"""The import and export formats: one registry table each.

``IMPORTS`` and ``EXPORTS`` (``deskmeter.registry.Registry`` tables: name → format, in
order) are read, when they run, by ``deskmeter import`` / ``deskmeter export`` (their
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
    json_depth_refused,
    read_bytes,
    text_of,
)
from deskmeter.importing.readers import ImportSource, ImportSourceError
from deskmeter.registry import Registry, UnknownNameError

#: Import formats, in the order detection tries them.
IMPORTS: Registry[ImportFormat] = Registry(
    "import format",
    (
        deskmeter_native.IMPORTS[0],  # mongodb (a URI)
        activitywatch.IMPORT,
        timewarrior.IMPORT,
        watson.IMPORT,
        *report_csv.IMPORTS,
        *deskmeter_native.IMPORTS[1:],  # json, csv: Deskmeter's own records
    ),
)

#: Export formats; the first is the default.
EXPORTS: Registry[ExportFormat] = Registry(
    "export format",
    (
        *deskmeter_native.EXPORTS,
        timewarrior.EXPORT,
        *report_csv.EXPORTS,
        ical.EXPORT,
    ),
)


def import_format(name: str) -> ImportFormat:
    try:
        return IMPORTS.row(name)
    except UnknownNameError as exc:
        raise ImportSourceError(str(exc)) from None


def export_format(name: str) -> ExportFormat:
    """The export format ``name``, else ``UnknownNameError`` (a ``ValueError``) listing them."""
    return EXPORTS.row(name)


def default_export() -> str:
    """The export format used when none is named: the table's first."""
    return next(iter(EXPORTS))


def _is_uri(spec: str) -> bool:
    return spec.startswith(("mongodb://", "mongodb+srv://"))


def detect(sample: Sample) -> ImportFormat | None:
    """The first file format whose ``sniff`` recognises ``sample``."""
    for candidate in IMPORTS.values():
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
    data = read_bytes(path)
    if format_name in (None, "json"):  # the usual export: read in bulk, detected or not
        quick = deskmeter_native.quick_json(str(path), data)
        if quick is not None:
            return import_format("json"), quick
    sample = Sample(text_of(data, path))
    if format_name is not None:
        chosen = import_format(format_name)
        if chosen.uri:
            raise ImportSourceError(f"--format {chosen.name} reads a mongodb:// URI, not a file")
    with json_depth_refused(spec):
        if format_name is None:
            found = detect(sample)
            if found is None:
                raise ImportSourceError(
                    f"{spec}: cannot tell its format from its content (give --format, one of "
                    f"{', '.join(n for n, f in IMPORTS.items() if not f.uri)})"
                )
            chosen = found
        return chosen, chosen.read(str(path), sample, context)


__all__ = [
    "EXPORTS",
    "IMPORTS",
    "ExportContext",
    "ExportFormat",
    "ImportContext",
    "ImportFormat",
    "TitleRule",
    "default_export",
    "detect",
    "export_format",
    "import_format",
    "open_import",
]
