"""Dashboard benchmark: server time of the heavy pages on SQLite at 1 and 10 years of data.

Issue 15's goals at ten years (330,000 switches), p99 of the server time (in-process WSGI):
month page <= 5 ms, week page <= 5 ms, year page <= 15 ms, all-time Tasks page <= 30 ms. Each
row also gives the part of that time spent in the store (``store p50``: the calls the page
made on the store, timed by a proxy) and the naive implementation's figures (per-day queries
over the raw switches, ``Store``'s generic path) with the ratio. A "2 hosts" size adds a
laptop's history to the ten years (about a third of the days, overlapping the desktop's) and
measures the combined ("all hosts") pages. A MongoDB tier runs the view pages on a real
server when DESKMETER_TEST_MONGODB_URI is set and says it was skipped otherwise;
``--mongomock`` adds figures on mongomock (an in-memory imitation, labelled as such).

For each store size it measures p50/p99 of the time the app spends on a request (in-process
WSGI, so the figure is the server's, no network) for

* the calendar month page, the totals API for a month (by day) and for a year (by month),
  the switches list (first page and a deep page), and the day page;
* the same requests on a straightforward implementation: a per-day query for every day of
  the calendar or the totals (``Store.totals`` one day at a time) and a list that reads the
  whole range and slices it in Python; the ratio shows what the real implementation buys;

then the requests/s of the month page under gunicorn on loopback, driven by ``wrk`` (Debian
package) or, without it, a small threaded Python client: with ``--workers`` processes, and
with ONE process of 1, 2 and 4 threads (``--threads``), which shows whether SQLite reads
scale over threads (one connection per thread) instead of queueing on one lock. Goal: month
page p99 < 50 ms at ten years. Prints a table and writes
``$DESKMETER_ARTIFACTS/benchmarks/web.json``.

    python -m benchmarks.web_bench                 # 1 and 10 years (a few minutes)
    python -m benchmarks.web_bench --years 1 --requests 30
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.synthetic import generate, populate
from benchmarks.timed_store import TimedStore
from deskmeter.config import Settings
from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import local_midnight
from deskmeter.web import create_app

TZ_NAME = "Europe/Madrid"
TZ = ZoneInfo(TZ_NAME)
LAST_DAY = date(2025, 12, 31)
CLOCK = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
GOAL_MS = 50.0


class NaiveStore:
    """The straightforward implementation: one query per day over the raw switches (the
    ``Store`` port's generic path, which cuts the switches in Python), whole-range lists."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def day_totals(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        *,
        group: str = "task",
        day_start: timedelta = timedelta(0),
        host: str | None = None,
    ):  # type: ignore[no-untyped-def]
        out = []
        day = start.astimezone(tz).date()
        while (lo := max(local_midnight(day, tz, day_start), start)) < end:
            hi = min(local_midnight(day + timedelta(days=1), tz, day_start), end)
            out += Store.totals(
                self._inner,
                lo,
                hi,
                tz,
                group=group,
                by="day",
                day_start=day_start,
                host=host,  # type: ignore[arg-type]
            )
            day += timedelta(days=1)
        return out

    def range_totals(self, start, end, tz, *, group="task", day_start=timedelta(0), host=None):  # type: ignore[no-untyped-def]
        return Store.range_totals(self, start, end, tz, group=group, day_start=day_start, host=host)  # type: ignore[arg-type]

    def totals(self, start, end, tz, **kw):  # type: ignore[no-untyped-def]
        return Store.totals(self._inner, start, end, tz, **kw)

    def away_totals(self, start, end, tz, **kw):  # type: ignore[no-untyped-def]
        return Store.away_totals(self._inner, start, end, tz, **kw)

    def switches(self, start=None, end=None, *, limit=None, offset=0, order="asc", host=None):  # type: ignore[no-untyped-def]
        everything = self._inner.switches(start, end, order=order, host=host)
        return everything[offset:] if limit is None else everything[offset : offset + limit]

    def count_switches(self, start=None, end=None, *, host=None):  # type: ignore[no-untyped-def]
        return len(self._inner.switches(start, end, host=host))


