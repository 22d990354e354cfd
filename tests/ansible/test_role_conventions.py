"""The conventions every role under roles/ keeps, checked from its files (no Ansible run).

* ``defaults/main.yml`` and ``meta/argument_specs.yml`` agree: every default is a documented
  option, an option's ``default`` equals the one in defaults/main.yml, every option that is not
  ``required`` has a default there, and a ``required: true`` option has none (in either file).
* Internal names carry the ``__<role>_`` prefix: registers, ``set_fact`` names and task-level
  ``vars`` of the role's tasks and handlers. The public ``<role>_`` prefix is allowed only for a
  documented output (named in the role's README.md).
* The playbook does not restate role defaults: a variable set in local.yml, in
  inventory/group_vars/workstation.yml or in molecule/local to the role's default value is flagged
  (the defaults live in one place, defaults/main.yml).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ansible.conftest import ROOT

ROLES = sorted(p.parent.parent.name for p in (ROOT / "roles").glob("*/meta/main.yml"))
# Task keywords whose value holds more tasks.
BLOCKS = ("block", "rescue", "always")
# What a play or include may set that is not a role variable.
NOT_ROLE_VARS = {"ansible_user", "ansible_become", "ansible_python_interpreter"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text()) if path.exists() else None


def defaults(role: str) -> dict[str, Any]:
    return load(ROOT / "roles" / role / "defaults" / "main.yml") or {}


def options(role: str) -> dict[str, dict[str, Any]]:
    """Every option of every entry point of the role's argument_specs."""
    spec = load(ROOT / "roles" / role / "meta" / "argument_specs.yml") or {}
    found: dict[str, dict[str, Any]] = {}
    for entry in (spec.get("argument_specs") or {}).values():
        found.update((entry or {}).get("options") or {})
    return found


def tasks_of(role: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every task of the role's tasks/ and handlers/, blocks flattened."""

    def walk(path: Path, items: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
        for task in items or []:
            if not isinstance(task, dict):
                continue
            yield path, task
            for key in BLOCKS:
                yield from walk(path, task.get(key))

    for folder in ("tasks", "handlers"):
        for path in sorted((ROOT / "roles" / role / folder).glob("**/*.yml")):
            yield from walk(path, load(path))


def includes_a_role(task: dict[str, Any]) -> bool:
    return any(k.split(".")[-1] in ("include_role", "import_role") for k in task)


def internal_names(role: str) -> Iterator[tuple[str, str, str]]:
    """(file, what, name) for every register, set_fact name and task-level var."""
    for path, task in tasks_of(role):
        where = str(path.relative_to(ROOT))
        if isinstance(task.get("register"), str):
            yield where, "register", task["register"]
        for key, value in task.items():
            if key.split(".")[-1] == "set_fact" and isinstance(value, dict):
                for name in value:
                    if name not in ("cacheable",):
                        yield where, "set_fact", name
        if isinstance(task.get("vars"), dict) and not includes_a_role(task):
            for name in task["vars"]:
                yield where, "vars", name


def same(a: Any, b: Any) -> bool:
    """Equal as Ansible would see them (YAML 1 vs "1" differ; folded strings lose the newline)."""
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return bool(a == b and type(a) is type(b))


@pytest.mark.parametrize("role", ROLES)
def test_every_default_is_a_documented_option(role: str) -> None:
    missing = sorted(set(defaults(role)) - set(options(role)))
    assert not missing, f"{role}: in defaults/main.yml, not in meta/argument_specs.yml: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_defaults_equal_the_role_defaults(role: str) -> None:
    values = defaults(role)
    wrong = {
        name: (spec["default"], values[name])
        for name, spec in options(role).items()
        if "default" in spec and name in values and not same(spec["default"], values[name])
    }
    assert not wrong, f"{role}: argument_specs default vs defaults/main.yml: {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_optional_options_have_a_default(role: str) -> None:
    values = defaults(role)
    lacking = sorted(
        name
        for name, spec in options(role).items()
        if not spec.get("required") and name not in values
    )
    assert not lacking, f"{role}: optional options without a value in defaults/main.yml: {lacking}"


@pytest.mark.parametrize("role", ROLES)
def test_required_options_have_no_default(role: str) -> None:
    values = defaults(role)
    wrong = sorted(
        name
        for name, spec in options(role).items()
        if spec.get("required") and ("default" in spec or name in values)
    )
    assert not wrong, f"{role}: required options that also have a default: {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_internal_names_use_the_role_prefix(role: str) -> None:
    readme = (ROOT / "roles" / role / "README.md").read_text()
    public = set(defaults(role)) | set(options(role))
    wrong = []
    for where, what, name in internal_names(role):
        if name.startswith(f"__{role}_"):
            continue
        if what == "vars" and name in public:
            continue  # a task overriding one of the role's own settings
        if name.startswith(f"{role}_") and name in readme:
            continue  # a documented output
        wrong.append(f"{where}: {what} {name}")
    assert not wrong, f"{role}: internal names without the __{role}_ prefix:\n" + "\n".join(wrong)


# -- the playbook does not restate role defaults ------------------------------------------


def all_defaults() -> dict[str, tuple[str, Any]]:
    return {name: (role, value) for role in ROLES for name, value in defaults(role).items()}


def playbook_settings() -> Iterator[tuple[str, str, Any]]:
    """(where, name, value) of every variable local.yml and its inventory / scenario set."""
    for path in [ROOT / "inventory" / "group_vars" / "workstation.yml"]:
        for name, value in (load(path) or {}).items():
            yield str(path.relative_to(ROOT)), name, value

    def plays(path: Path) -> Iterator[tuple[str, str, Any]]:
        for play in load(path) or []:
            where = str(path.relative_to(ROOT))
            for name, value in (play.get("vars") or {}).items():
                yield where, name, value
            for _, task in (("", t) for t in play.get("tasks") or []):
                for name, value in (task.get("vars") or {}).items():
                    yield where, name, value

    yield from plays(ROOT / "local.yml")
    for path in sorted((ROOT / "molecule" / "local").glob("*.yml")):
        if path.name != "molecule.yml":
            yield from plays(path)
    scenario = load(ROOT / "molecule" / "local" / "molecule.yml") or {}
    inventory = (scenario.get("provisioner") or {}).get("inventory") or {}
    for section in ("group_vars", "host_vars"):
        for group in (inventory.get(section) or {}).values():
            for name, value in (group or {}).items():
                yield "molecule/local/molecule.yml", name, value


def test_local_playbook_does_not_restate_role_defaults() -> None:
    known = all_defaults()
    restated = [
        f"{where}: {name} = {value!r} is {role}'s default"
        for where, name, value in playbook_settings()
        if name in known and name not in NOT_ROLE_VARS and same(value, known[name][1])
        for role in [known[name][0]]
    ]
    assert not restated, "set only what differs from the defaults:\n" + "\n".join(restated)


def test_the_checks_see_the_roles() -> None:
    """The tests above would pass vacuously on a layout they cannot read."""
    assert {"deskmeter", "mongodb", "gnome_extension", "sync_tunnel"} <= set(ROLES)
    assert all(options(role) for role in ROLES)
    assert any(True for _ in internal_names("deskmeter"))
    assert "deskmeter_web_port" in all_defaults()
