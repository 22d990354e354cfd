"""Synthetic but realistic Deskmeter history: about 33,000 switches a year (the seed's size).

Working days (most weekdays, some weekend days) have a morning and an afternoon session and
now and then a late evening that runs past midnight; inside a session the user hops between
~50 tasks on 6 workspaces, staying minutes at a time (lognormal), mostly within one area of
work. Deterministic for a given seed. Used by the benchmarks and by the dashboard's tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskmeter.models import Switch, Task
from deskmeter.store import Store

WORKSPACES = ("code", "web", "chat", "docs", "media", "misc")

AREAS: dict[str, tuple[str, ...]] = {
    "work/deskmeter": ("core", "web", "sync", "gnome", "ansible", "docs", "tests", "release"),
    "work/client-a": ("api", "frontend", "reviews", "meetings", "support", "infra"),
    "work/client-b": ("data", "reports", "meetings", "etl", "ops"),
    "work/admin": ("email", "invoices", "planning", "hiring"),
    "learning": ("rust", "books", "courses", "papers", "talks"),
    "personal": ("finance", "health", "home", "travel", "photos"),
    "oss": ("flask", "pymongo", "reviews", "issues", "docs", "triage"),
    "writing": ("blog", "notes", "newsletter"),
}

TASKS: tuple[str, ...] = tuple(
    f"{area}/{leaf}" for area, leaves in AREAS.items() for leaf in leaves
)

#: How much of the time each area gets (people concentrate on a few things).
AREA_WEIGHTS = (5.0, 3.0, 2.0, 1.5, 1.0, 0.7, 1.0, 0.8)
#: A switch keeps the task (and moves to another workspace) this often.
SAME_TASK = 0.5

#: Average switches per calendar day (≈ 33,000 a year).
PER_DAY = 90.4
LONGEST = 3 * 3600.0


def tasks(now: datetime | None = None) -> list[Task]:
    when = now or datetime(2015, 1, 1, tzinfo=UTC)
    return [Task(id=path, path=path, active=True, updated=when) for path in TASKS]


def _sessions(rng: random.Random, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    weekend = day.weekday() >= 5
    if rng.random() > (0.3 if weekend else 0.95):
        return []

    def at(hour: float) -> datetime:
        base = datetime.combine(day, time(0), tzinfo=tz)
        return (base + timedelta(hours=hour)).astimezone(UTC)

    start = rng.gauss(9.0, 0.6) if not weekend else rng.gauss(10.5, 1.0)
    lunch = rng.gauss(13.5, 0.4)
    back = lunch + rng.uniform(0.5, 1.2)
    end = rng.gauss(18.5, 0.9) if not weekend else back + rng.uniform(1.0, 3.0)
    blocks = [(at(start), at(lunch)), (at(back), at(max(end, back + 0.5)))]
    if rng.random() < 0.12:  # a late evening, often past midnight
        evening = rng.uniform(21.0, 22.5)
        blocks.append((at(evening), at(evening + rng.uniform(1.5, 4.0))))
    return blocks


def generate(
    first_day: date, days: int, tz: ZoneInfo, *, seed: int = 7, per_day: float = PER_DAY
) -> Iterator[Switch]:
    """Switches for ``days`` days from ``first_day`` (local), in time order."""
    rng = random.Random(seed)
    # Mean interval length that yields ``per_day`` switches on an average day (≈ 6.6 h worked).
    mean_minutes = 6.6 * 60 / per_day
    sigma = 1.0
    mu = _lognormal_mu(mean_minutes, sigma)
    areas = list(AREAS)
    area = areas[0]
    path = f"{area}/{AREAS[area][0]}"
    number = 0
    last_end: datetime | None = None
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for lo, hi in _sessions(rng, day, tz):
            cursor = max(lo, last_end) if last_end else lo
            while cursor < hi:
                if rng.random() >= SAME_TASK:
                    if rng.random() < 0.2:
                        area = rng.choices(areas, weights=AREA_WEIGHTS)[0]
                    leaves = AREAS[area]
                    leaf = rng.choices(leaves, weights=[1 / (i + 1) for i in range(len(leaves))])
                    path = f"{area}/{leaf[0]}"
                ws_index = (hash_index(path) + (1 if rng.random() < 0.25 else 0)) % len(WORKSPACES)
                seconds = min(LONGEST, max(2.0, rng.lognormvariate(mu, sigma) * 60))
                end = min(hi, cursor + timedelta(seconds=seconds))
                delta = round((end - cursor).total_seconds(), 3)
                if delta <= 0:  # less than a millisecond of the session left
                    break
                end = cursor + timedelta(seconds=delta)  # exactly where the next one starts
                yield Switch(
                    id=f"syn-{number:07d}",
                    date=cursor,
                    delta=delta,
                    workspace_index=ws_index,
                    workspace=WORKSPACES[ws_index],
                    task_id=path,
                    task=path,
                    host="bench",
                )
                number += 1
                cursor = end
            last_end = hi


def hash_index(path: str) -> int:
    return sum(path.encode()) % len(WORKSPACES)


def _lognormal_mu(mean: float, sigma: float) -> float:
    import math

    return math.log(mean) - sigma * sigma / 2


def populate(
    store: Store,
    first_day: date,
    days: int,
    tz: ZoneInfo,
    *,
    seed: int = 7,
    per_day: float = PER_DAY,
    chunk: int = 20_000,
) -> int:
    """Write the synthetic history (and the task list) into ``store``; return the count."""
    store.upsert_tasks(tasks())
    batch: list[Switch] = []
    written = 0
    for switch in generate(first_day, days, tz, seed=seed, per_day=per_day):
        batch.append(switch)
        if len(batch) >= chunk:
            written += store.add_switches(batch)
            batch = []
    if batch:
        written += store.add_switches(batch)
    return written
