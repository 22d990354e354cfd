"""The indicator tests' parts: a real private session bus, the real tracker D-Bus service fed by
an in-process tracker on an injected clock, and a follower (``deskmeter status --follow``'s loop)
in its own thread whose minute tick is driven by that clock."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskmeter.dbus.service import BusService, serve_tracker
from deskmeter.indicator.bar_formats import BarFormat
from deskmeter.indicator.follow import follow
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from tests.unit.test_tracker_intervals import make_tracker


def wait_until(check: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")
        time.sleep(0.02)


class ClockTick:
    """The follower's ``sleep``: records each requested delay and returns only when the test
    ``fire``s it, after moving the shared fake clock by that delay (a minute passing, instantly).
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.requested: list[float] = []
        self._pending: list[tuple[float, asyncio.Future[None], asyncio.AbstractEventLoop]] = []
        self._lock = threading.Lock()

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self.requested.append(seconds)
            self._pending.append((seconds, future, loop))
        await future

    def live(self) -> list[float]:
        """The delays of the sleeps still waiting (cancelled ones are gone)."""
        with self._lock:
            return [s for s, f, _ in self._pending if not f.done()]

    def fire(self) -> float:
        """Let the one waiting sleep end, the clock having moved by its delay."""
        wait_until(lambda: len(self.live()) == 1, 30, "one waiting tick")
        with self._lock:
            waiting = [(s, f, loop) for s, f, loop in self._pending if not f.done()]
            assert len(waiting) == 1, f"expected one waiting tick, found {len(waiting)}"
            seconds, future, loop = waiting[0]
            self._pending.clear()
        self.clock.advance(seconds)

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        loop.call_soon_threadsafe(wake)
        return seconds


@dataclass
class Follower:
    """``follow()`` in a thread of its own, its lines collected as they are written."""

    fmt: BarFormat
    clock: FakeClock
    bus_address: str
    tick: ClockTick = field(init=False)
    lines: list[str] = field(default_factory=list)
    error: BaseException | None = None
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task[None] | None = None
    _subscribed: threading.Event = field(default_factory=threading.Event)
    _arrived: queue.Queue[str] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        self.tick = ClockTick(self.clock)

    def start(self) -> Follower:
        def write(line: str) -> None:
            self.lines.append(line)
            self._arrived.put(line)

        async def main() -> None:
            self._task = asyncio.current_task()
            await follow(
                self.fmt, write, self.clock, bus_address=self.bus_address,
                sleep=self.tick.sleep, connected=lambda _: self._subscribed.set(),
            )  # fmt: skip

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(main())
            except asyncio.CancelledError:
                pass
            except BaseException as exc:
                self.error = exc
                self._subscribed.set()
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=run, name="follower", daemon=True)
        self._thread.start()
        assert self._subscribed.wait(10), "the follower did not connect"
        assert self.error is None, self.error
        return self

    def next_line(self, timeout: float = 10.0) -> str:
        try:
            return self._arrived.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no new line within {timeout} s; lines: {self.lines}") from None

    def wait_for(self, check: Callable[[str], bool], timeout: float = 10.0) -> str:
        """The next line for which ``check`` holds (lines before it are kept in ``lines``)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            if check(line):
                return line

    def quiet_for(self, seconds: float) -> list[str]:
        """The lines written within ``seconds`` (none expected when nothing changed)."""
        time.sleep(seconds)
        seen = []
        while not self._arrived.empty():
            seen.append(self._arrived.get_nowait())
        return seen

    def stop(self) -> None:
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            loop, task = self._loop, self._task
            with contextlib.suppress(RuntimeError):  # its loop ended meanwhile
                loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(10)


@dataclass
class LiveTracker:
    """An in-process tracker on ``clock`` with the real D-Bus service on the private bus."""

    tmp_path: Path
    clock: FakeClock
    bus_address: str
    tracker: Tracker | None = None
    service: BusService | None = None

    def start(self, tasks: str = "* work/a\nwork/b\n") -> Tracker:
        self.tracker = make_tracker(self.tmp_path, self.clock, tasks)
        self.service = serve_tracker(self.tracker, "x11", bus_address=self.bus_address)
        return self.tracker

    def pump(self, timeout: float = 10.0) -> None:
        """Run the tracker events that D-Bus calls queued (``SetTask``), as its loop would."""
        assert self.tracker is not None
        self.tracker.step(self.tracker.events.get(timeout=timeout))

    def stop_service(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None

    def close(self) -> None:
        self.stop_service()
        if self.tracker is not None:
            self.tracker.store.close()


def parse_waybar_line(line: str) -> dict[str, Any]:
    """A line as waybar's custom module (``return-type: json``) reads it: one JSON object with
    a string ``text``; ``tooltip`` and ``alt`` strings; ``class`` a string or a list of them."""
    import json

    obj = json.loads(line)
    assert isinstance(obj, dict), line
    assert isinstance(obj["text"], str), line
    for key in ("tooltip", "alt"):
        assert isinstance(obj.get(key, ""), str), line
    cls = obj.get("class", "")
    assert isinstance(cls, str) or (
        isinstance(cls, list) and all(isinstance(c, str) for c in cls)
    ), line
    return obj


@dataclass
class TrayRunner:
    """``Tray.run`` (``deskmeter tray``) in a thread of its own, on the injected clock."""

    clock: FakeClock
    bus_address: str
    tick: ClockTick = field(init=False)
    opened: list[str] = field(default_factory=list)
    tray: Any = None
    error: BaseException | None = None
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task[None] | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.tick = ClockTick(self.clock)

    def start(self) -> TrayRunner:
        from deskmeter.indicator.tray import Tray

        async def main() -> None:
            self._task = asyncio.current_task()
            self.tray = Tray(
                self.clock, bus_address=self.bus_address, sleep=self.tick.sleep,
                open_url=self.opened.append,
            )  # fmt: skip
            await self.tray.run(ready=lambda _: self._ready.set())

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(main())
            except asyncio.CancelledError:
                pass
            except BaseException as exc:
                self.error = exc
            finally:
                self._ready.set()
                self._loop.close()

        self._thread = threading.Thread(target=run, name="tray", daemon=True)
        self._thread.start()
        assert self._ready.wait(15), "the tray did not start"
        assert self.error is None, self.error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread is not None:
            self._thread.join(10)
