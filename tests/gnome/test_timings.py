"""artifacts/gnome/times.json says what the JUnit file says: pytest's own per-test durations.

The hooks of tests/gnome/conftest.py are driven here with real ``TestReport`` objects, in a
fresh copy of the module (the live one keeps recording this session).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")


def fresh_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gnome_conftest_copy", CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeItem:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


def report(nodeid: str, when: str, duration: float, outcome: str = "passed") -> pytest.TestReport:
    return pytest.TestReport(
        nodeid=nodeid,
        location=("tests/gnome/test_x.py", 1, nodeid),
        keywords={},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=None,
        when=when,  # type: ignore[arg-type]
        duration=duration,
    )


def test_each_test_gets_its_own_setup_call_teardown_and_the_boot_is_its_own_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKMETER_ARTIFACTS", str(tmp_path))
    conftest = fresh_conftest()
    first = "tests/gnome/test_x.py::test_boots[48]"
    second = "tests/gnome/test_x.py::test_label[48]"
    other = "tests/unit/test_y.py::test_z"

    conftest.pytest_runtest_setup(FakeItem(first))
    conftest.record("shells", {"version": "48", "step": "boot", "seconds": 3.5})
    conftest.pytest_runtest_logreport(report(first, "setup", 3.75))
    conftest.pytest_runtest_call(FakeItem(first))
    conftest.pytest_runtest_logreport(report(first, "call", 0.25))
    conftest.pytest_runtest_teardown(FakeItem(first))
    conftest.pytest_runtest_logreport(report(first, "teardown", 0.0))
    for when, seconds in (("setup", 0.1), ("call", 7.0), ("teardown", 0.5)):
        conftest.pytest_runtest_logreport(report(second, when, seconds))
    conftest.pytest_runtest_logreport(report(other, "call", 9.0))
    conftest.pytest_sessionfinish(None)

    times = json.loads((tmp_path / "gnome" / "times.json").read_text())
    assert times["tests"][first] == {
        "setup": 3.75,
        "call": 0.25,
        "teardown": 0.0,
        "total": 4.0,  # what the JUnit file shows (setup + call + teardown)
        "outcome": "passed",
    }
    assert times["tests"][second]["total"] == 7.6
    assert other not in times["tests"]  # only the GNOME tests
    assert times["shells"] == [
        {"version": "48", "step": "boot", "seconds": 3.5, "part_of": first, "when": "setup"}
    ]
    assert times["total_by_shell_version"] == {"48": 11.6}
