# ruff: noqa: F811 - the browser fixtures are imported from test_browser and taken as arguments
"""Issue 23 in a real browser (headless Chromium): numbers you trust at a glance.

A dashboard on a fixed clock (``create_app(clock=...)``, Wednesday 6 May 2026, 14:30 in
Madrid) with a history built from that instant: a lunch away stretch, goals, two weeks of
work. Each page is opened at 1280 and 390 px in light and dark, checked with axe (no serious
or critical finding) and for readable text on the phone, and saved under
``artifacts/screenshots/trust-*.png``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from werkzeug.serving import BaseWSGIServer, make_server

from deskmeter.config import GoalSettings, PortfolioSettings, Settings, TrackerSettings, WebSettings
from deskmeter.models import State, Switch, Task
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.web.test_browser import (  # noqa: F401 - fixtures
    AXE,
    THEMES,
    WIDTHS,
    By,
    axe_violations,
    browser,
    console_errors,
    emulate,
    layout_browser,
    open_page,
    shots,
)

pytestmark = [pytest.mark.browser]

MADRID_NOW = datetime(2026, 5, 6, 12, 30, 0, tzinfo=UTC)  # Wed 6 May 2026, 14:30 Madrid
TOKEN = "trust-browser-token-0123456789"
HOST = "desk"
#: The smallest text a phone user is asked to read (CSS px, as rendered).
MIN_PHONE_TEXT_PX = 10.5


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """Local ``hour:minute`` on the day ``days_ago`` before the clock's, in UTC."""
    from zoneinfo import ZoneInfo

    madrid = ZoneInfo("Europe/Madrid")
    day = MADRID_NOW.astimezone(madrid).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=madrid).astimezone(UTC)


def history() -> list[Switch]:
    """Two weeks of mornings and afternoons; a lunch away stretch each day."""
    paths = ("work/deskmeter/sync", "work/deskmeter/web", "work/client/api", "admin/mail")
    found: list[Switch] = []
    for back in range(0, 15):
        if back == 0:
            found.append(Switch("d0a", at(0, 9), 3600, 0, "desktop 1", paths[0], paths[0], HOST))
            found.append(
                Switch("d0b", at(0, 13, 2), 34 * 60, 0, "desktop 1", paths[0], paths[0], HOST, True)
            )
            found.append(Switch("d0c", at(0, 13, 36), 24 * 60, 1, "web", paths[1], paths[1], HOST))
            continue
        for slot, (hour, minutes) in enumerate(((9, 150), (13, 40), (14, 120))):
            task = paths[(back + slot) % len(paths)]
            away = slot == 1
            found.append(
                Switch(
                    f"d{back}s{slot}",
                    at(back, hour),
                    minutes * 60.0,
                    slot,
                    f"desktop {slot + 1}",
                    task,
                    task,
                    HOST,
                    away,
                )
            )
    return found


@dataclass
class Served:
    url: str
    store: SQLiteStore
    server: BaseWSGIServer


def serve(tmp: Path, *, empty: bool = False, **web: Any) -> Served:
    settings = Settings(
        store=str(tmp / "trust.db"),
        timezone="Europe/Madrid",
        task_file=tmp / "tasks.txt",
        host=HOST,
        tracker=TrackerSettings(heartbeat_seconds=30),
        web=WebSettings(**web),
        goals=[
            GoalSettings(path="work", per="week", target_hours=20),
            GoalSettings(path="work", per="day", target_hours=4),
        ],
        portfolio=PortfolioSettings(show_switches=True),
    )
    store = SQLiteStore(tmp / "trust.db")
    app = create_app(settings, store=store, clock=lambda: MADRID_NOW)
    if empty:
        return _start(app, store)
    paths = {s.task for s in history() if s.task}
    store.upsert_tasks([Task(p, p) for p in sorted(paths)])
    store.add_switches(history())
    store.put_state(
        State(
            workspace_index=1,
            workspace="web",
            since=at(0, 14),
            heartbeat=MADRID_NOW - timedelta(seconds=10),
            interval_id="open",
            task_id="work/deskmeter/web",
            task="work/deskmeter/web",
            host=HOST,
        )
    )
    laptop = Switch("l1", at(1, 8), 1800, 0, "laptop", "admin/mail", "admin/mail", "laptop")
    store.add_switches([laptop])
    return _start(app, store)


