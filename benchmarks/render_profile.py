"""Render-side profile of the views people compare: the time a page spends AFTER the store.

``benchmarks/web_bench.py`` measures whole requests; this script splits each request of the
month, week, year and all-time Tasks pages (in-process WSGI, a ten-year synthetic SQLite
store by default) into the time spent inside ``Store`` methods (timed by a transparent
wrapper) and everything else: building the report objects, the chart and the timeline,
goals, colours and Jinja. It prints p50/p99 of both per page and writes
``$DESKMETER_ARTIFACTS/benchmarks/render.json``. ``--profile PAGE`` prints a cProfile of that
page's non-store work (the store's calls are in it too, but easy to pick out).

    python -m benchmarks.render_profile                     # 10 years, 40 requests a page
    python -m benchmarks.render_profile --years 1 --requests 20
    python -m benchmarks.render_profile --profile year --db /tmp/bench-10y.db
    python -m benchmarks.render_profile --replay   # the store answers from memory: render only
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.synthetic import populate
from benchmarks.timed_store import TimedStore
from deskmeter.config import Settings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

TZ_NAME = "Europe/Madrid"
TZ = ZoneInfo(TZ_NAME)
LAST_DAY = date(2025, 12, 31)
CLOCK = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)


#: The clock: CPU time of this thread (default; robust on a shared, busy machine, and
#: everything here, SQLite included, runs on this thread) or wall time.
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.thread_time, "wall": time.perf_counter}


class ReplayStore(TimedStore):
    """Answers each distinct call once from the real store, then replays the answer (a
    copy of a list): a request's time is then all after the store (``--replay``), with
    no allocation or garbage collection of the store's own work mixed in."""

    def __init__(self, inner: SQLiteStore, clock: Callable[[], float]) -> None:
        super().__init__(inner, clock)
        self._answers: dict[tuple[str, str], Any] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if not callable(found):
            return found

        def replayed(*args: Any, **kwargs: Any) -> Any:
            key = (name, repr((args, sorted(kwargs.items()))))
            if key not in self._answers:
                self._answers[key] = found(*args, **kwargs)
            answer = self._answers[key]
            return list(answer) if isinstance(answer, list) else answer

        return replayed


def pages(years: float) -> dict[str, list[str]]:
    first = LAST_DAY - timedelta(days=max(1, round(365.25 * years)) - 1)
    first_year = LAST_DAY.year - max(0, int(years) - 1)
    return {
        "month": [f"/calendar/{LAST_DAY.year}/{m}" for m in range(1, 13)],
        "week": [f"/week/{(LAST_DAY - timedelta(weeks=w)).isoformat()}" for w in range(0, 52, 4)],
        "year": [f"/year/{y}" for y in range(first_year, LAST_DAY.year + 1)],
        "tasks": [f"/tasks?start={first.isoformat()}&end={LAST_DAY.isoformat()}"],
        "day": [f"/day/{LAST_DAY.year}-{m:02d}-15" for m in range(1, 13)],
        "summary": ["/summary"],
    }


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(
    get: Callable[[str], int], store: TimedStore, urls: list[str], requests: int
) -> dict[str, Any]:
    for url in urls:  # warm up: templates, caches, and every answer a replay store keeps
        get(url)
    total: list[float] = []
    inside: list[float] = []
    outside: list[float] = []
    for i in range(requests):
        url = urls[i % len(urls)]
        store.seconds = 0.0
        began = store.clock()
        status = get(url)
        elapsed = store.clock() - began
        if status != 200:
            raise RuntimeError(f"{url}: HTTP {status}")
        total.append(elapsed * 1000)
        inside.append(store.seconds * 1000)
        outside.append((elapsed - store.seconds) * 1000)

    def stats(samples: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(samples), 2),
            "p99_ms": round(percentile(samples, 0.99), 2),
        }

    return {"total": stats(total), "store": stats(inside), "render": stats(outside), "n": requests}


def build(db: Path, years: float) -> int:
    days = max(1, round(365.25 * years))
    with SQLiteStore(db) as store:
        return populate(store, LAST_DAY - timedelta(days=days - 1), days, TZ)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--db", type=Path, help="reuse (or create) this store file")
    parser.add_argument("--only", nargs="+", default=[], help="pages to run (month week ...)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    parser.add_argument(
        "--replay",
        action="store_true",
        help="replay the store's answers (measures only what comes after the store)",
    )
    parser.add_argument("--profile", help="cProfile this page and print the top functions")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts"))
        / "benchmarks"
        / "render.json",
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="deskmeter-render-"))
    db = args.db or folder / f"render-{args.years:g}y.db"
    if not db.exists():
        began = time.perf_counter()
        count = build(db, args.years)
        print(f"built {count:,} switches in {time.perf_counter() - began:.0f} s: {db}")
    settings = Settings(store=str(db), timezone=TZ_NAME, task_file=folder / "tasks.txt")
    kind = ReplayStore if args.replay else TimedStore
    store = kind(SQLiteStore(db), CLOCKS[args.clock])
    client = create_app(settings, store=store, clock=lambda: CLOCK).test_client()  # type: ignore[arg-type]

    def get(url: str) -> int:
        return int(client.get(url).status_code)

    every = pages(args.years)
    if args.profile:
        urls = every[args.profile]
        for url in urls[:2]:
            get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.requests):
            get(urls[i % len(urls)])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return {}
    results: dict[str, Any] = {
        "years": args.years,
        "clock": args.clock,
        "replay": args.replay,
        "pages": {},
    }
    print(
        f"{'page':<8} {'total p50':>9} {'p99':>7} │ {'store p50':>9} {'p99':>7} │ "
        f"{'render p50':>10} {'p99':>7}"
    )
    for name, urls in every.items():
        if args.only and name not in args.only:
            continue
        row = measure(get, store, urls, args.requests)
        results["pages"][name] = row
        t, s, r = row["total"], row["store"], row["render"]
        print(
            f"{name:<8} {t['p50_ms']:>9.2f} {t['p99_ms']:>7.2f} │ {s['p50_ms']:>9.2f} "
            f"{s['p99_ms']:>7.2f} │ {r['p50_ms']:>10.2f} {r['p99_ms']:>7.2f}",
            flush=True,
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return results


if __name__ == "__main__":
    main()
