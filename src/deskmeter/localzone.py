"""The machine's time zone name, however the system states it.

In order: ``TZ`` (a zone name, or ``:/path`` to a zone file), ``/etc/timezone``, an
``/etc/localtime`` symlink into a zoneinfo tree, and an ``/etc/localtime`` that is a *copy* of
a zone file (Docker images, some installers): its bytes are compared with the time zone
database (the system's zoneinfo and the ``tzdata`` package) to find its name. ``tzlocal``
gives no name in that last case (it returns the zone unnamed), hence this module.
"""

from __future__ import annotations

import os
import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

ETC_TIMEZONE = Path("/etc/timezone")
ETC_LOCALTIME = Path("/etc/localtime")
#: The TZif file format's magic: a file that does not start with it is not a zone file.
_TZIF = b"TZif"


def _zone_bytes(name: str) -> bytes | None:
    """The TZif data of zone ``name`` from the system's zoneinfo or the tzdata package."""
    for root in zoneinfo.TZPATH:
        candidate = Path(root) / name
        if candidate.is_file():
            return candidate.read_bytes()
    package, _, leaf = f"tzdata.zoneinfo/{name}".rpartition("/")
    try:
        return resources.files(package.replace("/", ".")).joinpath(leaf).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


@cache
def _canonical() -> frozenset[str]:
    """The zones the system's ``zone1970.tab``/``zone.tab`` list (not the old aliases)."""
    names: set[str] = set()
    for root in zoneinfo.TZPATH:
        for table in ("zone1970.tab", "zone.tab"):
            try:
                lines = (Path(root) / table).read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            names.update(line.split("\t")[2] for line in lines if line and not line.startswith("#"))
    return frozenset(names)


def _preference(name: str) -> tuple[int, str]:
    """Listed zones first (Europe/Madrid), then the rest (UTC, GB), legacy ones last."""
    if name.startswith(("Etc/", "posix/", "right/", "SystemV/", "US/", "Canada/", "Mexico/")):
        return (3, name)
    if name in _canonical():
        return (0, name)
    return (1 if "/" in name else 2, name)


@cache
def _names_by_content() -> dict[bytes, str]:
    found: dict[bytes, str] = {}
    for name in sorted(zoneinfo.available_timezones(), key=_preference):
        data = _zone_bytes(name)
        if data is not None:
            found.setdefault(data, name)
    return found


def zone_name_of_file(path: Path) -> str | None:
    """The name of the zone whose file ``path`` is (a copy or a link), or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_TZIF):
        return None
    if path.is_symlink():
        target = str(path.resolve())
        if "zoneinfo/" in target:
            name = target.rsplit("zoneinfo/", 1)[1]
            if _zone_bytes(name) == data:
                return name
    return _names_by_content().get(data)


def system_timezone(
    *, etc_timezone: Path = ETC_TIMEZONE, etc_localtime: Path = ETC_LOCALTIME
) -> str:
    """The machine's time zone name; UTC when nothing names one."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz.startswith("/"):
        named = zone_name_of_file(Path(tz))
        if named:
            return named
    elif tz:
        return tz
    try:
        name = etc_timezone.read_text(encoding="utf-8").strip()
        if name:
            return name
    except OSError:
        pass
    return zone_name_of_file(etc_localtime) or "UTC"