def _start(app: Any, store: SQLiteStore) -> Served:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.server_port}", store, server)


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    local = serve(tmp_path_factory.mktemp("trust-local"), token=SecretStr(TOKEN))
    portfolio = serve(tmp_path_factory.mktemp("trust-portfolio"), mode="portfolio")
    empty = serve(tmp_path_factory.mktemp("trust-empty"), empty=True, token=SecretStr(TOKEN))
    yield {"local": local, "portfolio": portfolio, "empty": empty}
    for served in (local, portfolio, empty):
        served.server.shutdown()
        served.store.close()


LAST_WEEK = (MADRID_NOW - timedelta(days=7)).date().isoformat()
PAGES: dict[str, tuple[str, str]] = {
    "switches": ("local", "/switches"),
    "switches-away": ("local", "/switches?show=away"),
    "day-away-labels": ("local", "/"),
    "week-missed": ("local", f"/week/{LAST_WEEK}"),
    "month-goals": ("local", "/calendar/2026/5"),
    "summary": ("portfolio", "/summary"),
    "task": ("local", "/task/work/deskmeter"),
    "hosts": ("local", "/hosts"),
    "empty-day": ("local", "/day/2026-04-01"),
    "welcome": ("empty", "/"),
    "tasks": ("local", "/tasks"),
    "year": ("local", "/year/2026"),
    "timesheet": ("local", "/timesheet"),
}

#: Every visible text's rendered size, with what it says: ``[[px, text], ...]``. SVG text is
#: measured as drawn (its box's height), so a chart squeezed onto a phone counts as small.
TEXT_SIZES_JS = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const text = node.textContent.trim();
  const el = node.parentElement;
  if (!text || !el) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.display === 'none') continue;
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) continue;
  if (el.closest('.sr-only, title, script, style, noscript, datalist, option')) continue;
  let px = parseFloat(style.fontSize);
  if (el instanceof SVGElement) {
    const svg = el.ownerSVGElement;
    const view = svg && svg.viewBox && svg.viewBox.baseVal;
    if (view && view.width) px = px * svg.getBoundingClientRect().width / view.width;
  }
  out.push([Math.round(px * 10) / 10, text.slice(0, 40)]);
}
return out;
"""


def small_texts(driver: Any) -> list[tuple[float, str]]:
    return [
        (px, text) for px, text in driver.execute_script(TEXT_SIZES_JS) if px < MIN_PHONE_TEXT_PX
    ]


@pytest.mark.skipif(not AXE.exists(), reason="needs `npm ci` (axe-core in node_modules)")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_trust_pages_pass_axe_fit_and_are_readable(
    layout_browser: Any, trust: dict[str, Served], shots: Path, width_name: str, theme: str
) -> None:
    width, height = WIDTHS[width_name]
    emulate(layout_browser, width, height, theme)
    problems: list[str] = []
    for name, (which, path) in PAGES.items():
        open_page(layout_browser, trust[which].url + path)
        page_width = layout_browser.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        viewport = layout_browser.execute_script("return document.documentElement.clientWidth")
        if page_width > viewport:
            problems.append(f"{name}: page {page_width}px wide in a {viewport}px viewport")
        errors = console_errors(layout_browser)
        if errors:
            problems.append(f"{name}: console {errors}")
        for violation in axe_violations(layout_browser):
            problems.append(f"{name}: axe {violation}")
        if width < 600:
            tiny = small_texts(layout_browser)
            if tiny:
                problems.append(f"{name}: text under {MIN_PHONE_TEXT_PX}px: {tiny[:6]}")
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
        layout_browser.save_screenshot(str(shots / f"trust-{name}-{width_name}-{theme}.png"))
        emulate(layout_browser, width, height, theme)
    assert problems == [], "\n".join(problems)


def test_away_rows_look_away_in_the_browser(layout_browser: Any, trust: dict[str, Served]) -> None:
    emulate(layout_browser, 1280, 900, "light")
    open_page(layout_browser, trust["local"].url + "/switches")
    away = layout_browser.find_element(By.CSS_SELECTOR, 'tr[data-id="d0b"]')
    work = layout_browser.find_element(By.CSS_SELECTOR, 'tr[data-id="d0a"]')
    assert "away" in away.find_element(By.CSS_SELECTOR, ".tag-away").text
    struck = away.find_element(By.CSS_SELECTOR, "td.num").value_of_css_property(
        "text-decoration-line"
    )
    assert struck == "line-through"
    assert work.find_elements(By.CSS_SELECTOR, ".tag-away") == []
    # the filter: away only
    select = layout_browser.find_element(By.ID, "show")
    select.find_element(By.CSS_SELECTOR, 'option[value="away"]').click()
    layout_browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    from tests.support.waiting import wait_for

    wait_for(lambda: "show=away" in layout_browser.current_url, timeout=15, what="the filter")
    wait_for_text(layout_browser, "#switches tbody", "away")
    rows = layout_browser.find_elements(By.CSS_SELECTOR, "#switches tbody tr[data-away]")
    assert rows and all(r.get_attribute("data-away") == "true" for r in rows)


def test_day_timeline_away_labels_do_not_overlap(
    layout_browser: Any, trust: dict[str, Served]
) -> None:
    for width in (1280, 390):
        emulate(layout_browser, width, 900, "light")
        open_page(layout_browser, trust["local"].url + "/")
        boxes = layout_browser.execute_script(
            "return [...document.querySelectorAll('#timeline .gap-label')]"
            ".map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })"
        )
        boxes.sort()
        for (_, right), (left, _) in pairwise(boxes):
            assert left >= right, f"labels overlap at {width}px: {boxes}"


LABEL_DRIFT_JS = """
const out = [];
for (const label of document.querySelectorAll('#edit-form label')) {
  const field = label.querySelector('input, select');
  const text = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
  if (!field || !text) continue;
  const range = document.createRange(); range.selectNodeContents(text);
  const t = range.getBoundingClientRect(), f = field.getBoundingClientRect();
  const above = f.top - t.bottom >= -1 && f.top - t.bottom <= 12 && Math.abs(f.left - t.left) <= 4;
  const beside = Math.abs((f.top + f.bottom) / 2 - (t.top + t.bottom) / 2) <= 10
    && f.left - t.right >= 0 && f.left - t.right <= 16;
  if (!above && !beside) out.push([text.textContent.trim(), Math.round(t.left), Math.round(t.top),
    Math.round(f.left), Math.round(f.top)]);
}
return out;
"""


HEADER_ROWS_JS = """
const tops = [...document.querySelectorAll('header.top > :not(.top-break)')]
  .filter(e => e.getBoundingClientRect().width > 0)
  .map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
