"""Real-browser tests: headless Chromium opens every view of a seeded dashboard.

Each view must load with no console error (a Content-Security-Policy violation is one), show
the numbers the store holds, and leave a screenshot under
``$DESKMETER_ARTIFACTS/screenshots/``.

"Now" is ``TEST_NOW`` (``tests/support/clock.py``) everywhere: the dashboards' injected
clock, the history built back from it, the expected figures, and the browser's own ``Date``
(shifted to it through DevTools), so the pages show the same day, week and running interval
at any date the suite runs on (``make test-dates``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from benchmarks.synthetic import generate, tasks
from pydantic import SecretStr
from werkzeug.serving import BaseWSGIServer, make_server

from deskmeter.config import PortfolioSettings, Settings, TrackerSettings, WebSettings
from deskmeter.models import State, Switch
from deskmeter.reports.formatting import duration
from deskmeter.store import Store
from deskmeter.store.base import Store as BaseStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.support.clock import TEST_NOW, test_clock
from tests.support.waiting import wait_for
from tests.web.conftest import MADRID, TOKEN

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1440,1000",
    "--lang=en-GB",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (scripts/apt/web.txt)",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver")
By = pytest.importorskip("selenium.webdriver.common.by").By


#: Runs before any script of every page: ``Date.now()`` and ``new Date()`` answer the tests'
#: now (plus the time since the browser started), whatever the machine's clock says.
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


@dataclass
class Served:
    url: str
    store: Store
    settings: Settings
    server: BaseWSGIServer


def serve(tmp: Path, portfolio: PortfolioSettings | None = None, **web: Any) -> Served:
    settings = Settings(
        store=str(tmp / "browser.db"),
        timezone="Europe/Madrid",
        task_file=tmp / "tasks.txt",
        host="bench",  # the synthetic history's host is this dashboard's own machine
        tracker=TrackerSettings(heartbeat_seconds=3600),
        web=WebSettings(**web),
        portfolio=portfolio or PortfolioSettings(),
    )
    store = SQLiteStore(tmp / "browser.db")
    app = create_app(settings, store=store, clock=test_clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.server_port}", store, settings, server)


#: The second workstation: an hour and a half each morning of the last two weeks, while the
#: synthetic history's host (``bench``) is often tracking too.
LAPTOP = "laptop"


def laptop_history(today: date) -> list[Switch]:
    found = []
    for back in range(1, 15):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(10, 0), tzinfo=MADRID).astimezone(UTC)
        found.append(
            Switch(
                id=f"laptop-{back}",
                date=start,
                delta=5400,
                workspace_index=1,
                workspace="web",
                task_id="work/client-b/data",
                task="work/client-b/data",
                host=LAPTOP,
            )
        )
    return found


#: How long the task running at ``TEST_NOW`` has been running.
RUNNING_FOR = timedelta(minutes=47)


def today_local() -> date:
    return TEST_NOW.astimezone(MADRID).date()


def seed_history(store: Store) -> None:
    """150 days of synthetic history up to the tests' now (host ``bench``), two weeks of a
    second host's mornings, and a task running for 47 minutes at ``TEST_NOW``.

    The synthetic days run to the end of today; what would lie after the running task's
    start is left out, as a tracker would not have written it yet.
    """
    today = today_local()
    since = TEST_NOW - RUNNING_FOR
    store.upsert_tasks(tasks())
    past = [
        s for s in generate(today - timedelta(days=150), 151, MADRID, seed=11) if s.end <= since
    ]
    store.add_switches(past)
    store.add_switches(laptop_history(today))
    store.put_state(
        State(
            workspace_index=0,
            workspace="code",
            since=since,
            heartbeat=TEST_NOW,
            interval_id="open-browser",
            task_id="work/deskmeter/web",
            task="work/deskmeter/web",
            host="bench",
        )
    )


def add_away(store: Store) -> None:
    """An hour away at 05:00 local on the last few days (no work then), and away now."""
    today = today_local()
    for back in range(1, 6):
        start = datetime.combine(today - timedelta(days=back), time(5), MADRID).astimezone(UTC)
        store.add_switch(
            Switch(
                id=f"away-{back}",
                date=start,
                delta=3600.0,
                workspace_index=0,
                workspace="code",
                task_id=None,
                task=None,
                host="bench",
                away=True,
            )
        )
    state = store.get_state()
    assert state is not None
    store.put_state(replace(state, away=True))


@pytest.fixture(scope="module")
def dashboards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    local = serve(tmp_path_factory.mktemp("local"), token=SecretStr(TOKEN))
    # a portfolio whose owner names the hosts (hidden by default): its picker is tested too
    shown = PortfolioSettings(path_depth=1, show_hosts=True)
    portfolio = serve(tmp_path_factory.mktemp("portfolio"), shown, mode="portfolio")
    away = serve(tmp_path_factory.mktemp("away"))
    for served in (local, portfolio, away):
        seed_history(served.store)
    add_away(away.store)
    yield {"local": local, "portfolio": portfolio, "away": away}
    for served in (local, portfolio, away):
        served.server.shutdown()
        served.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Chromium runs on the machine's real clock (no libfaketime preload: it does not survive
    # Chromium's process model), so every page gets a ``Date`` shifted to the tests' now.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LD_PRELOAD", "FAKETIME"))}
    service = Service(executable_path=str(CHROMEDRIVER), env=env)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    browser_now_ms = driver.execute_script("return Date.now()")
    shift_ms = int(TEST_NOW.timestamp() * 1000) - int(browser_now_ms)
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": DATE_SHIFT % {"shift": shift_ms}}
    )
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(artifacts: Path) -> Path:
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(driver: Any, url: str) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver: Any, folder: Path, name: str) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1440, max(900, min(int(height) + 40, 4000)))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1440, 1000)
    return path


def day_bounds(day: date) -> tuple[datetime, datetime]:
    lo = datetime.combine(day, time(), tzinfo=MADRID).astimezone(UTC)
    hi = datetime.combine(day + timedelta(days=1), time(), tzinfo=MADRID).astimezone(UTC)
    return lo, hi


def expected_day(store: Store, day: date, host: str | None = None) -> float:
    """The reference figure, by the rule the pages state: the store's own cut of that local
    day (all hosts: each moment once, by the overlap rule), plus the running interval's part
    of the day up to now (no other host works while it runs, so nothing overlaps it)."""
    lo, hi = day_bounds(day)
    found = BaseStore.totals(store, lo, hi, MADRID, by=None, host=host)
    closed = sum(t.seconds for t in found)
    running = 0.0
    for state in store.states():
        if host in (None, state.host) and not state.away:
            running += max(0.0, (min(hi, TEST_NOW) - max(lo, state.since)).total_seconds())
    return closed + running


def started_on(store: Store, day: date) -> int:
    """How many switches (any host, not away) start on that local day."""
    lo, hi = day_bounds(day)
    return sum(1 for s in store.switches(lo, hi) if not s.away)


def busy_past_day(store: Store) -> date:
    """The latest day, three or more days back, with an hour of work and a dozen switches."""
    day = today_local() - timedelta(days=3)
    while expected_day(store, day) < 3600 or started_on(store, day) < 12:
        day -= timedelta(days=1)
    return day


def test_day_view_shows_the_store_total_and_a_timeline(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    day = busy_past_day(served.store)
    open_page(browser, f"{served.url}/day/{day.isoformat()}")
    assert browser.find_element(By.ID, "day-total").text == duration(
        expected_day(served.store, day)
    )
    # every switch that starts that day has a bar from its start on (the overlap rule credits
    # a moment to the switch that started last), drawn twice: its own lane and the combined one
    bars = browser.find_elements(By.CSS_SELECTOR, "#timeline rect.seg")
    assert len(bars) >= 2 * started_on(served.store, day)
    assert console_errors(browser) == []
    assert screenshot(browser, shots, "day").stat().st_size > 10_000


def test_today_view_counts_the_running_task(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    open_page(browser, served.url + "/")
    assert browser.find_element(By.ID, "current-task").text == "work/deskmeter/web"
    lanes = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#timeline .lane-label")]
    assert any(label.startswith("work/deskmeter/web") for label in lanes)
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline rect.seg.running")
    assert console_errors(browser) == []
    screenshot(browser, shots, "today")


def test_calendar_shows_store_totals_and_navigates(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    last_month = (today_local().replace(day=1) - timedelta(days=1)).replace(day=1)
    open_page(browser, f"{served.url}/calendar/{last_month.year}/{last_month.month}")
    assert console_errors(browser) == []
    cells = browser.find_elements(By.CSS_SELECTOR, "#calendar td.day:not(.outside)")
    assert len(cells) >= 28
    for cell in cells[:10]:
        day = date.fromisoformat(cell.get_attribute("data-day"))
        assert float(cell.get_attribute("data-seconds")) == pytest.approx(
            expected_day(served.store, day), abs=0.01
        )
    month_total = sum(
        expected_day(served.store, date.fromisoformat(c.get_attribute("data-day"))) for c in cells
    )
    assert browser.find_element(By.ID, "month-total").text == duration(month_total)
    screenshot(browser, shots, "calendar")
    browser.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
    this_month = today_local()
    assert browser.find_element(By.ID, "month-title").text == this_month.strftime("%B %Y")


def test_switches_view_lists_and_pages(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    open_page(browser, served.url + "/switches")
    assert console_errors(browser) == []
    rows = browser.find_elements(By.CSS_SELECTOR, "#switches tbody tr")
    assert len(rows) == served.settings.web.per_page
    total = served.store.count_switches()
    assert f"of {total:,} switches" in browser.find_element(By.ID, "switch-count").text
    screenshot(browser, shots, "switches")
    browser.find_element(By.CSS_SELECTOR, ".pagination a[rel=next]").click()
    assert browser.current_url.endswith("/switches?page=2")
    assert console_errors(browser) == []


def test_tasks_view_rolls_up_the_hierarchy(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    open_page(browser, served.url + "/tasks")
    assert console_errors(browser) == []
    rows = browser.find_elements(By.CSS_SELECTOR, "#task-tree tbody tr")
    seconds = {r.get_attribute("data-path"): float(r.get_attribute("data-seconds")) for r in rows}
    children = [v for k, v in seconds.items() if k.startswith("work/deskmeter/")]
    assert seconds["work/deskmeter"] == pytest.approx(sum(children), abs=0.01)
    screenshot(browser, shots, "tasks")


def test_signing_in_and_switching_task_from_the_header(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["local"]
    open_page(browser, served.url + "/login")
    screenshot(browser, shots, "login")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.CSS_SELECTOR, "form.stack button").click()
    # a click on a submit button returns before the next page has loaded: wait for it
    wait_for(lambda: browser.find_elements(By.ID, "switch-path"), timeout=15)
    field = browser.find_element(By.ID, "switch-path")
    field.send_keys("work/deskmeter/release")
    browser.find_element(By.CSS_SELECTOR, "form.switch-task button").click()

    def flashed() -> str:  # read in the page: an element of the page before goes stale
        return str(
            browser.execute_script(
                "return Array.from(document.querySelectorAll('.flash'))"
                ".map(e => e.textContent).join(' ')"
            )
        )

    wait_for(lambda: "Current task: work/deskmeter/release" in flashed(), timeout=15)
    assert "* work/deskmeter/release" in served.settings.task_file.read_text()
    assert console_errors(browser) == []
    screenshot(browser, shots, "signed-in")


def test_portfolio_shows_last_sync_and_coarse_tasks(
    browser: Any, dashboards: dict[str, Served], shots: Path
) -> None:
    served = dashboards["portfolio"]
    open_page(browser, served.url + "/")
    assert browser.find_element(By.ID, "current-task").text == "work"
    # the latest host's task, labelled with the host (this portfolio shows host names), as of
    # its last sync (to the day: a public page shows no clock times unless [portfolio]
    # show_times)
    assert browser.find_element(By.ID, "current-host").text == "bench"
    today = TEST_NOW.astimezone(MADRID)
    assert browser.find_element(By.ID, "current-as-of").text == f"as of {today:%-d %b}"
    assert not browser.find_elements(By.ID, "switch-path")
    assert console_errors(browser) == []
    screenshot(browser, shots, "portfolio-today")
    open_page(browser, served.url + "/calendar")
    assert console_errors(browser) == []
    screenshot(browser, shots, "portfolio-calendar")


# -- every page at desktop and phone widths, light and dark: layout, console, accessibility ----

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
THEMES = ("light", "dark")


def page_paths(today: date) -> dict[str, tuple[str, str]]:
    """name → (dashboard, path) for every page a user can open."""
    return {
        "today": ("local", "/"),
        "day": ("local", f"/day/{(today - timedelta(days=3)).isoformat()}"),
        "week": ("local", f"/week/{today.isoformat()}"),
        "month": ("local", f"/calendar/{today.year}/{today.month}"),
        "year": ("local", f"/year/{today.year}"),
        "switches": ("local", "/switches"),
        "tasks": ("local", "/tasks"),
        "timesheet": ("local", "/timesheet"),
        "login": ("local", "/login"),
        "day-laptop": ("local", f"/day/{(today - timedelta(days=3)).isoformat()}?host={LAPTOP}"),
        "portfolio-today": ("portfolio", "/"),
        "portfolio-summary": ("portfolio", "/summary"),
        "portfolio-week": ("portfolio", f"/week/{today.isoformat()}"),
        "portfolio-month-laptop": (
            "portfolio",
            f"/calendar/{today.year}/{today.month}?host={LAPTOP}",
        ),
        # away time shown apart: the header's away pill, the year's away column, the summary
        "away-year": ("away", f"/year/{today.year}"),
        "away-summary": ("away", "/summary"),
    }


def emulate(driver: Any, width: int, height: int, theme: str) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "screen", "features": [{"name": "prefers-color-scheme", "value": theme}]},
    )


def axe_violations(driver: Any) -> list[str]:
    """Serious and critical axe-core findings on the open page."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n.get("target", [""])[0] if n.get("target") else "" for n in v["nodes"][:3])
        for v in result
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def layout_browser(browser: Any) -> Iterator[Any]:
    browser.set_script_timeout(30)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


