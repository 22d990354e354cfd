"""``deskmeter status --follow``: a line on every change, from the tracker's real D-Bus service
on a real private session bus, with the time taken from an injected clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from deskmeter.dbus import BUS_NAME, INTERFACE, OBJECT_PATH
from deskmeter.dbus.service import serve_tracker
from deskmeter.indicator.bar_formats import BarFormat
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import Away, Back, WorkspaceChanged
from tests.gnome.shell import BusClient, PrivateBus
from tests.indicator.harness import Follower, LiveTracker, parse_waybar_line, wait_until


@pytest.fixture
def follower_factory(
    clock: FakeClock, session_bus: PrivateBus
) -> Iterator[Callable[[str], Follower]]:
    started: list[Follower] = []

    def make(fmt: str) -> Follower:
        run = Follower(BarFormat(fmt), clock, session_bus.address).start()
        started.append(run)
        return run

    yield make
    for run in started:
        run.stop()


def texts(lines: list[str]) -> list[str]:
    return [parse_waybar_line(line)["text"] for line in lines]


def test_waybar_lines_follow_the_tracker_from_not_running_to_tracking_to_away_and_back_again(
    live: LiveTracker, follower_factory: Callable[[str], Follower], clock: FakeClock,
    session_bus: PrivateBus,
) -> None:  # fmt: skip
    follower = follower_factory("waybar")
    first = parse_waybar_line(follower.next_line())
    assert first == {
        "text": "Deskmeter not running",
        "tooltip": "The tracker is not running: start `deskmeter track`",
        "class": ["not-running"],
        "alt": "not-running",
    }
    assert follower.tick.requested == []  # nothing to count: no timer at all

    tracker = live.start()
    line = parse_waybar_line(follower.wait_for(lambda s: "idle" in s))
    assert (line["text"], line["alt"]) == ("work/a \u00b7 idle", "idle")
    assert follower.tick.requested == []

    tracker.step(WorkspaceChanged(0))
    line = parse_waybar_line(follower.wait_for(lambda s: '"tracking"' in s))
    assert line["text"] == "work/a \u00b7 0m"
    assert line["tooltip"] == "work/a on Code for 0m"
    wait_until(lambda: follower.tick.live() == [60.0], what="a tick at the next minute")
    assert follower.quiet_for(0.3) == []  # no change: no line, whatever the wall clock does

    assert follower.tick.fire() == 60.0  # a minute passes on the injected clock
    assert parse_waybar_line(follower.next_line())["text"] == "work/a \u00b7 1m"

    client = BusClient(session_bus.address)
    try:
        client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "SetTask", "s", ["work/b"])
        live.pump()  # the tracker loop runs the SetTask the service queued
        line = parse_waybar_line(follower.wait_for(lambda s: "work/b" in s))
        assert line["text"] == "work/b \u00b7 0m"  # a new interval from the current time

        clock.advance(60)
        tracker.step(Away(clock.now(), "idle"))
        line = parse_waybar_line(follower.wait_for(lambda s: '"away"' in s))
        assert line["text"] == "away \u00b7 0m"
        assert line["class"] == ["away"]
        clock.advance(2520)
        tracker.step(Back(clock.now(), "idle"))
        line = parse_waybar_line(follower.wait_for(lambda s: "pending-away" in s))
        assert line["text"] == "work/b \u00b7 0m"
        assert line["class"] == ["tracking", "pending-away"]
        assert "Away 42 min: keep it or give it to a task" in line["tooltip"]

        clock.advance(30)  # the pending stretch is resolved half a minute into the interval
        client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "ResolveAway", "s", [""])
        line = parse_waybar_line(follower.wait_for(lambda s: "pending-away" not in s))
        assert line["class"] == ["tracking"]
        wait_until(lambda: follower.tick.live() == [30.0], what="a tick at the minute")
    finally:
        client.close()

    live.stop_service()  # the tracker leaves the bus
    line = parse_waybar_line(follower.wait_for(lambda s: "not running" in s))
    assert line["class"] == ["not-running"]
    wait_until(lambda: follower.tick.live() == [], what="the tick to be dropped")

    live.service = serve_tracker(tracker, "x11", bus_address=session_bus.address)  # it is back
    line = parse_waybar_line(follower.wait_for(lambda s: '"tracking"' in s))
    assert line["text"].startswith("work/b \u00b7 ")
    shown = texts(follower.lines)
    assert all(a != b for a, b in zip(follower.lines, follower.lines[1:], strict=False)), shown


def test_i3bar_output_is_a_header_then_an_endless_array_of_block_arrays(
    live: LiveTracker, follower_factory: Callable[[str], Follower], clock: FakeClock
) -> None:
    follower = follower_factory("i3bar")
    header = json.loads(follower.next_line())
    assert header == {"version": 1}
    assert follower.next_line() == "["
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    follower.wait_for(lambda s: "0m" in s)
    follower.tick.fire()
    follower.wait_for(lambda s: "1m" in s)
    body = follower.lines[2:]
    # i3bar reads the array as a stream: each element a JSON array of blocks, a comma before
    # every element but the first.
    assert not body[0].startswith(",")
    assert all(line.startswith(",") for line in body[1:])
    stream = json.loads("[" + "\n".join(body) + "]")
    for blocks in stream:
        assert isinstance(blocks, list) and len(blocks) == 1
        assert blocks[0]["name"] == "deskmeter"
        assert isinstance(blocks[0]["full_text"], str)
    shown = [blocks[0]["full_text"] for blocks in stream]
    assert shown[0] == "Deskmeter not running"
    assert shown[-2:] == ["work/a \u00b7 0m", "work/a \u00b7 1m"]
    assert stream[0][0]["color"] == "#888888"  # dimmed while nothing is counted
    assert "color" not in stream[-1][0]
    assert stream[-1][0]["short_text"] == "1m"


def test_json_lines_carry_the_task_the_workspace_and_the_start(
    live: LiveTracker, follower_factory: Callable[[str], Follower], clock: FakeClock
) -> None:
    follower = follower_factory("json")
    assert json.loads(follower.next_line())["state"] == "not-running"
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    line = json.loads(follower.wait_for(lambda s: '"tracking"' in s))
    assert line == {
        "state": "tracking",
        "text": "work/a \u00b7 0m",
        "tooltip": "work/a on Code for 0m",
        "task": "work/a",
        "workspace": "Code",
        "since": int(clock.now().timestamp()),
        "elapsed": "0m",
        "pending_away": None,
        "recent_tasks": ["work/a", "work/b"],
    }


def test_text_lines_are_the_label_alone_for_polybar(
    live: LiveTracker, follower_factory: Callable[[str], Follower]
) -> None:
    follower = follower_factory("text")
    assert follower.next_line() == "Deskmeter not running"
    live.start().step(WorkspaceChanged(0))
    assert follower.wait_for(lambda s: "0m" in s) == "work/a \u00b7 0m"
