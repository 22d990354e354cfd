"""Issue 22, items 2 and 13: one rule for a host name, wherever one enters.

An empty ``host`` setting let ``edit`` rewrite (and ``edit undo`` undo) every host's
switches; a 600-character host passed ``status`` but killed the tracker on its first switch;
a newline, a zero-width space (``de\\u200bsk`` looks exactly like ``desk``) or a
right-to-left override passed the setting and ``import --host``. The rule of
``deskmeter.hosts`` now refuses them at load (one line, exit 2), at ``import --host``, in
every switch written (both backends; MongoDB on mongomock) and in what sync ships.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import mongomock
import pytest

from deskmeter.config import ConfigError, load_settings
from deskmeter.limits import LimitError
from deskmeter.models import Switch
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MongoSink
from tests.hardening.support import open_store
from tests.web.conftest import utc

BAD_HOSTS = {
    "empty": "",
    "blank": "   ",
    "600 characters": "h" * 600,
    "newline": "de\nsk",
    "zero-width space": "de\u200bsk",
    "right-to-left override": "desk\u202e",
    "left-to-right mark": "\u200edesk",
    "blanks at its ends": " desk",
}


@pytest.mark.parametrize("name", BAD_HOSTS.values(), ids=BAD_HOSTS.keys())
def test_a_bad_host_setting_is_one_line_at_load(
    name: str, xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKMETER_HOST", name)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("bad setting host:"), message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["desk", "Mi-Portátil", "laptop.example.org", "桌面"])
def test_ordinary_host_names_load(name: str, xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMETER_HOST", name)
    assert load_settings().host == name


def _cli(tmp_path: Path, *args: str, host: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETER_")}
    env.update(
        DESKMETER_STORE=str(tmp_path / "s.db"),
        DESKMETER_TIMEZONE="UTC",
        DESKMETER_TASK_FILE=str(tmp_path / "tasks.txt"),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    if host is not None:
        env["DESKMETER_HOST"] = host
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("args", [("status",), ("edit", "undo")])
def test_the_cli_refuses_an_empty_host_with_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = _cli(tmp_path, *args, host="")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "host" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_import_refuses_a_host_with_a_zero_width_space(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps([{"_id": "r1", "date": 1_700_000_000, "delta": 30, "workspace": "w"}]),
        encoding="utf-8",
    )
    done = _cli(tmp_path, "import", str(source), "--host", "de\u200bsk", host="desk")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "invisible" in done.stderr
    assert "Traceback" not in done.stderr


def _switch(host: str) -> Switch:
    return Switch(
        id="z1",
        date=utc(2024, 3, 1, 9),
        delta=60.0,
        workspace_index=0,
        workspace="w",
        task_id=None,
        task=None,
        host=host,
    )


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_no_store_takes_a_switch_whose_host_hides_characters(kind: str, tmp_path: Path) -> None:
    store = open_store(kind, tmp_path)
    with pytest.raises(LimitError, match="host"):
        store.add_switches([_switch("de\u200bsk")])
    assert store.count_switches() == 0
    store.add_switches([_switch("desk")])
    assert store.count_switches() == 1


def test_the_sink_ships_no_document_whose_host_hides_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The remote is mongomock (a stand-in for MongoDB)."""
    client = mongomock.MongoClient(tz_aware=True)
    sink = MongoSink("mongodb://remote.invalid/deskmeter", client=client, host="desk")
    bad = {"_id": "desk\u202e:t1", "host": "desk\u202e", "path": "work/a"}
    good = {"_id": "desk:t2", "host": "desk", "path": "work/b"}
    with caplog.at_level(logging.ERROR, logger="deskmeter.sync"):
        sink.apply([DocChange("task", bad["_id"], bad), DocChange("task", good["_id"], good)])
    assert [d["_id"] for d in client["deskmeter"]["task"].find({})] == ["desk:t2"]
    assert "host name contains" in caplog.text
