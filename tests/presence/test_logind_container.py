"""The logind presence client against the REAL systemd-logind of the systemd test container.

The container (``deskmeter-test/systemd:bookworm``, built by scripts/build-test-image.sh)
boots systemd; its system bus socket is bind-mounted to the host so the client runs here. A
real logind session is opened with ``systemd-run -p PAMName=login`` (pam_systemd), then
``loginctl lock-session`` / ``unlock-session`` make logind emit the session's ``Lock`` and
``Unlock``. (A real suspend cannot be made in a container: ``PrepareForSleep`` is covered by
the stand-in test next to this one.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.tracker.events import Event
from deskmeter.tracker.presence.logind import LogindPresence
from tests.ansible.conftest import docker_ready
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow]

IMAGE = os.environ.get("DESKMETER_TEST_IMAGE", "deskmeter-test/systemd:bookworm")


def docker(*args: str, timeout: float = 60) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True, timeout=timeout
    ).stdout


@pytest.fixture
def logind_container() -> Iterator[tuple[str, Path]]:
    why = docker_ready()
    if why:
        pytest.skip(f"no Docker: {why}")
    inspected = subprocess.run(
        ["docker", "image", "inspect", IMAGE], capture_output=True, check=False
    )
    if inspected.returncode:
        pytest.skip(f"no {IMAGE} image: run scripts/build-test-image.sh")
    bus_dir = Path(tempfile.mkdtemp(prefix="deskmeter-logind-"))
    bus_dir.chmod(0o755)
    name = f"deskmeter-logind-{uuid.uuid4().hex[:8]}"
    docker(
        "run", "-d", "--name", name, "--cap-add", "SYS_ADMIN",
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
        "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
        "--tmpfs", "/run", "--tmpfs", "/run/lock", "-v", f"{bus_dir}:/run/dbus",
        IMAGE, "/lib/systemd/systemd",
    )  # fmt: skip
    try:
        wait_for(
            lambda: subprocess.run(
                ["docker", "exec", name, "systemctl", "is-system-running"],
                capture_output=True, text=True, check=False,
            ).stdout.strip() in ("running", "degraded"),
            timeout=60, interval=0.5,
        )  # fmt: skip
        yield name, bus_dir / "system_bus_socket"
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def test_loginctl_lock_and_unlock_session_become_away_and_back(
    logind_container: tuple[str, Path],
) -> None:
    name, socket = logind_container
    docker("exec", name, "useradd", "-m", "desk")
    docker("exec", name, "systemd-run", "-p", "PAMName=login", "-p", "User=desk",
           "--unit", "desk-session", "sleep", "600")  # fmt: skip

    def session_id() -> str:
        rows = docker("exec", name, "loginctl", "list-sessions", "--no-legend").split("\n")
        return next((row.split()[0] for row in rows if " desk" in row), "")

    session = wait_for(session_id, timeout=20)
    events: list[Event] = []
    client = LogindPresence(bus_address=f"unix:path={socket}", session_id=session)
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(events.append, stop), daemon=True)
    thread.start()
    try:
        assert client.ready.wait(15), "the client did not subscribe to logind"
        docker("exec", name, "loginctl", "lock-session", session)
        wait_for(lambda: len(events) == 1, timeout=10)
        docker("exec", name, "loginctl", "unlock-session", session)
        wait_for(lambda: len(events) == 2, timeout=10)
        assert [(type(e).__name__, e.reason, e.source) for e in events] == [  # type: ignore[union-attr]
            ("Away", "lock", "logind"),
            ("Back", "lock", "logind"),
        ]
    finally:
        stop.set()
        client.wake()
        thread.join(5)
