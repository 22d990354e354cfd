#!/usr/bin/env python3
"""Take the README's screenshot of the dashboard: docs/images/dashboard.png.

A dashboard on a fresh SQLite store with 120 days of synthetic history (the benchmarks'
generator, a fixed seed) up to a fixed instant, a task running for 47 minutes, shown in
headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by selenium as the
browser tests do). The app's clock and the page's ``Date`` both answer that instant, so the
picture is the same on any day it is taken. Run it from the repository root:

    python scripts/screenshot.py [--page /week/today] [--output docs/images/dashboard.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks.synthetic import generate, tasks  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from deskmeter.config import Settings, TrackerSettings, WebSettings  # noqa: E402
from deskmeter.models import State  # noqa: E402
from deskmeter.store.sqlite import SQLiteStore  # noqa: E402
from deskmeter.web import create_app  # noqa: E402

ZONE = ZoneInfo("Europe/Madrid")
#: The picture's "now": a Wednesday afternoon.
NOW = datetime(2026, 5, 6, 16, 20, tzinfo=ZONE).astimezone(UTC)
RUNNING_FOR = timedelta(minutes=47)
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: ``Date.now()`` and ``new Date()`` in the page answer NOW plus the time since it loaded.
DATE_SHIFT = """(() => {
  const shift = %(shift)d;
  const Real = Date;
  class Shifted extends Real {
    constructor(...args) {
      if (args.length === 0) { super(Real.now() + shift); } else { super(...args); }
    }
    static now() { return Real.now() + shift; }
  }
  globalThis.Date = Shifted;
})();"""


def clock() -> datetime:
    return NOW


def seed(store: SQLiteStore) -> None:
    since = NOW - RUNNING_FOR
    today = NOW.astimezone(ZONE).date()
    store.upsert_tasks(tasks())
    history = generate(today - timedelta(days=120), 121, ZONE, seed=11)
    store.add_switches([s for s in history if s.end <= since])
    store.put_state(
        State(
            workspace_index=0,
            workspace="code",
            since=since,
            heartbeat=NOW,
            interval_id="open-screenshot",
            task_id="work/deskmeter/web",
            task="work/deskmeter/web",
            host="bench",
        )
    )


def shoot(url: str, output: Path, width: int, height: int) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        "--lang=en-GB",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        shift = int(NOW.timestamp() * 1000) - int(driver.execute_script("return Date.now()"))
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": DATE_SHIFT % {"shift": shift}}
        )
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ZONE.key})
        driver.get(url)
        output.parent.mkdir(parents=True, exist_ok=True)
        if not driver.save_screenshot(str(output)):
            raise SystemExit(f"screenshot failed: {url}")
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="/", help="the dashboard path to show")
    parser.add_argument("--output", type=Path, default=ROOT / "docs/images/dashboard.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            store=str(Path(tmp) / "screenshot.db"),
            timezone=ZONE.key,
            task_file=Path(tmp) / "tasks.txt",
            host="bench",
            tracker=TrackerSettings(heartbeat_seconds=3600),
            web=WebSettings(),
        )
        store = SQLiteStore(Path(tmp) / "screenshot.db")
        seed(store)
        server = make_server("127.0.0.1", 0, create_app(settings, store=store, clock=clock))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            shoot(
                f"http://127.0.0.1:{server.server_port}{args.page}",
                args.output,
                args.width,
                args.height,
            )
        finally:
            server.shutdown()
            store.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
