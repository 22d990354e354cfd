"""Text in a month cell is readable on every heat level, in both themes (WCAG AA, 4.5:1).

The month page's "+N more" line was muted grey on the heat colours: 3.9:1 on level 4 in the
light theme and 3.2:1 in the dark one (axe's ``color-contrast``, seen on days that happened to
reach level 4). The rule is checked here on the stylesheet itself, for every level, so it does
not depend on which days a browser test's data happens to colour.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "src/deskmeter/web/static/style.css"
LEVELS = [f"l{i}" for i in range(6)]


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def themes() -> dict[str, dict[str, str]]:
    text = CSS.read_text(encoding="utf-8")
    light = variables(text[text.index(":root {") : text.index("}", text.index(":root {"))])
    start = text.index(':root[data-theme="dark"] {')
    dark = {**light, **variables(text[start : text.index("}", start)])}
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rule_colour(selector: str) -> str:
    """The variable a rule's ``color`` names, e.g. ``ink`` for ``color: var(--ink)``."""
    text = CSS.read_text(encoding="utf-8")
    found = re.search(re.escape(selector) + r"\s*\{[^}]*?color:\s*var\(--([\w-]+)\)", text)
    assert found, f"no color rule for {selector}"
    return found.group(1)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("selector", [".day-tasks .rest", ".calendar .day-link"])
def test_cell_text_is_readable_on_every_heat_level(theme: str, selector: str) -> None:
    palette = themes()[theme]
    ink = palette[rule_colour(selector)]
    weak = {
        level: round(contrast(ink, palette[level]), 2)
        for level in LEVELS
        if contrast(ink, palette[level]) < 4.5
    }
    assert weak == {}, f"{selector} ({ink}) below 4.5:1 in {theme}: {weak}"


def test_the_check_itself_finds_the_old_muted_grey_too_weak() -> None:
    """The old colour (muted) fails this check on level 4, in both themes."""
    for palette in themes().values():
        assert contrast(palette["muted"], palette["l4"]) < 4.5
