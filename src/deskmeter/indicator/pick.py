"""``deskmeter task pick``: choose a task (or what to do with an away stretch) in a menu program.

The menu is any dmenu-style program: it reads one entry per line on stdin and prints the chosen
line (rofi -dmenu, wofi --dmenu, fuzzel --dmenu, bemenu, dmenu). The entries come from the
running tracker (``RecentTasks``, ``PendingAway``) and the choice goes back to it over D-Bus
(``SetTask`` / ``ResolveAway``). A typed path that is not listed becomes a new task.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from deskmeter.indicator.tracker_bus import TrackerBus, TrackerBusError
from deskmeter.indicator.view import AWAY_CHOICES, TrackerProps, away_title
from deskmeter.tasks.taskfile import validate_path

#: Menu programs tried in turn when ``--menu`` is not given (Wayland first where it runs).
WAYLAND_MENUS = (
    "fuzzel --dmenu --prompt 'task: '",
    "wofi --dmenu --prompt task",
    "rofi -dmenu -i -p task",
    "bemenu -i -p task",
)
X11_MENUS = ("rofi -dmenu -i -p task", "dmenu -i -p task", "bemenu -i -p task")
MENU_TIMEOUT = 600


class PickError(RuntimeError):
    """No menu program, or a choice that is no task (one line, for the user)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A menu line and what it does: set ``task``, or resolve the away stretch (``away``)."""

    label: str
    task: str | None = None
    away: str | None = None  # a task path, or "" to keep it as away


def choices(props: TrackerProps | None, listed: Sequence[str]) -> list[Choice]:
    """The menu: the away decisions first when a stretch waits, then the tasks.

    ``props`` None: the tracker is not running; the tasks are the task file's (``listed``).
    """
    tasks = list(props.recent_tasks) if props is not None else list(listed)
    for path in listed:
        if path not in tasks:
            tasks.append(path)
    menu: list[Choice] = []
    if props is not None and props.pending_away[1] > 0:
        title = away_title(props.pending_away[1])
        menu.append(Choice(f"{title}: keep as away", away=""))
        menu.extend(Choice(f"{title}: give to {path}", away=path) for path in tasks[:AWAY_CHOICES])
    menu.extend(Choice(path, task=path) for path in tasks)
    return menu


def menu_command(given: str | None, env: Mapping[str, str] | None = None) -> list[str]:
    """``given`` (else ``$DESKMETER_MENU``) split as a shell would, else the first installed
    menu program for the session."""
    env = os.environ if env is None else env
    given = given or env.get("DESKMETER_MENU", "")
    if given:
        return shlex.split(given)
    candidates = WAYLAND_MENUS if env.get("WAYLAND_DISPLAY") else X11_MENUS
    for candidate in candidates:
        argv = shlex.split(candidate)
        if shutil.which(argv[0], path=env.get("PATH")):
            return argv
    names = ", ".join(shlex.split(c)[0] for c in candidates)
    raise PickError(f"no menu program found (tried {names}): install one or pass --menu CMD")


def run_menu(argv: Sequence[str], menu: Sequence[Choice]) -> Choice | None:
    """Show ``menu`` in the program; the choice, None when cancelled (Escape: non-zero exit).

    A line that is not in the menu is taken as a task path typed by the user.
    """
    try:
        result = subprocess.run(
            list(argv), input="".join(f"{c.label}\n" for c in menu), capture_output=True,
            text=True, timeout=MENU_TIMEOUT, check=False,
        )  # fmt: skip
    except FileNotFoundError as exc:
        raise PickError(f"menu program not found: {argv[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise PickError(f"the menu did not answer within {MENU_TIMEOUT} s") from exc
    picked = result.stdout.strip().splitlines()
    if result.returncode != 0 or not picked or not picked[0].strip():
        return None
    line = picked[0].strip()
    for choice in menu:
        if choice.label == line:
            return choice
    try:
        validate_path(line)
    except ValueError as exc:
        raise PickError(f"not a task: {exc}") from exc
    return Choice(line, task=line)


async def _from_tracker(bus_address: str | None) -> tuple[TrackerProps | None, TrackerBus | None]:
    bus = TrackerBus(bus_address=bus_address)
    try:
        await bus.connect()
    except TrackerBusError:
        return None, None  # no session bus: the task file alone
    if not bus.running:
        bus.close()
        return None, None
    return bus.props, bus


def pick(
    menu_cmd: str | None,
    listed: Sequence[str],
    set_in_file: Callable[[str], None],
    *,
    bus_address: str | None = None,
) -> str:
    """Show the menu and apply the choice; a line saying what was done ("" when cancelled).

    ``set_in_file(path)`` sets the task when no tracker runs (as ``deskmeter task set`` does).
    """
    argv = menu_command(menu_cmd)

    async def main() -> str:
        props, bus = await _from_tracker(bus_address)
        try:
            choice = await asyncio.get_running_loop().run_in_executor(
                None, run_menu, argv, choices(props, listed)
            )
            if choice is None:
                return ""
            if bus is not None:
                if choice.away is not None:
                    await bus.resolve_away(choice.away)
                    return choice.label
                assert choice.task is not None
                await bus.set_task(choice.task)
                return f"current task: {choice.task}"
            assert choice.task is not None
            set_in_file(choice.task)
            return f"current task: {choice.task}"
        finally:
            if bus is not None:
                bus.close()

    return asyncio.run(main())
