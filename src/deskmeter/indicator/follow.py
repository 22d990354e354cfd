"""``deskmeter status --follow``: a line on every change, following the tracker's D-Bus signals.

Wake-ups: one per change the tracker announces (``PropertiesChanged``, or its bus name coming or
going) and, while an interval is open, one when the minute shown changes (the label says
``12m``; a bar has no clock of its own to move it). Nothing while the tracker is idle or not
running. A line is printed only when it differs from the last one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from deskmeter.indicator.bar_formats import BarFormat
from deskmeter.indicator.tracker_bus import TrackerBus
from deskmeter.indicator.view import View, view_of
from deskmeter.tracker.clock import Clock

Sleep = Callable[[float], Awaitable[None]]


def current_view(bus: TrackerBus, clock: Clock) -> View:
    return view_of(bus.running, bus.props, clock.now().timestamp())


async def follow(
    fmt: BarFormat,
    write: Callable[[str], None],
    clock: Clock,
    *,
    bus_address: str | None = None,
    sleep: Sleep = asyncio.sleep,
    once: bool = False,
    connected: Callable[[TrackerBus], None] | None = None,
    click_events: bool = False,
) -> None:
    """Write ``fmt``'s lines until the session bus goes away (or after one line: ``once``).

    ``write`` gets one line at a time (no newline). ``sleep`` waits for the minute tick (tests
    pass one driven by their clock). ``connected`` is told the client once it is subscribed.
    """
    changed = asyncio.Event()
    bus = TrackerBus(on_change=changed.set, bus_address=bus_address)
    await bus.connect()
    if connected is not None:
        connected(bus)
    waits: set[asyncio.Future[Any]] = set()
    try:
        for line in fmt.header(click_events):
            write(line)
        last = None
        gone = asyncio.ensure_future(bus.wait_closed())
        while True:
            changed.clear()
            view = current_view(bus, clock)
            content = fmt.content(view)
            if content != last:
                write(fmt.framed(content))
                last = content
            if once:
                return
            waits = {gone, asyncio.ensure_future(changed.wait())}
            if view.tick_in > 0:
                waits.add(asyncio.ensure_future(sleep(view.tick_in)))
            done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending - {gone}:
                task.cancel()
            if gone in done:
                return
    finally:
        for task in waits:
            task.cancel()
        bus.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bus.wait_closed(), 2)


def block_clicked(line: str) -> bool:
    """Whether a line i3bar writes to a status command's stdin is a click on our block."""
    import json

    text = line.strip().lstrip("[,").strip()
    if not text:
        return False
    try:
        event = json.loads(text)
    except ValueError:
        return False
    return isinstance(event, dict) and event.get("name") == "deskmeter"


def open_menu_on_clicks() -> None:
    """Read i3bar's click events from stdin (a thread): a click on the block opens the menu."""
    import subprocess
    import sys
    import threading

    def read() -> None:
        for line in sys.stdin:
            if block_clicked(line):
                subprocess.Popen(
                    [sys.executable, "-m", "deskmeter", "task", "pick"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    start_new_session=True,
                )  # fmt: skip

    threading.Thread(target=read, name="i3bar-clicks", daemon=True).start()


def run_follow(format_name: str, *, once: bool = False, clock: Clock | None = None) -> int:
    """The command: lines to stdout (flushed each); the exit status."""
    import sys

    from deskmeter.indicator.tracker_bus import TrackerBusError
    from deskmeter.tracker.clock import SystemClock

    def write(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    try:
        fmt = BarFormat(format_name)
    except ValueError as exc:
        print(f"deskmeter: error: {exc}", file=sys.stderr)
        return 2
    clicks = format_name == "i3bar" and not once
    if clicks:
        open_menu_on_clicks()
    try:
        asyncio.run(follow(fmt, write, clock or SystemClock(), once=once, click_events=clicks))
    except TrackerBusError as exc:
        print(f"deskmeter: error: {exc}", file=sys.stderr)
        return 1
    except (BrokenPipeError, KeyboardInterrupt):  # the bar closed our pipe, or Ctrl-C
        return 0
    if not once:
        print("deskmeter: error: the session bus closed", file=sys.stderr)
        return 1
    return 0
