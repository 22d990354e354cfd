"""The polling fallback: ``wmctrl -d`` once a second, as the original Deskmeter did."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)


#: ``wmctrl -d``: ``0  * DG: 1024x768  VP: 0,0  WA: 0,0 1024x768  Name``; window managers
#: without a work area (i3) print ``WA: N/A`` (one field, not two) before the name.
WMCTRL_LINE = re.compile(
    r"^(?P<index>\d+)\s+\*\s+DG:\s+\S+\s+VP:\s+\S+\s+WA:\s+(?:N/A|\S+\s+\S+)(?:\s+(?P<name>.*))?$"
)


def parse_wmctrl(output: str) -> tuple[int, str] | None:
    """The current desktop (index, name) from ``wmctrl -d`` output, or None."""
    for line in output.splitlines():
        found = WMCTRL_LINE.match(line.strip())
        if found is not None:
            name = (found.group("name") or "").strip()
            return int(found.group("index")), "" if name == "N/A" else name
        fields = line.split(None, 9)
        if len(fields) >= 2 and fields[1] == "*":
            name = fields[9].strip() if len(fields) == 10 else ""
            return int(fields[0]), "" if name == "N/A" else name
    return None


class WmctrlSource:
    name = "wmctrl"

    def __init__(self, poll_seconds: float = 1.0, retry_seconds: float = 5.0) -> None:
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.command = shutil.which("wmctrl") or "wmctrl"

    @classmethod
    def from_options(cls, options: SourceOptions) -> WmctrlSource:
        return cls(poll_seconds=options.poll_seconds, retry_seconds=options.retry_seconds)

    def read(self) -> tuple[int, str] | None:
        result = subprocess.run(
            [self.command, "-d"], capture_output=True, text=True, timeout=5, check=False
        )
        if result.returncode != 0:
            raise OSError(result.stderr.strip() or f"wmctrl exited {result.returncode}")
        return parse_wmctrl(result.stdout)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        last: tuple[int, str] | None = None
        healthy = True
        while not stop.is_set():
            try:
                current = self.read()
            except (OSError, subprocess.SubprocessError) as exc:
                if healthy:
                    log.warning(
                        "wmctrl cannot read the desktops (%s); retrying every %.0f s",
                        exc,
                        self.retry_seconds,
                    )
                    emit(WorkspaceLost(str(exc)))
                healthy, last = False, None
                stop.wait(self.retry_seconds)
                continue
            if not healthy:
                log.info("wmctrl reads the desktops again")
                healthy = True
            if current is not None and current != last:
                emit(WorkspaceChanged(current[0], current[1], source=self.name))
                last = current
            stop.wait(self.poll_seconds)
