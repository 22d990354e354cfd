"""Goals: daily or weekly targets and caps per task or area, and how a period measures up.

A goal's ``path`` covers that task and everything under it (``work`` covers ``work/a``).
A target (``target_hours``) is met at or above it; a cap (``max_hours``, ``max_percent`` of
the period's tracked time) is kept at or below it. The report and the pages share this.

A target of a period that is over is ``met`` or ``missed`` (never "not yet"); a period that
has not begun has no goals to show (the pages draw nothing for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from deskmeter.config import GoalSettings

Status = Literal["met", "short", "missed", "ok", "over"]

#: What each status says in a sentence.
STATUS_WORDS: dict[str, str] = {
    "met": "met",
    "short": "not yet",
    "missed": "missed",
    "ok": "within",
    "over": "over",
}


@dataclass(frozen=True, slots=True)
class Progress:
    path: str
    per: str
    kind: Literal["target", "cap"]
    seconds: float
    limit_seconds: float
    status: Status
    text: str

    @property
    def percent(self) -> float:
        """Progress towards the limit, 0–100 (for a bar)."""
        if self.limit_seconds <= 0:
            return 0.0
        return min(100.0, 100 * self.seconds / self.limit_seconds)


def covers(path: str, key: str) -> bool:
    path = path.strip("/")
    return key == path or key.startswith(path + "/")


def seconds_under(path: str, sums: Mapping[str, float]) -> float:
    return sum(seconds for key, seconds in sums.items() if covers(path, key))


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def evaluate(
    goals: Sequence[GoalSettings],
    per: str,
    sums: Mapping[str, float],
    *,
    finished: bool = False,
) -> list[Progress]:
    """The progress of every ``per`` goal given the period's seconds per task; ``finished``:
    the period is over (a target not reached is then ``missed``, not ``short``)."""
    total = sum(sums.values())
    out: list[Progress] = []
    for goal in goals:
        if goal.per != per:
            continue
        done = seconds_under(goal.path, sums)
        if goal.target_hours is not None:
            limit = goal.target_hours * 3600
            status: Status = "met" if done >= limit else ("missed" if finished else "short")
            out.append(
                Progress(
                    goal.path,
                    per,
                    "target",
                    done,
                    limit,
                    status,
                    f"{_hours(done)} of {goal.target_hours:g} h a {per}",
                )
            )
        if goal.max_hours is not None:
            limit = goal.max_hours * 3600
            out.append(
                Progress(
                    goal.path,
                    per,
                    "cap",
                    done,
                    limit,
                    "over" if done > limit else "ok",
                    f"{_hours(done)}, at most {goal.max_hours:g} h a {per}",
                )
            )
        if goal.max_percent is not None:
            limit = total * goal.max_percent / 100
            share = 100 * done / total if total else 0.0
            out.append(
                Progress(
                    goal.path,
                    per,
                    "cap",
                    done,
                    limit,
                    "over" if share > goal.max_percent else "ok",
                    f"{share:.0f} % of the {per}, at most {goal.max_percent:g} %",
                )
            )
    return out


def describe_marks(progress: Iterable[Progress]) -> str:
    """A tooltip naming each goal: ``work ≥ 2 h a day: 1.5 h of 2 h a day — missed``."""
    return "; ".join(f"{p.path}: {p.text} — {STATUS_WORDS[p.status]}" for p in progress)


def summary(progress: Iterable[Progress]) -> Status | None:
    """One mark for a period: ``over`` if a cap broke, else ``short``/``met`` for targets."""
    items = list(progress)
    if not items:
        return None
    if any(p.status == "over" for p in items):
        return "over"
    targets = [p for p in items if p.kind == "target"]
    if targets and any(p.status == "missed" for p in targets):
        return "missed"
    if targets and any(p.status == "short" for p in targets):
        return "short"
    return "met" if targets else "ok"