@pytest.mark.skipif(not AXE.exists(), reason="needs `npm ci` (axe-core in node_modules)")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_every_page_fits_the_screen_has_no_errors_and_passes_axe(
    layout_browser: Any, dashboards: dict[str, Served], shots: Path, width_name: str, theme: str
) -> None:
    width, height = WIDTHS[width_name]
    emulate(layout_browser, width, height, theme)
    today = today_local()
    problems: list[str] = []
    for name, (which, path) in page_paths(today).items():
        open_page(layout_browser, dashboards[which].url + path)
        scheme = layout_browser.execute_script(
            "return matchMedia('(prefers-color-scheme: dark)').matches"
        )
        assert scheme == (theme == "dark")
        page_width = layout_browser.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        viewport = layout_browser.execute_script("return document.documentElement.clientWidth")
        if page_width > viewport:
            problems.append(f"{name}: page {page_width}px wide in a {viewport}px viewport")
        if which == "away":
            if not layout_browser.find_element(By.ID, "state-away").is_displayed():
                problems.append(f"{name}: the header's away mark is not shown")
            shown = layout_browser.find_elements(By.CSS_SELECTOR, "[data-away-seconds], .away-line")
            if not any(element.is_displayed() for element in shown):
                problems.append(f"{name}: no away figure shown")
        errors = console_errors(layout_browser)
        if errors:
            problems.append(f"{name}: console {errors}")
        picker = layout_browser.find_elements(By.ID, "host-select")
        if name == "login":  # signing in is not about a host: no picker there
            if picker:
                problems.append(f"{name}: a host selector on the login page")
        elif not picker or not picker[0].is_displayed():
            problems.append(f"{name}: no host selector in view")
        else:
            box = picker[0].rect
            if box["x"] < 0 or box["x"] + box["width"] > viewport:
                problems.append(f"{name}: the host selector sticks out of the screen ({box})")
            options = [
                o.get_attribute("value") for o in picker[0].find_elements(By.TAG_NAME, "option")
            ]
            if options != ["", "bench", LAPTOP]:
                problems.append(f"{name}: host options {options}")
        for violation in axe_violations(layout_browser):
            problems.append(f"{name}: axe {violation}")
        full = layout_browser.execute_script("return document.documentElement.scrollHeight")
        layout_browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": min(int(full), 4000),
                "deviceScaleFactor": 1,
                "mobile": width < 600,
            },
        )
        layout_browser.save_screenshot(str(shots / f"{name}-{width_name}-{theme}.png"))
        emulate(layout_browser, width, height, theme)
    assert problems == [], "\n".join(problems)


