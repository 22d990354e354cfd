#!/usr/bin/env python3
"""Write docs/reference/config.md from the settings models (``deskmeter.config``).

Every key of every section: its type and limits, its default, the environment variable that
sets it and its description (the field's ``description``, else the ``#:`` comment above it).
The workspace and presence sources the ``[tracker]`` keys can name come from their registry
tables. ``tests/docs/test_generated_reference.py`` keeps the committed file equal to this
output; run ``python scripts/gen_config_docs.py`` after changing a setting.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen  # noqa: E402
from pydantic import BaseModel, SecretStr  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402
from pydantic_core import PydanticUndefined  # noqa: E402

from deskmeter import config  # noqa: E402

OUTPUT = ROOT / "docs" / "reference" / "config.md"
COMMAND = "python scripts/gen_config_docs.py"
ENV_PREFIX = "DESKMETER_"

#: Defaults computed when the settings load (they depend on the machine), said in words.
COMPUTED_DEFAULTS = {
    "store": "`$XDG_DATA_HOME/deskmeter/deskmeter.db` (`~/.local/share/deskmeter/deskmeter.db`)",
    "timezone": "the system's zone (`TZ`, `/etc/timezone`, `/etc/localtime`), else UTC",
    "task_file": "`$XDG_CONFIG_HOME/deskmeter/tasks.txt` (`~/.config/deskmeter/tasks.txt`)",
    "host": "this machine's host name",
}


#: Said here only while the model has no description of its own (a ``#:`` comment above the
#: field in deskmeter/config.py is the better home: it wins).
FALLBACK_DESCRIPTIONS = {
    "timezone": "The IANA time zone in which days, weeks and months are cut.",
    "task_file": "The task file: one task path per line, `*` marks the current one.",
    "web.host": "The address the dashboard listens on.",
    "web.port": "The dashboard's TCP port.",
    "web.mode": "`local` may switch the current task; `portfolio` is read-only.",
    "goals.per": "The period the goal is counted over.",
    "import.activitywatch.rules.task": "The task path given to the window events that match.",
}


def comments(cls: type) -> dict[str, str]:
    """The ``#:`` comment lines right above each field of ``cls``'s own body."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    found: dict[str, str] = {}
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        above: list[str] = []
        row = node.lineno - 2
        while row >= 0 and lines[row].strip().startswith("#:"):
            above.insert(0, lines[row].strip()[2:].strip())
            row -= 1
        if above:
            found[node.target.id] = " ".join(above)
    return found


def describe(cls: type[BaseModel], name: str, field: FieldInfo, dotted: str) -> str:
    for klass in cls.__mro__:
        if isinstance(klass, type) and issubclass(klass, BaseModel) and name in comments(klass):
            text = comments(klass)[name]
            break
    else:
        text = FALLBACK_DESCRIPTIONS.get(dotted, "")
    if field.description:
        text = field.description
    return cell(text.replace("``", "`"))


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        shown = " or ".join(type_name(a) for a in rest)
        return f"{shown} (optional)" if len(rest) < len(args) else shown
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"table of {type_name(args[0])} → {type_name(args[1])}"
    if annotation is SecretStr:
        return "secret string"
    if annotation is Path:
        return "path"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return getattr(annotation, "__name__", str(annotation))


def limits(field: FieldInfo) -> str:
    words = []
    for item in field.metadata:
        for kind, sign in ((Ge, "≥"), (Gt, ">"), (Le, "≤"), (Lt, "<")):
            if isinstance(item, kind):
                words.append(f"{sign} {_number(getattr(item, kind.__name__.lower()))}")
        if isinstance(item, MinLen):
            words.append(f"at least {_chars(item.min_length)}")
        if isinstance(item, MaxLen):
            words.append(f"at most {_chars(item.max_length)}")
    return ", ".join(words)


def _chars(count: int) -> str:
    return f"{count} character" + ("" if count == 1 else "s")


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else f"{value:g}"


def default(key: str, field: FieldInfo) -> str:
    if key in COMPUTED_DEFAULTS:
        return COMPUTED_DEFAULTS[key]
    if field.default_factory is not None:
        try:
            value = field.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return "computed when loaded"
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(its keys)"
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float):
        return f"`{value:g}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list | dict):
        return f"`{value}`"
    return f"`{value}`"


def model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The section model a field holds, and whether it is an array of tables."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item, True
    return None, False