def laptop(first_day: date, days: int) -> list[Switch]:
    """A second workstation's history: a third of the days, at the same hours (overlapping)."""
    return [
        Switch(
            id=f"lap-{s.id}",
            date=s.date,
            delta=s.delta,
            workspace_index=s.workspace_index,
            workspace=s.workspace,
            task_id=s.task_id,
            task=s.task,
            host="laptop",
            away=s.away,
        )
        for s in generate(first_day, days, TZ, seed=11)
        if s.date.toordinal() % 3 == 0
    ]


def build_store(folder: Path, years: float, hosts: int = 1) -> tuple[Path, int, float]:
    path = folder / f"bench-{years:g}y-{hosts}h.db"
    days = max(1, round(365.25 * years))
    first = LAST_DAY - timedelta(days=days - 1)
    began = time.perf_counter()
    with SQLiteStore(path) as store:
        count = populate(store, first, days, TZ)
        if hosts > 1:
            second = laptop(first, days)
            for index in range(0, len(second), 20_000):
                count += store.add_switches(second[index : index + 20_000])
        # the dashboard's zone: built here once (a store opened anew builds it for the
        # machine's zone; the first page in another zone rebuilds it, a one-off)
        store.day_totals(CLOCK - timedelta(days=1), CLOCK, TZ)
    return path, count, time.perf_counter() - began


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(
    get: Callable[[str], int],
    urls: list[str],
    requests: int,
    timer: TimedStore | None = None,
) -> dict[str, float]:
    for url in urls[:2]:  # warm up templates and caches
        get(url)
    samples, store_samples = [], []
    for i in range(requests):
        url = urls[i % len(urls)]
        if timer is not None:
            timer.seconds = 0.0
        began = time.perf_counter()
        status = get(url)
        samples.append((time.perf_counter() - began) * 1000)
        if timer is not None:
            store_samples.append(timer.seconds * 1000)
        if status != 200:
            raise RuntimeError(f"{url}: HTTP {status}")
    out = {
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "n": len(samples),
    }
    if store_samples:
        out["store_p50_ms"] = round(statistics.median(store_samples), 2)
        out["store_p99_ms"] = round(percentile(store_samples, 0.99), 2)
    return out


