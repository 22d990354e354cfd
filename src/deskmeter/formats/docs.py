"""The format tables of docs/formats.md, made from the registries (a test keeps them equal)."""

from __future__ import annotations

from deskmeter.formats import EXPORTS, IMPORTS

BEGIN = "<!-- formats:begin (generated from deskmeter.formats; see tests/formats) -->"
END = "<!-- formats:end -->"


def markdown_tables() -> str:
    lines = [
        BEGIN,
        "",
        "| import `--format` | reads |",
        "| --- | --- |",
        *(f"| `{f.name}` | {f.description} |" for f in IMPORTS.values()),
        "",
        "| export `--format` | media type | file | writes |",
        "| --- | --- | --- | --- |",
        *(
            f"| `{f.name}` | `{f.media_type}` | `.{f.extension}` | {f.description} |"
            for f in EXPORTS.values()
        ),
        "",
        END,
    ]
    return "\n".join(lines)


def replace_tables(text: str) -> str:
    """``text`` (docs/formats.md) with its generated block made anew."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + markdown_tables() + tail
