"""What the D-Bus service publishes: an immutable snapshot of the tracker, taken in its thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from deskmeter.config import Settings
from deskmeter.models import State
from deskmeter.store import Store

#: How many tasks ``RecentTasks`` lists, and how many recent switches are scanned to order them.
RECENT_LIMIT = 10
RECENT_SCAN = 300


@dataclass(frozen=True, slots=True)
class Snapshot:
    tracking: bool = False
    task: str = ""
    task_id: str = ""
    workspace: str = ""
    workspace_index: int = -1
    since: int = 0
    recent_tasks: tuple[str, ...] = ()
    dashboard_url: str = ""
    source: str = ""
    #: The open interval is an away stretch (no input, locked, asleep).
    away: bool = False
    #: The away stretch waiting for a decision: (start, seconds), (0, 0) when none.
    pending_away: tuple[int, int] = (0, 0)

    @property
    def signal_args(self) -> tuple[str, str, int, int]:
        """The ``StateChanged`` signal's arguments."""
        return (self.task, self.workspace, self.workspace_index, self.since)


def dashboard_url(settings: Settings) -> str:
    host = settings.web.host
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - reading the setting, not binding
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.web.port}/"


def recent_tasks(
    store: Store,
    listed: Sequence[str],
    current: str | None,
    limit: int = RECENT_LIMIT,
    scan: int = RECENT_SCAN,
) -> tuple[str, ...]:
    """Task paths of the task file, the current one first, then by last use, then file order."""
    order: list[str] = []
    if current and current in listed:
        order.append(current)
    for switch in store.switches(limit=scan, order="desc"):
        if switch.task and switch.task in listed and switch.task not in order:
            order.append(switch.task)
        if len(order) >= limit:
            break
    order.extend(path for path in listed if path not in order)
    return tuple(order[:limit])


def take_snapshot(
    state: State | None,
    *,
    store: Store,
    settings: Settings,
    listed: Sequence[str],
    current_task: str | None,
    source: str,
) -> Snapshot:
    """The snapshot for ``state``. Call it in the thread that owns ``store``."""
    from deskmeter.edits.pending_record import get_pending

    pending = get_pending(store)
    base = Snapshot(
        task=current_task or "",
        recent_tasks=recent_tasks(store, listed, current_task),
        dashboard_url=dashboard_url(settings),
        source=source,
        pending_away=(
            (int(pending.start.timestamp()), int(pending.seconds)) if pending else (0, 0)
        ),
    )
    if state is None:
        return base
    return replace(
        base,
        tracking=True,
        task=state.task or "",
        task_id=state.task_id or "",
        workspace=state.workspace,
        workspace_index=state.workspace_index,
        since=int(state.since.timestamp()),
        away=state.away,
    )