def toml_name(name: str, field: FieldInfo) -> str:
    return field.alias or name


def sections(
    cls: type[BaseModel], path: tuple[str, ...], env: tuple[str, ...], array: bool
) -> Iterator[str]:
    """The tables of ``cls`` and of the sections it holds, depth first."""
    rows: list[str] = []
    nested: list[tuple[type[BaseModel], tuple[str, ...], tuple[str, ...], bool]] = []
    for name, field in cls.model_fields.items():
        key = toml_name(name, field)
        sub, sub_array = model_of(field.annotation)
        if sub is not None:
            nested.append((sub, (*path, key), (*env, name), sub_array))
            continue
        dotted = ".".join((*path, key))
        variable = ENV_PREFIX + "__".join((*env, name)).upper()
        if array:
            variable = "(in the list)"
        else:
            variable = f"`{variable}`"
            if get_origin(field.annotation) in (list, dict):
                variable += " (JSON)"
        kind = type_name(field.annotation)
        if bounds := limits(field):
            kind += f"; {bounds}"
        rows.append(
            f"| `{key}` | {kind} | {default(dotted, field)} | {variable} | "
            f"{describe(cls, name, field, dotted)} |"
        )
    if path:
        title = f"[[{'.'.join(path)}]]" if array else f"[{'.'.join(path)}]"
        yield f"## `{title}`"
    else:
        yield "## Top level"
    yield ""
    doc = inspect.getdoc(cls) if "__doc__" in cls.__dict__ and cls.__doc__ else ""
    if path and doc:
        yield cell(doc.split("\n\n")[0]).replace("``", "`")
        yield ""
    if array:
        variable = ENV_PREFIX + "__".join(env).upper()
        yield (
            f"Given any number of times in the file; from the environment, the whole list as "
            f"JSON in `{variable}`."
        )
        yield ""
    if rows:
        yield "| key | type | default | environment | description |"
        yield "| --- | --- | --- | --- | --- |"
        yield from rows
        yield ""
    for sub, sub_path, sub_env, sub_array in nested:
        yield from sections(sub, sub_path, sub_env, sub_array)


def source_tables() -> Iterator[str]:
    """The values ``[tracker] source`` and ``presence`` can name, from the registries."""
    from deskmeter.registry.presence_sources import PRESENCE_SOURCES
    from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES

    yield "## Workspace sources (`[tracker] source`)"
    yield ""
    yield (
        "`auto` (the default) picks the first row whose condition holds; any row can be named. "
        "Generated from `deskmeter.registry.workspace_sources.WORKSPACE_SOURCES`; more in "
        "[Desktops](../desktops.md)."
    )
    yield ""
    yield "| source | what it reads | `auto` picks it when |"
    yield "| --- | --- | --- |"
    for name, spec in WORKSPACE_SOURCES.items():
        auto = getattr(spec, "auto", "")
        yield f"| `{name}` | {cell(spec.description)} | {cell(auto)} |"
    yield ""
    yield "## Presence sources (`[tracker] presence`, `logind`)"
    yield ""
    yield (
        "`auto` chooses from the session, `none` runs no idle source. Generated from "
        "`deskmeter.registry.presence_sources.PRESENCE_SOURCES`; more in "
        "[Away time and corrections](../tracking.md#away-time-and-corrections)."
    )
    yield ""
    yield "| source | what it sees | kind |"
    yield "| --- | --- | --- |"
    for name, kind in PRESENCE_SOURCES.items():
        idle = getattr(kind, "idle", None)
        what = "no input (needs `away_after_seconds`)" if idle else "lock and sleep"
        yield f"| `{name}` | {cell(kind.description)} | {what} |"
    yield ""


def render() -> str:
    doc = (inspect.getdoc(config) or "").split("\n\n")[1:2]
    parts = [
        "# Configuration reference",
        "",
        f"<!-- Generated by {COMMAND} from deskmeter.config; do not edit by hand. -->",
        "",
        "One TOML file, `~/.config/deskmeter/config.toml` (`--config FILE` or "
        "`DESKMETER_CONFIG`). " + " ".join(" ".join(doc).split()).replace("``", "`"),
        "",
        "A list or a table from the environment is written as JSON. A bad value stops the "
        "command with one line naming the key (exit status 2). How it fits together: "
        "[Configuration](../configuration.md).",
        "",
        *sections(config.Settings, (), (), False),
        *source_tables(),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def main() -> int:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
