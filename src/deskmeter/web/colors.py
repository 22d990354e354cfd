"""One colour per task, the same on every page: its area (top level) picks a hue family.

The area's hue comes from a hash of the area, on a wheel that leaves out the two hues with
a meaning of their own: red (over a cap, a missed target) and the heat map's blue. The
tasks of an area are told apart by hue within the family (up to ``TASK_HUE_SPREAD`` either
side) and by lightness, so ``work/a`` and ``work/b`` look related but distinct. The
configuration can pin a colour to a task or an area (``[views.colors] "work" =
"#3366cc"``); the tasks under a pinned area keep its hue. Colours are hex strings for SVG
``fill`` attributes (the strict CSP forbids inline styles, not presentation attributes).
"""

from __future__ import annotations

import colorsys
import threading
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

from deskmeter.models import NO_TASK, area_of

#: The colour of "no task" and of "everything else".
GREY = "#9ca3af"
#: The lightness and saturation ranges siblings spread over.
LIGHTNESS = (0.30, 0.64)
SATURATION = (0.50, 0.72)
#: Area hues are spread on a wheel of this many steps (neighbouring areas stay apart).
HUE_STEPS = 24
#: Hues no area takes (fractions of the wheel): red, which means "over" or "missed", and
#: the heat map's blue.
RESERVED_HUES: tuple[tuple[float, float], ...] = ((0.93, 1.0), (0.0, 0.04), (0.55, 0.66))
#: The lightness steps of the tasks of an area.
TASK_LIGHTNESS = (0.34, 0.48, 0.62)
#: How far a task's hue may move from its area's, either side (fraction of the wheel).
TASK_HUE_SPREAD = 0.075


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


#: A task's colour steps within its area (5 hues x 3 lightnesses).
SLOTS = 15


def _slots(known: Iterable[str]) -> dict[str, int]:
    """A colour step for each known task, distinct within its area while steps last.

    Each task asks for the step its hash names; a task that finds it taken (by one with a
    smaller hash) takes the next free one. The result depends only on the set of tasks.
    """
    by_area: dict[str, list[str]] = {}
    for path in sorted(set(known)):
        area = area_of(path)
        if path not in (area, NO_TASK):
            by_area.setdefault(area, []).append(path)
    slots: dict[str, int] = {}
    for area, paths in by_area.items():
        taken: set[int] = set()
        for path in sorted(paths, key=lambda p: (_hash(p[len(area) :].strip("/")), p)):
            wanted = _hash(path[len(area) :].strip("/")) % SLOTS
            slot = wanted
            if len(taken) < SLOTS:
                while slot in taken:
                    slot = (slot + 1) % SLOTS
            taken.add(slot)
            slots[path] = slot
    return slots


def _free(hue: float) -> bool:
    """True when ``hue`` (and a task's spread around it) stays clear of the reserved hues."""
    for probe in (hue - TASK_HUE_SPREAD, hue, hue + TASK_HUE_SPREAD):
        h = probe % 1.0
        if any(low <= h <= high for low, high in RESERVED_HUES):
            return False
    return True


#: The hues an area can take: the wheel's steps that are clear of the reserved hues.
AREA_HUES: tuple[float, ...] = tuple(
    step / HUE_STEPS for step in range(HUE_STEPS) if _free(step / HUE_STEPS)
)


def area_hue(area: str) -> float:
    """The hue family of ``area`` (stable: a hash picks one of ``AREA_HUES``)."""
    return AREA_HUES[_hash(area) % len(AREA_HUES)]


class TaskColours:
    """``colours(path)`` → ``#rrggbb``; deterministic, with configured overrides."""

    def __init__(
        self, overrides: Mapping[str, str] | None = None, known: Iterable[str] = ()
    ) -> None:
        self._overrides = {k.strip("/"): _normal(v) for k, v in (overrides or {}).items()}
        self._cache: dict[str, str] = {}
        self._slots = _slots(known)

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
        hue = area_hue(area)
        if not rest:
            return _hex(hue, 0.46, 0.62)
        # discrete steps (5 hues x 3 lightnesses) keep two tasks of an area clearly apart;
        # the known tasks of an area never share a step while there are steps left
        seed = _hash(rest)
        slot = self._slots.get(path, seed % SLOTS)
        offset = (slot % 5 - 2) / 2 * TASK_HUE_SPREAD
        lightness = TASK_LIGHTNESS[slot // 5]
        return _hex(hue + offset, lightness, _spread(SATURATION, seed // 1000))

    def _pinned_ancestor(self, path: str) -> str | None:
        parts = path.split("/")
        for depth in range(len(parts), 0, -1):
            prefix = "/".join(parts[:depth])
            if prefix in self._overrides:
                return prefix
        return None


_SHARED: dict[tuple[tuple[tuple[str, str], ...], frozenset[str]], TaskColours] = {}
_SHARED_LOCK = threading.Lock()


def shared_colours(
    overrides: Mapping[str, str] | None = None, known: Iterable[str] = ()
) -> TaskColours:
    """One ``TaskColours`` per process for a given set of overrides and known tasks: colours
    depend only on those, so every request reuses the colours already worked out."""
    paths = frozenset(known)
    key = (tuple(sorted((overrides or {}).items())), paths)
    found = _SHARED.get(key)
    if found is None:
        with _SHARED_LOCK:
            if len(_SHARED) > 64:  # task files change: keep the newest sets only
                _SHARED.clear()
            found = _SHARED.setdefault(key, TaskColours(dict(key[0]), paths))
    return found