def test_week_and_year_pages_show_store_totals_and_arrows_step(
    layout_browser: Any, dashboards: dict[str, Served]
) -> None:
    emulate(layout_browser, 1280, 900, "light")
    served = dashboards["local"]
    day = busy_past_day(served.store)
    monday = day - timedelta(days=day.weekday())
    open_page(layout_browser, f"{served.url}/week/{day.isoformat()}")
    week_total = sum(expected_day(served.store, monday + timedelta(days=i)) for i in range(7))
    assert layout_browser.find_element(By.ID, "week-total").text == duration(week_total)
    assert layout_browser.find_elements(By.CSS_SELECTOR, "svg.trend path.seg")
    layout_browser.find_element(By.TAG_NAME, "body").send_keys("\ue012")  # ArrowLeft
    previous = monday - timedelta(days=7)
    wait_for(lambda: layout_browser.current_url.endswith(f"/week/{previous.isoformat()}"))
    open_page(layout_browser, f"{served.url}/year/{day.year}")
    cell = layout_browser.find_element(By.CSS_SELECTOR, f'rect.heat[data-day="{day}"]')
    assert float(cell.get_attribute("data-seconds")) == pytest.approx(
        expected_day(served.store, day), abs=0.01
    )
    assert console_errors(layout_browser) == []


