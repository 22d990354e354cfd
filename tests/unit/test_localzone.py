"""The machine's time zone name, also from a copied (not symlinked) /etc/localtime."""

from __future__ import annotations

import shutil
import zoneinfo
from pathlib import Path

import pytest

from deskmeter import localzone
from deskmeter.config import Settings
from deskmeter.localzone import system_timezone, zone_name_of_file


def zone_file(name: str) -> Path:
    for root in zoneinfo.TZPATH:
        if (Path(root) / name).is_file():
            return Path(root) / name
    pytest.skip(f"no system zoneinfo file for {name}")


@pytest.fixture(autouse=True)
def no_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TZ", raising=False)


@pytest.mark.parametrize("zone", ["Europe/Madrid", "Australia/Sydney", "America/New_York"])
def test_a_copied_localtime_is_named_by_its_content(tmp_path: Path, zone: str) -> None:
    copied = tmp_path / "localtime"
    shutil.copy(zone_file(zone), copied)
    assert not copied.is_symlink()
    assert system_timezone(etc_timezone=tmp_path / "none", etc_localtime=copied) == zone


def test_a_symlinked_localtime_is_named_by_its_target(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to(zone_file("America/New_York"))
    assert system_timezone(etc_timezone=tmp_path / "none", etc_localtime=link) == (
        "America/New_York"
    )


def test_tz_naming_a_copied_file_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = tmp_path / "zone"
    shutil.copy(zone_file("Asia/Tokyo"), copied)
    monkeypatch.setenv("TZ", f":{copied}")
    assert system_timezone(etc_timezone=tmp_path / "none", etc_localtime=tmp_path / "none") == (
        "Asia/Tokyo"
    )
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    assert system_timezone() == "Europe/Lisbon"


def test_etc_timezone_wins_over_localtime_and_nothing_means_utc(tmp_path: Path) -> None:
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    copied = tmp_path / "localtime"
    shutil.copy(zone_file("Asia/Tokyo"), copied)
    assert system_timezone(etc_timezone=tmp_path / "timezone", etc_localtime=copied) == (
        "Europe/Berlin"
    )
    (tmp_path / "garbage").write_bytes(b"not a zone file")
    assert system_timezone(etc_timezone=tmp_path / "x", etc_localtime=tmp_path / "garbage") == (
        "UTC"
    )


def test_the_tzdata_package_serves_when_the_system_has_no_zoneinfo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zoneinfo, "TZPATH", ())
    copied = tmp_path / "localtime"  # a copy of the tzdata package's file
    copied.write_bytes(localzone._zone_bytes("Australia/Sydney") or b"")
    localzone._names_by_content.cache_clear()
    try:
        name = zone_name_of_file(copied)
        # Without the system's zone tables an alias of the same zone may come first.
        assert name is not None and name.startswith("Australia/")
        assert localzone._zone_bytes(name) == copied.read_bytes()
    finally:
        localzone._names_by_content.cache_clear()


def test_settings_default_to_the_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(localzone, "ETC_TIMEZONE", Path("/nonexistent"))
    monkeypatch.setattr(localzone, "system_timezone", lambda: "Europe/Madrid")
    assert Settings().timezone == "Europe/Madrid"