def scenarios(years: float, total: int, per_page: int) -> dict[str, list[str]]:
    first_year = LAST_DAY.year - max(0, int(years) - 1)
    months = [f"/calendar/{LAST_DAY.year}/{m}" for m in range(1, 13)]
    deep = max(1, total // per_page // 2)
    return {
        "calendar month page": months,
        "totals API, a month by day": [
            f"/api/v1/totals?start={LAST_DAY.year}-{m:02d}-01&end={LAST_DAY.year}-{m:02d}-28"
            for m in range(1, 13)
        ],
        "totals API, a year by month": [
            f"/api/v1/totals?start={y}-01-01&end={y}-12-31&by=month"
            for y in range(first_year, LAST_DAY.year + 1)
        ],
        "switches page 1": ["/switches"],
        f"switches page {deep} (deep)": [f"/switches?page={deep}"],
        "day page": [f"/day/{LAST_DAY.year}-{m:02d}-15" for m in range(1, 13)],
    }


#: Issue 15's goals at ten years (p99, ms): the views people compare.
VIEW_GOALS_MS = {
    "calendar month page": 5.0,
    "week page": 5.0,
    "year page": 15.0,
    "tasks page, all time": 30.0,
}


def view_scenarios(years: float) -> dict[str, list[str]]:
    """The week and year pages and the all-time Tasks page (issue 15)."""
    first = LAST_DAY - timedelta(days=max(1, round(365.25 * years)) - 1)
    first_year = LAST_DAY.year - max(0, int(years) - 1)
    return {
        "week page": [
            f"/week/{(LAST_DAY - timedelta(weeks=w)).isoformat()}" for w in range(0, 52, 4)
        ],
        "year page": [f"/year/{y}" for y in range(first_year, LAST_DAY.year + 1)],
        "tasks page, all time": [f"/tasks?start={first.isoformat()}&end={LAST_DAY.isoformat()}"],
    }


def view_goals(results: dict[str, Any], hosts: int = 1) -> dict[str, Any]:
    """Each goal against the p99 of the largest size with ``hosts`` host(s)."""
    sizes = [s for s in results["sizes"] if s.get("hosts", 1) == hosts]
    largest = max(sizes, key=lambda s: s["switches"]) if sizes else {"rows": []}
    out: dict[str, Any] = {}
    for row in largest["rows"]:
        goal = VIEW_GOALS_MS.get(row["scenario"])
        if goal is not None:
            p99 = row["ours"]["p99_ms"]
            out[row["scenario"]] = {
                "p99_ms": p99,
                "store_p99_ms": row["ours"].get("store_p99_ms"),
                "goal_ms": goal,
                "met": p99 <= goal,
                "naive_ratio_p50": row["ratio_p50"],
            }
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_test(
    db: Path, seconds: float, workers: int, connections: int, threads: int = 4
) -> dict[str, Any]:
    """Requests/s of the month page under gunicorn on loopback."""
    port = free_port()
    env = dict(os.environ, DESKMETER_STORE=str(db), DESKMETER_TIMEZONE=TZ_NAME)
    env["DESKMETER_WEB__MODE"] = "portfolio"
    env["GUNICORN_LOGLEVEL"] = "warning"
    env["GUNICORN_THREADS"] = str(threads)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:deskmeter.web.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/calendar/{LAST_DAY.year}/6"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        for _ in range(workers * 2):  # warm each worker (templates, first queries)
            with urllib.request.urlopen(url, timeout=60):
                pass
        wrk = shutil.which("wrk")
        if wrk:
            out = subprocess.run(
                [wrk, "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            return {
                "tool": "wrk",
                "requests_per_s": rps,
                "non_2xx": int(errors.group(1)) if errors else 0,
                "workers": workers,
                "threads": threads,
                "connections": connections,
                "seconds": seconds,
            }
        return {**python_load(url, seconds, connections), "workers": workers, "threads": threads}
    finally:
        server.terminate()
        server.wait(timeout=15)


def python_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    done = [0] * connections
    failed = [0] * connections
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        while time.monotonic() < stop:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
                done[i] += 1
            except OSError:
                failed[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return {
        "tool": "python threads",
        "requests_per_s": round(sum(done) / elapsed, 1),
        "non_2xx": sum(failed),
        "connections": connections,
        "seconds": seconds,
    }


def in_process_threads(app: Any, urls: list[str], threads: int, requests: int) -> dict[str, Any]:
    """Requests/s of ``urls`` from ``threads`` test clients of one app (one process, no
    network): SQLite's part of each request runs outside the GIL, so a store whose reads
    queue on one lock does not get faster with threads, and one with a connection per
    thread does (as far as free cores allow)."""
    clients = [app.test_client() for _ in range(threads)]
    for client in clients:
        client.get(urls[0])  # each thread's first request opens its connection

    def work(index: int) -> int:
        client = clients[index]
        failed = 0
        for n in range(index, requests, threads):
            failed += client.get(urls[n % len(urls)]).status_code != 200
        return failed

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        failed = sum(pool.map(work, range(threads)))
    elapsed = time.perf_counter() - began
    return {
        "tool": "in-process test clients",
        "threads": threads,
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "non_2xx": failed,
    }


def status_of(client: Any) -> Callable[[str], int]:
    def get(url: str) -> int:
        return int(client.get(url).status_code)

    return get


def measure_size(
    store: Store, settings: Settings, years: float, count: int, args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Every scenario on ``store`` and on the naive implementation over the same data."""
    timer = TimedStore(store)
    fast = create_app(settings, store=timer, clock=lambda: CLOCK).test_client()  # type: ignore[arg-type]
    naive = create_app(settings, store=NaiveStore(store), clock=lambda: CLOCK)  # type: ignore[arg-type]
    naive_client = naive.test_client()
    every = {**scenarios(years, count, settings.web.per_page), **view_scenarios(years)}
    if args.only:
        every = {k: v for k, v in every.items() if any(o in k for o in args.only)}
    rows = []
    for name, urls in every.items():
        ours = measure(status_of(fast), urls, args.requests, timer)
        plain = measure(status_of(naive_client), urls, max(3, args.requests // args.naive_share))
        rows.append(
            {
                "scenario": name,
                "ours": ours,
                "naive": plain,
                "ratio_p50": round(plain["p50_ms"] / max(ours["p50_ms"], 1e-6), 1),
            }
        )
        print_row(years, count, rows[-1])
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="deskmeter-web-bench-"))
    results: dict[str, Any] = {
        "timezone": TZ_NAME,
        "goal_month_p99_ms": GOAL_MS,
        "view_goals_ms": VIEW_GOALS_MS,
        "load_average_before": list(os.getloadavg()),
        "sizes": [],
    }
    plan = [(years, 1) for years in args.years]
    if args.two_hosts:
        plan.append((max(args.years), 2))
    try:
        for years, hosts in plan:
            db, count, build_s = build_store(folder, years, hosts)
            settings = Settings(store=str(db), timezone=TZ_NAME, task_file=folder / "tasks.txt")
            store = SQLiteStore(db)
            size: dict[str, Any] = {
                "backend": "sqlite",
                "years": years,
                "hosts": hosts,
                "view": "all hosts" if hosts > 1 else "one host",
                "switches": count,
                "build_seconds": round(build_s, 1),
                "load_average": list(os.getloadavg()),
            }
            print(
                f"-- SQLite, {years:g} years, {hosts} host(s), {count:,} switches, built in "
                f"{build_s:.1f} s, load {size['load_average'][0]:.2f}",
                flush=True,
            )
            size["rows"] = measure_size(store, settings, years, count, args)
            if args.threads and hosts == 1:
                app = create_app(settings, store=store, clock=lambda: CLOCK)
                urls = scenarios(years, count, settings.web.per_page)["calendar month page"]
                size["in_process_threads"] = []
                for threads in args.threads:
                    run = in_process_threads(app, urls, threads, max(8, args.requests))
                    size["in_process_threads"].append(run)
                    print(
                        f"  month page, {threads} thread(s) in one process (test clients): "
                        f"{run['requests_per_s']:.1f} req/s, {run['non_2xx']} errors",
                        flush=True,
                    )
            if args.load_seconds > 0 and hosts == 1:
                size["load"] = load_test(db, args.load_seconds, args.workers, args.connections)
                load = size["load"]
                print(
                    f"  month page under gunicorn ({load['workers']} workers, {load['tool']}, "
                    f"{load['connections']} connections): {load['requests_per_s']:.0f} req/s, "
                    f"{load['non_2xx']} errors"
                )
                size["threads"] = []
                for threads in args.threads:
                    run = load_test(
                        db, args.load_seconds, 1, max(args.connections, threads), threads
                    )
                    size["threads"].append(run)
                    print(
                        f"  month page, 1 gunicorn worker with {threads} thread(s): "
                        f"{run['requests_per_s']:.0f} req/s, {run['non_2xx']} errors",
                        flush=True,
                    )
            store.close()
            results["sizes"].append(size)
        results["mongodb"] = run_mongodb(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


MONGODB_SKIPPED = (
    "skipped: DESKMETER_TEST_MONGODB_URI is not set (no MongoDB server on this machine); "
    "set it to a MongoDB URI to run the MongoDB tier"
)


def run_mongodb(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """The view pages on MongoDB: a real server when named, mongomock when asked (labelled)."""
    from deskmeter.store.mongo import MongoStore

    out: dict[str, Any] = {}
    uri = os.environ.get("DESKMETER_TEST_MONGODB_URI", "")
    tiers: list[tuple[str, Callable[[], MongoStore], float]] = []
    if uri:
        name = f"deskmeter_bench_{os.getpid()}"
        tiers.append(
            ("mongodb (real server)", lambda: MongoStore(uri, database=name), max(args.years))
        )
    else:
        out["mongodb (real server)"] = MONGODB_SKIPPED
        print(f"MongoDB tier {MONGODB_SKIPPED}", flush=True)
    if args.mongomock:
        import mongomock
        from tests.mongomock_compat import install

        install()  # mongomock 4.3 and current pymongo's bulk operations

        tiers.append(
            (
                "mongomock (in-memory imitation, NOT a MongoDB server)",
                lambda: MongoStore(
                    "mongodb://mongomock.invalid/deskmeter",
                    client=mongomock.MongoClient(tz_aware=True),
                    database="deskmeter",
                ),
                args.mongomock_years,
            )
        )
    for label, make, years in tiers:
        store = make()
        try:
            out[label] = measure_mongodb(store, label, years, args, folder)
        except Exception as exc:  # one tier failing must not lose the other figures
            out[label] = f"failed: {type(exc).__name__}: {exc}"
            print(f"{label}: {out[label]}", flush=True)
        finally:
            if uri and label.startswith("mongodb"):
                store.client.drop_database(store.db.name)
            store.close()
    return out


def measure_mongodb(
    store: Any, label: str, years: float, args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    days = max(1, round(365.25 * years))
    began = time.perf_counter()
    count = populate(store, LAST_DAY - timedelta(days=days - 1), days, TZ)
    store.day_totals(CLOCK - timedelta(days=1), CLOCK, TZ)  # builds the day totals
    build_s = time.perf_counter() - began
    settings = Settings(store="mongodb://unused", timezone=TZ_NAME, task_file=folder / "t.txt")
    print(f"-- {label}, {years:g} years, {count:,} switches, built in {build_s:.1f} s", flush=True)
    saved = args.only
    args.only = saved or ["month page", "week page", "year page", "tasks page"]
    try:
        rows = measure_size(store, settings, years, count, args)
    finally:
        args.only = saved
    return {"years": years, "switches": count, "build_seconds": round(build_s, 1), "rows": rows}


HEADER = (
    f"{'data':>14}  {'scenario':<30} {'p50 ms':>8} {'p99 ms':>8} {'store p50':>9} │ "
    f"{'naive p50':>9} {'naive p99':>9} {'ratio':>6}"
)


def print_row(years: float, count: int, row: dict[str, Any]) -> None:
    ours, naive = row["ours"], row["naive"]
    label = f"{years:g}y {count:,}"
    print(
        f"{label:>14}  {row['scenario']:<30} {ours['p50_ms']:>8.2f} {ours['p99_ms']:>8.2f} "
        f"{ours.get('store_p50_ms', 0.0):>9.2f} │ "
        f"{naive['p50_ms']:>9.2f} {naive['p99_ms']:>9.2f} {row['ratio_p50']:>5.1f}x",
        flush=True,
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--requests", type=int, default=60, help="timed requests per scenario")
    parser.add_argument("--load-seconds", type=float, default=8.0, help="0 skips the load test")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--threads", type=int, nargs="*", default=[1, 2, 4], help="threads of one worker"
    )
    parser.add_argument(
        "--only", nargs="+", default=[], help="run only scenarios whose name contains one of these"
    )
    parser.add_argument(
        "--two-hosts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also the largest size with a second host's history, combined view",
    )
    parser.add_argument(
        "--naive-share", type=int, default=6, help="the naive side runs requests/N requests"
    )
    parser.add_argument("--mongomock", action="store_true", help="add mongomock figures")
    parser.add_argument("--mongomock-years", type=float, default=1.0)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts"))
        / "benchmarks"
        / "web.json",
    )
    args = parser.parse_args(argv)
    print(HEADER)
    results = run(args)
    month = [
        row["ours"]["p99_ms"]
        for size in results["sizes"]
        for row in size["rows"]
        if row["scenario"] == "calendar month page"
    ]
    results["goal_met"] = bool(month) and max(month) < GOAL_MS
    if month:
        print(f"month page p99 at the largest size: {month[-1]:.2f} ms (goal < {GOAL_MS:.0f} ms)")
    results["view_goals"] = view_goals(results)
    results["view_goals_two_hosts"] = view_goals(results, 2)
    results["load_average_after"] = list(os.getloadavg())
    for label, key in (("one host", "view_goals"), ("two hosts, all", "view_goals_two_hosts")):
        for name, goal in results[key].items():
            verdict = "met" if goal["met"] else "NOT met"
            print(
                f"{label}: {name}: p99 {goal['p99_ms']:.2f} ms (store {goal['store_p99_ms']} ms), "
                f"goal <= {goal['goal_ms']:.0f} ms: {verdict}"
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return results


if __name__ == "__main__":
    main()