return tops;
"""


def test_header_rows_do_not_depend_on_the_host_and_the_picker_needs_no_click(
    layout_browser: Any, trust: dict[str, Served], shots: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    from tests.support.waiting import wait_for

    emulate(layout_browser, 1280, 900, "light")
    heights = set()
    for path in ("/", "/switches", "/calendar/2026/5", "/hosts", "/?host=laptop", "/?host=desk"):
        open_page(layout_browser, trust["local"].url + path)
        rows = {round(m / 10) for m in layout_browser.execute_script(HEADER_ROWS_JS)}
        assert len(rows) <= 2, f"{path}: header items on {len(rows)} rows"
        heights.add(
            layout_browser.execute_script(
                "return Math.round("
                "document.querySelector('header.top').getBoundingClientRect().height)"
            )
        )
    assert len(heights) == 1, f"the header's height changes from page to page: {heights}"
    open_page(layout_browser, trust["local"].url + "/login")
    assert layout_browser.find_elements(By.ID, "host-select") == []  # nothing to pick there
    open_page(layout_browser, trust["local"].url + "/")
    Select(layout_browser.find_element(By.ID, "host-select")).select_by_value("laptop")
    wait_for(lambda: "host=laptop" in layout_browser.current_url, timeout=10)
    layout_browser.save_screenshot(str(shots / "trust-header-laptop-desktop-light.png"))


def test_signed_in_day_form_and_buttons(
    layout_browser: Any, trust: dict[str, Served], shots: Path
) -> None:
    emulate(layout_browser, 1280, 900, "light")
    open_page(layout_browser, trust["local"].url + "/login")
    layout_browser.find_element(By.ID, "token").send_keys(TOKEN)
    layout_browser.find_element(By.CSS_SELECTOR, "form.stack button").click()
    signed_in(layout_browser)
    open_page(layout_browser, trust["local"].url + "/day/2026-05-05")
    form = layout_browser.find_element(By.CSS_SELECTOR, "#edit-form form")
    form.find_element(By.NAME, "start").clear()
    form.find_element(By.NAME, "start").send_keys("2026-05-05 09:10")
    form.find_element(By.NAME, "end").clear()
    form.find_element(By.NAME, "end").send_keys("2026-05-05 09:20")
    form.find_element(By.CSS_SELECTOR, "select[name=op] option[value=away]").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_text(layout_browser, ".flash", "09:10–09:20 marked away")
    preview = layout_browser.find_element(By.ID, "undo-preview").text
    assert "09:10–09:20 marked away" in preview  # what Undo would take back
    apply_button = form = layout_browser.find_element(By.CSS_SELECTOR, "#edit-form form button")
    undo = layout_browser.find_element(By.ID, "undo-last")
    assert undo.value_of_css_property("background-color") != apply_button.value_of_css_property(
        "background-color"
    )
    for width, theme in ((1280, "light"), (390, "dark")):
        emulate(layout_browser, width, 900, theme)
        open_page(layout_browser, trust["local"].url + "/day/2026-05-05")
        layout_browser.save_screenshot(str(shots / f"trust-signed-in-top-{width}-{theme}.png"))
        assert axe_violations(layout_browser) == [], width
        # each label's text sits right above its field, or just left of it on its line
        drift = layout_browser.execute_script(LABEL_DRIFT_JS)
        assert drift == [], drift
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
        layout_browser.save_screenshot(str(shots / f"trust-signed-in-day-{width}-{theme}.png"))
    layout_browser.delete_all_cookies()


def test_keys_t_and_question_mark(layout_browser: Any, trust: dict[str, Served]) -> None:
    from selenium.webdriver.common.keys import Keys

    from tests.support.waiting import wait_for

    emulate(layout_browser, 1280, 900, "light")
    open_page(layout_browser, trust["local"].url + "/week/2026-04-01")
    body = layout_browser.find_element(By.TAG_NAME, "body")
    help_box = layout_browser.find_element(By.ID, "key-help")
    assert not help_box.is_displayed()
    body.send_keys("?")
    assert help_box.is_displayed() and "today" in help_box.text
    assert axe_violations(layout_browser) == []
    layout_browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not help_box.is_displayed()
    body.send_keys("t")
    wait_for(lambda: "/week/2026-05-06" in layout_browser.current_url, timeout=10)  # this week


def test_dragging_across_the_timeline_prefills_the_correction(
    layout_browser: Any, trust: dict[str, Served], shots: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    emulate(layout_browser, 1280, 900, "light")
    open_page(layout_browser, trust["local"].url + "/login")
    layout_browser.find_element(By.ID, "token").send_keys(TOKEN)
    layout_browser.find_element(By.CSS_SELECTOR, "form.stack button").click()
    signed_in(layout_browser)
    open_page(layout_browser, trust["local"].url + "/day/2026-05-05")
    # the default stretch of a past day is its last tracked hour, not 09:00–10:00
    assert layout_browser.find_element(By.ID, "edit-start").get_attribute("value") == (
        "2026-05-05 15:00"
    )
    svg = layout_browser.find_element(By.ID, "timeline")
    left, right = (float(svg.get_attribute(n)) for n in ("data-plot-left", "data-plot-right"))
    box = svg.rect
    scale = box["width"] / float(svg.get_attribute("data-width"))

    # the view is 08:00–16:00: drag from 10:00 to 11:30
    def x_at(hours: float) -> float:
        return (left + (right - left) * hours / 8) * scale - box["width"] / 2

    chain = ActionChains(layout_browser)
    chain.move_to_element_with_offset(svg, x_at(2), 0).click_and_hold()
    chain.move_to_element_with_offset(svg, x_at(3.5), 0).release().perform()
    start = layout_browser.find_element(By.ID, "edit-start").get_attribute("value")
    end = layout_browser.find_element(By.ID, "edit-end").get_attribute("value")
    assert start.startswith("2026-05-05 10:0") or start.startswith("2026-05-05 09:5"), start
    assert end.startswith("2026-05-05 11:3") or end.startswith("2026-05-05 11:2"), end
    layout_browser.save_screenshot(str(shots / "trust-timeline-drag-desktop-light.png"))
    layout_browser.delete_all_cookies()


def signed_in(driver: Any) -> None:
    """Wait until the sign-in's POST has landed (a click returns before the next page)."""
    from tests.support.waiting import wait_for

    wait_for(lambda: "/login" not in driver.current_url, timeout=15, what="signed in")


def wait_for_text(driver: Any, selector: str, text: str) -> None:
    """Wait until an element matching ``selector`` holds ``text``, read in the page (an
    element of the page before goes stale)."""
    from tests.support.waiting import wait_for

    script = (
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(e => e.textContent).join(' ')"
    )
    wait_for(lambda: text in str(driver.execute_script(script, selector)), timeout=15, what=text)
