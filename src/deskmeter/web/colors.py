"""One colour per task, the same on every page: its area (top level) picks the hue.

The hue comes from a hash of the area, so ``work/a`` and ``work/b`` share it and differ in
lightness and saturation (a hash of the rest of the path). The configuration can pin a colour
to a task or an area (``[views.colors] "work" = "#3366cc"``); the tasks under a pinned area
keep its hue. Colours are hex strings for SVG ``fill`` attributes (the strict CSP forbids
inline styles, not presentation attributes).
"""

from __future__ import annotations

import colorsys
import threading
import zlib
from collections.abc import Mapping
from functools import lru_cache

from deskmeter.models import NO_TASK, area_of

#: The colour of "no task" and of "everything else".
GREY = "#9ca3af"
#: The lightness and saturation ranges siblings spread over.
LIGHTNESS = (0.38, 0.62)
SATURATION = (0.50, 0.72)
#: Area hues are spread on a wheel of this many steps (neighbouring areas stay apart).
HUE_STEPS = 24


@lru_cache(maxsize=16384)
def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _hls(colour: str) -> tuple[float, float, float]:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(red, green, blue)


def _normal(colour: str) -> str:
    hue, lightness, saturation = _hls(colour)
    return _hex(hue, lightness, saturation)


def _spread(low_high: tuple[float, float], seed: int) -> float:
    low, high = low_high
    return low + (high - low) * (seed % 1000) / 999


class TaskColours:
    """``colours(path)`` → ``#rrggbb``; deterministic, with configured overrides."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._overrides = {k.strip("/"): _normal(v) for k, v in (overrides or {}).items()}
        self._cache: dict[str, str] = {}

    def __call__(self, path: str | None) -> str:
        key = path or NO_TASK
        found = self._cache.get(key)
        if found is None:
            found = self._colour(key)
            self._cache[key] = found
        return found

    def _colour(self, path: str) -> str:
        if path in self._overrides:
            return self._overrides[path]
        if path == NO_TASK or path.startswith("other"):
            return GREY
        area = area_of(path)
        rest = path[len(area) :].strip("/")
        pinned = self._pinned_ancestor(path)
        if pinned is not None:
            hue, base_l, base_s = _hls(self._overrides[pinned])
            if pinned == path:
                return self._overrides[pinned]
            seed = _hash(path[len(pinned) :])
            lightness = min(0.75, max(0.25, base_l + (seed % 21 - 10) / 100))
            return _hex(hue, lightness, base_s)
        hue = (_hash(area) % HUE_STEPS) / HUE_STEPS
        if not rest:
            return _hex(hue, 0.46, 0.62)
        seed = _hash(rest)
        return _hex(hue, _spread(LIGHTNESS, seed), _spread(SATURATION, seed // 1000))

    def _pinned_ancestor(self, path: str) -> str | None:
        parts = path.split("/")
        for depth in range(len(parts), 0, -1):
            prefix = "/".join(parts[:depth])
            if prefix in self._overrides:
                return prefix
        return None


_SHARED: dict[tuple[tuple[str, str], ...], TaskColours] = {}
_SHARED_LOCK = threading.Lock()


def shared_colours(overrides: Mapping[str, str] | None = None) -> TaskColours:
    """One ``TaskColours`` per process for a given set of overrides: colours depend only
    on the configuration, so every request reuses the colours already worked out."""
    key = tuple(sorted((overrides or {}).items()))
    found = _SHARED.get(key)
    if found is None:
        with _SHARED_LOCK:
            found = _SHARED.setdefault(key, TaskColours(dict(key)))
    return found
