"""Fixtures: Debian 13's Sway 1.10 and KWin 6.3 (and unstable's labwc) from the GNOME trees.

The tree is mounted once per session (tests/desktops_chroot/chroot.py) and a venv made by its
python3 holds this checkout's deskmeter; every ``UserTracker`` of these tests starts that
``deskmeter track`` inside the chroot as the test user. A tree that cannot be built FAILS the
tests with the build's reason: these compositors are required, as the newer GNOME Shells are.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktops import compositors
from tests.desktops.compositors import KWin, Sway, UserTracker, start_kwin, start_sway
from tests.desktops_chroot.chroot import (
    Labwc,
    chroot_start,
    kwin_bin_in,
    make_venv,
    mounted_tree,
    rootfs,
    start_labwc,
    state_once_tracking,
)


@pytest.fixture(scope="session")
def trixie() -> Iterator[tuple[Path, Path]]:
    """The mounted Debian 13 tree and the venv inside it."""
    with mounted_tree(rootfs("trixie")) as tree:
        venv = make_venv(tree)
        yield tree, venv
        shutil.rmtree(venv.parent, ignore_errors=True)


@pytest.fixture
def in_trixie(trixie: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    tree, venv = trixie
    monkeypatch.setattr(UserTracker, "start", chroot_start(venv))
    monkeypatch.setattr(UserTracker, "state", state_once_tracking())
    return tree


@pytest.fixture
def sway(in_trixie: Path) -> Iterator[Sway]:
    """Sway 1.10 (Debian 13), headless, as the test user."""
    session = start_sway(root=in_trixie)
    yield session
    session.stop()


@pytest.fixture
def kwin(in_trixie: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KWin]:
    """KWin 6.3 (Debian 13) ``--virtual``, as the test user in its own session bus."""
    monkeypatch.setattr(compositors, "user_dir", kwin_bin_in(in_trixie))
    session = start_kwin(root=in_trixie)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sid() -> Iterator[tuple[Path, Path]]:
    """The mounted Debian unstable tree and the venv inside it."""
    with mounted_tree(rootfs("sid")) as tree:
        venv = make_venv(tree)
        yield tree, venv
        shutil.rmtree(venv.parent, ignore_errors=True)


@pytest.fixture
def labwc(sid: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Labwc]:
    """labwc (Debian unstable) headless, as the test user, with three named workspaces."""
    tree, venv = sid
    monkeypatch.setattr(UserTracker, "start", chroot_start(venv))
    monkeypatch.setattr(UserTracker, "state", state_once_tracking())
    session = start_labwc(tree, ["mail", "code", "web"])
    yield session
    session.stop()
