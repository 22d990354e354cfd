"""Which package may import which: read from the source's syntax trees (nothing is imported).

* nothing outside ``cli/`` imports ``deskmeter.cli`` (the CLI is the outermost layer; only
  ``__main__.py``, the entry point, starts it);
* ``importing/`` does not depend on ``sync/``;
* the tracker needs no pymongo or bson (MongoDB stays inside its backend and sync);
* the store depends on none of the layers that use it (cli, web, sync, tracker);
* only the web app itself and ``cli/web_cmd.py`` (which starts it) import ``deskmeter.web``:
  the CLI's reports and the reports layer (``reports/``) take their figures from
  ``deskmeter.reports``, never from the web app;
* the reports layer needs no web framework (no flask, werkzeug or jinja2).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "deskmeter"

#: (the package whose files are checked, the imports they must not have).
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("*", ("deskmeter.cli",)),
    ("importing", ("deskmeter.sync",)),
    ("tracker", ("pymongo", "bson")),
    ("store", ("deskmeter.cli", "deskmeter.web", "deskmeter.sync", "deskmeter.tracker")),
    ("outside-web", ("deskmeter.web",)),
    ("reports", ("flask", "werkzeug", "jinja2", "deskmeter.web", "deskmeter.cli")),
]

#: The files outside ``web/`` that may import ``deskmeter.web``: the command that serves it.
WEB_STARTERS = ("cli/web_cmd.py",)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved; ``from a import b`` gives a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def breaks(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def files_of(scope: str) -> list[Path]:
    if scope == "*":
        return sorted(
            p
            for p in PACKAGE.rglob("*.py")
            if p.relative_to(PACKAGE).parts[0] not in ("cli", "__main__.py")
        )
    if scope == "outside-web":
        return sorted(
            p
            for p in PACKAGE.rglob("*.py")
            if p.relative_to(PACKAGE).parts[0] != "web"
            and p.relative_to(PACKAGE).as_posix() not in WEB_STARTERS
        )
    return sorted((PACKAGE / scope).rglob("*.py"))


@pytest.mark.parametrize(("scope", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_layers_import_only_what_they_may(scope: str, forbidden: tuple[str, ...]) -> None:
    files = files_of(scope)
    assert files, f"no sources under {scope}"
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in imported(path)
        if breaks(name, forbidden)
    )
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_imports_of_every_form(tmp_path: Path) -> None:
    sample = PACKAGE / "web" / "blueprints" / "api.py"
    names = imported(sample)
    assert "deskmeter.records" in names and "flask.Blueprint" in names
    assert breaks("deskmeter.cli.export_cmd", ("deskmeter.cli",))
    assert not breaks("deskmeter.client", ("deskmeter.cli",))


def test_the_web_rule_covers_the_cli_and_the_reports_but_not_the_web_command() -> None:
    checked = {p.relative_to(PACKAGE).as_posix() for p in files_of("outside-web")}
    assert {"cli/report_cmd.py", "cli/status_cmd.py", "reports/__init__.py"} <= checked
    assert "cli/web_cmd.py" not in checked
    assert not any(name.startswith("web/") for name in checked)


def private_imports(path: Path) -> list[str]:
    """``from deskmeter.x import _name``: a module reaching into another's private helpers."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("deskmeter")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_no_module_imports_another_modules_private_helpers() -> None:
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        for name in private_imports(path)
    )
    assert not wrong, "\n".join(wrong)


#: The store's own rules: it needs nothing of ``deskmeter.edits`` (the edit record lives in
#: ``store/edit_record.py``), each backend package nothing of the other, and the parts both
#: share (``store/*.py``) neither backend: the time arithmetic is ``store/instants.py``.
STORE_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("store", ("deskmeter.edits",)),
    ("store/sqlite", ("deskmeter.store.mongo", "pymongo", "bson")),
    ("store/mongo", ("deskmeter.store.sqlite", "sqlite3")),
]


def shared_store_files() -> list[Path]:
    return sorted((PACKAGE / "store").glob("*.py"))


@pytest.mark.parametrize(("scope", "forbidden"), STORE_RULES, ids=[r[0] for r in STORE_RULES])
def test_the_store_and_its_backends_keep_to_their_own(
    scope: str, forbidden: tuple[str, ...]
) -> None:
    files = files_of(scope)
    assert files, f"no sources under {scope}"
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in imported(path)
        if breaks(name, forbidden)
    )
    assert not wrong, "\n".join(wrong)


def test_the_shared_store_parts_import_neither_backend() -> None:
    backends = ("deskmeter.store.sqlite", "deskmeter.store.mongo", "pymongo", "sqlite3")
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in shared_store_files()
        if path.name != "__init__.py"  # open_store chooses a backend: its one job
        for name in imported(path)
        if breaks(name, backends)
    )
    assert not wrong, "\n".join(wrong)
