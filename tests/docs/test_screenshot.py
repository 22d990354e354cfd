"""scripts/screenshot.py regenerates the README's screenshot: a real dashboard with synthetic
history in headless Chromium, the same size as the committed docs/images/dashboard.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.scripts import ROOT, load

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (scripts/apt/web.txt)",
    ),
]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_screenshot_script_writes_the_dashboard_png(tmp_path: Path) -> None:
    output = tmp_path / "dashboard.png"
    assert load("screenshot").main(["--output", str(output)]) == 0
    assert png_size(output) == png_size(ROOT / "docs" / "images" / "dashboard.png")
    assert output.stat().st_size > 20_000  # a page with a timeline, not a blank window
