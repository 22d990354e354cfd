"""The "many tasks" shape of issue 25: the synthetic year of ``benchmarks/synthetic.py``
(~33,000 switches) spread over 64 tasks that are each their own area (``client-01`` …
``client-64``): the worst case for charts stacked by area, and the data the comparison with
ActivityWatch runs on. Deterministic."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from benchmarks.synthetic import TASKS, generate
from deskmeter.models import Switch, Task

COUNT = 64
NAMES: tuple[str, ...] = tuple(f"client-{n:02d}" for n in range(1, COUNT + 1))


def many_tasks() -> list[Task]:
    when = datetime(2015, 1, 1, tzinfo=UTC)
    return [Task(id=name, path=name, active=True, updated=when) for name in NAMES]


def generate_many(first_day: date, days: int, tz: ZoneInfo, *, seed: int = 7) -> Iterator[Switch]:
    """The synthetic switches with their task moved onto one of the 64 (stable per task and
    workspace, so a task keeps its habits)."""
    for number, switch in enumerate(generate(first_day, days, tz, seed=seed)):
        base = TASKS.index(switch.task or TASKS[0])
        name = NAMES[(base * 5 + switch.workspace_index * 17 + number % 2) % COUNT]
        yield replace(switch, task=name, task_id=name)
