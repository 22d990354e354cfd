"""The keys of a stacked chart, biggest first: its legend (every chart has one)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple, Protocol


class _Part(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def seconds(self) -> float: ...


class _Bar(Protocol):
    @property
    def parts(self) -> tuple[_Part, ...]: ...


class _Trend(Protocol):
    @property
    def bars(self) -> tuple[_Bar, ...]: ...


class LegendKey(NamedTuple):
    key: str
    seconds: float


def chart_keys(trend: _Trend) -> list[LegendKey]:
    """Each key drawn in ``trend`` with its seconds over the whole chart, biggest first."""
    sums: dict[str, float] = defaultdict(float)
    for bar in trend.bars:
        parts: Iterable[_Part] = bar.parts
        for part in parts:
            sums[part.key] += part.seconds
    return [
        LegendKey(key, round(seconds, 3))
        for key, seconds in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
        if seconds > 0
    ]