def test_theme_toggle_is_remembered_across_pages(
    layout_browser: Any, dashboards: dict[str, Served]
) -> None:
    emulate(layout_browser, 1280, 900, "light")
    served = dashboards["local"]
    open_page(layout_browser, served.url + "/tasks")
    layout_browser.execute_script("localStorage.removeItem('deskmeter-theme')")
    layout_browser.refresh()
    background = "return getComputedStyle(document.body).backgroundColor"
    light = layout_browser.execute_script(background)
    layout_browser.find_element(By.ID, "theme-toggle").click()  # auto → dark
    assert (
        layout_browser.execute_script("return document.documentElement.getAttribute('data-theme')")
        == "dark"
    )
    open_page(layout_browser, served.url + "/calendar")
    assert (
        layout_browser.execute_script("return document.documentElement.getAttribute('data-theme')")
        == "dark"
    )
    assert layout_browser.execute_script(background) != light
    layout_browser.find_element(By.ID, "theme-toggle").click()  # dark → light
    layout_browser.find_element(By.ID, "theme-toggle").click()  # light → auto
    assert layout_browser.execute_script("return localStorage.getItem('deskmeter-theme')") is None
    assert console_errors(layout_browser) == []


def test_choosing_a_host_shows_its_own_time_and_every_link_keeps_it(
    layout_browser: Any, dashboards: dict[str, Served]
) -> None:
    from selenium.webdriver.support.select import Select

    emulate(layout_browser, 360, 740, "dark")  # the narrowest phone
    served = dashboards["local"]

    def fits() -> bool:
        return bool(
            layout_browser.execute_script(
                "return document.documentElement.scrollWidth"
                " <= document.documentElement.clientWidth"
            )
        )

    day = today_local() - timedelta(days=3)
    open_page(layout_browser, f"{served.url}/day/{day.isoformat()}")
    everyone = float(layout_browser.find_element(By.ID, "day-total").get_attribute("data-seconds"))
    assert everyone == pytest.approx(expected_day(served.store, day), abs=0.01)
    Select(layout_browser.find_element(By.ID, "host-select")).select_by_value(LAPTOP)
    # the picker submits itself on a change (its "Show" button is the no-script fallback)
    wait_for(lambda: f"host={LAPTOP}" in layout_browser.current_url)
    assert fits()
    own = float(layout_browser.find_element(By.ID, "day-total").get_attribute("data-seconds"))
    assert own == pytest.approx(expected_day(served.store, day, LAPTOP), abs=0.01) == 5400
    assert own < everyone
    layout_browser.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
    following = day + timedelta(days=1)
    wait_for(lambda: f"/day/{following.isoformat()}?host={LAPTOP}" in layout_browser.current_url)
    layout_browser.find_element(By.CSS_SELECTOR, ".main-nav a[href^='/week']").click()
    wait_for(lambda: "/week/" in layout_browser.current_url)
    assert f"host={LAPTOP}" in layout_browser.current_url
    assert fits()
    chosen = Select(layout_browser.find_element(By.ID, "host-select")).first_selected_option
    assert chosen.get_attribute("value") == LAPTOP
    Select(layout_browser.find_element(By.ID, "host-select")).select_by_value("")
    # the picker submits itself on a change (its "Show" button is the no-script fallback)
    wait_for(lambda: f"host={LAPTOP}" not in layout_browser.current_url)
    links = [a.get_attribute("href") for a in layout_browser.find_elements(By.CSS_SELECTOR, "a")]
    assert not [link for link in links if link and "host=" in link]
    assert console_errors(layout_browser) == []
