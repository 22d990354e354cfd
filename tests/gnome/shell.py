"""A real headless GNOME Shell in private D-Bus buses, a private session bus, and a bus client.

Used by the GNOME tests and by ``benchmarks/gnome_label_latency.py``. The recipe: a private
*system* bus (``dbus-daemon --config-file``, no service directories, everything allowed), then
inside ``dbus-run-session``: ``gsettings`` (enabled extensions, four static named workspaces)
and ``gnome-shell --headless --virtual-monitor 1280x800`` (``--no-x11`` unless Xwayland is
wanted). HOME, XDG_* and XDG_RUNTIME_DIR are private and set *before* ``dbus-run-session`` so
that the dconf service it activates writes where the shell reads.

Two ways to run it:

* GNOME Shell 43, the host's (Debian 12): it has no ``--unsafe-mode``, so a test-only helper
  extension turns unsafe mode on (``org.gnome.Shell.Eval`` and the Screenshot service answer).
* A newer shell (48: Debian 13) from a root file system built by
  ``scripts/build-gnome-rootfs.sh``, run as a chroot in a private mount namespace
  (``unshare --mount``: the mounts vanish with the last process): /proc, /sys, /dev bound in,
  an empty tmpfs on /run (a /run/systemd/seats makes the shell try logind and die) and the
  host's /tmp bound on the chroot's /tmp, so every path under the test root (the session bus's
  socket, XDG_RUNTIME_DIR, HOME, screenshots) and /tmp/.X11-unix are the same on both sides.
  The session bus (the chroot's dbus-daemon) is reachable from the host by the same address,
  so the tracker runs on the host, as a user's would, and talks to the chrooted shell.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "files" / "gnome-extension"
UUID = "deskmeter@deskmeter.dev"
HELPER_UUID = "deskmeter-test-helper@deskmeter.dev"
WORKSPACE_NAMES = ("Code", "Mail", "Web", "Chat")

# org.gnome.Shell.Extensions states (js/misc/extensionUtils.js)
ENABLED = 1
ERROR = 3


SYSTEM_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

SESSION_SCRIPT = """set -e
printf '%s' "$DBUS_SESSION_BUS_ADDRESS" > "$DESKMETER_TEST_ROOT/session-bus.tmp"
mv "$DESKMETER_TEST_ROOT/session-bus.tmp" "$DESKMETER_TEST_ROOT/session-bus"
gsettings set org.gnome.shell enabled-extensions "{extensions}"
gsettings set org.gnome.mutter dynamic-workspaces false
gsettings set org.gnome.desktop.wm.preferences num-workspaces {count}
gsettings set org.gnome.desktop.wm.preferences workspace-names "{names}"
exec gnome-shell --headless {flags} --virtual-monitor 1280x800
"""

# Run inside a private mount namespace (unshare --mount): $1 the root file system, $2 the test
# root; the rest is the command to run in the chroot.
CHROOT_SCRIPT = """set -e
rootfs=$1 root=$2
shift 2
mount -t proc proc "$rootfs/proc"
mount --rbind /sys "$rootfs/sys"
mount --rbind /dev "$rootfs/dev"
mount -t tmpfs -o mode=0755 tmpfs "$rootfs/run"
mount --bind /tmp "$rootfs/tmp"  # not --rbind: other tests' mounts under /tmp stay out
case $root in
  /tmp/*) ;;
  *) mkdir -p "$rootfs$root"; mount --bind "$root" "$rootfs$root" ;;
esac
exec chroot "$rootfs" "$@"
"""

#: What the environment inside the chroot keeps of the shell's environment.
CHROOT_ENV = (
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_RUNTIME_DIR",
    "DESKMETER_TEST_ROOT",
    "GSETTINGS_BACKEND",
    "NO_AT_BRIDGE",
    "DBUS_SYSTEM_BUS_ADDRESS",
)

NEEDED_TOOLS = ("gnome-shell", "dbus-daemon", "dbus-run-session", "gsettings", "gjs")
CHROOT_TOOLS = ("dbus-daemon", "unshare", "chroot")


def missing_tools(chroot: bool = False) -> list[str]:
    """The host's tools that are missing, for the host's shell or for a chrooted one."""
    return [
        tool for tool in (CHROOT_TOOLS if chroot else NEEDED_TOOLS) if shutil.which(tool) is None
    ]


def rootfs_problem(rootfs: Path) -> str | None:
    """Why ``rootfs`` cannot run a shell, or None."""
    if not (rootfs / ".deskmeter-complete").is_file():
        return f"{rootfs} is not a complete root file system (scripts/build-gnome-rootfs.sh)"
    if not (rootfs / "usr/bin/gnome-shell").exists():
        return f"{rootfs} has no /usr/bin/gnome-shell"
    return None


def pack_extension(out: Path) -> dict[str, Path]:
    """Run pack.sh into ``out``; return the zips and unpacked trees by flavour."""
    result = subprocess.run(
        [str(EXTENSION_DIR / "pack.sh"), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(f"pack.sh failed:\n{result.stdout}\n{result.stderr}")
    return {
        "legacy-zip": out / f"{UUID}.v42-44.shell-extension.zip",
        "esm-zip": out / f"{UUID}.v45+.shell-extension.zip",
        "legacy": out / "legacy",
        "esm": out / "esm",
    }


class BusCallError(RuntimeError):
    def __init__(self, name: str, text: str) -> None:
        super().__init__(f"{name}: {text}")
        self.name = name


class BusClient:
    """A blocking D-Bus client (dbus-fast on a private event loop) for tests."""

    def __init__(self, address: str) -> None:
        self.loop = asyncio.new_event_loop()

        async def connect() -> MessageBus:  # dbus-fast wants a running loop
            return await MessageBus(bus_address=address).connect()

        self.bus: MessageBus = self.loop.run_until_complete(connect())
        self.signals: list[Message] = []
        self._arrived = asyncio.Event()

        def keep(msg: Message) -> None:
            if msg.message_type is MessageType.SIGNAL:
                self.signals.append(msg)
                self._arrived.set()

        self.bus.add_message_handler(keep)

    def call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: Sequence[Any] = (),
        timeout: float = 10.0,
    ) -> list[Any]:
        message = Message(
            destination=destination,
            path=path,
            interface=interface,
            member=member,
            signature=signature,
            body=list(body),
        )
        reply = self.loop.run_until_complete(asyncio.wait_for(self.bus.call(message), timeout))
        assert reply is not None
        if reply.message_type is MessageType.ERROR:
            raise BusCallError(reply.error_name or "?", str(reply.body[0] if reply.body else ""))
        return list(reply.body)

    def add_match(self, rule: str) -> None:
        self.call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "AddMatch",
            "s",
            [rule],
        )

    def wait_for_signals(self, check: Callable[[list[Message]], bool], timeout: float) -> None:
        """Read incoming messages until ``check(signals)`` holds; fail after ``timeout`` s."""

        async def arrived() -> None:
            while not check(self.signals):
                self._arrived.clear()
                await self._arrived.wait()

        try:
            self.loop.run_until_complete(asyncio.wait_for(arrived(), timeout))
        except TimeoutError:
            members = [m.member for m in self.signals]
            raise AssertionError(f"timed out after {timeout} s; signals seen: {members}") from None

    def name_has_owner(self, name: str) -> bool:
        body = self.call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            "s",
            [name],
        )
        return bool(body[0])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.bus.disconnect()
            self.loop.run_until_complete(asyncio.wait_for(self.bus.wait_for_disconnect(), 5))
        self.loop.close()


@dataclass
class PrivateBus:
    """A private ``dbus-daemon`` (session or system configuration)."""

    address: str
    pid: int

    @classmethod
    def start(cls, config: str | Path = "/usr/share/dbus-1/session.conf") -> PrivateBus:
        out = subprocess.run(
            [
                "dbus-daemon",
                f"--config-file={config}",
                "--fork",
                "--print-address=1",
                "--print-pid=1",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.split()
        return cls(address=out[0], pid=int(out[1]))

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)


@dataclass
class GnomeShell:
    """A headless GNOME Shell with its own HOME, XDG dirs, system bus and session bus.

    ``rootfs`` None runs the host's shell (43 on Debian 12: unsafe mode comes from the test
    helper extension); a root file system runs that one's shell in a chroot with
    ``--unsafe-mode``. ``x11`` starts it with Xwayland (no ``--no-x11``).
    """

    root: Path
    extensions: dict[str, Path]
    rootfs: Path | None = None
    x11: bool = False
    log_path: Path = field(init=False)
    env: dict[str, str] = field(init=False)
    proc: subprocess.Popen[bytes] | None = None
    system_bus: PrivateBus | None = None
    client: BusClient | None = None
    bus_address: str = ""

    def __post_init__(self) -> None:
        self.root = self.root.absolute()
        self.log_path = self.root / "gnome-shell.log"
        home = self.root / "home"
        runtime = self.root / "run"
        shutil.rmtree(runtime, ignore_errors=True)  # a stale runtime dir breaks the next shell
        runtime.mkdir(parents=True, mode=0o700)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DBUS_", "XDG_", "WAYLAND_", "DESKMETER_"))
            and key not in ("DISPLAY", "HOME")
        }
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_RUNTIME_DIR=str(runtime),
            DESKMETER_TEST_ROOT=str(self.root),
            GSETTINGS_BACKEND="dconf",
            NO_AT_BRIDGE="1",
        )

    def install(self, uuid: str, source: Path) -> Path:
        """Copy an unpacked extension into the private user's extensions directory."""
        target = Path(self.env["XDG_DATA_HOME"]) / "gnome-shell" / "extensions" / uuid
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        return target

    def command(self, script: str) -> list[str]:
        """The command line that runs ``script`` in the session, on the host or in the chroot."""
        session = ["dbus-run-session", "--", "sh", "-c", script]
        if self.rootfs is None:
            return session
        inside = {key: self.env[key] for key in CHROOT_ENV if key in self.env}
        inside.update(PATH="/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", LANG="C.UTF-8")
        return [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            CHROOT_SCRIPT,
            "sh",
            str(self.rootfs),
            str(self.root),
            "/usr/bin/env",
            "-i",
            *(f"{key}={value}" for key, value in inside.items()),
            *session,
        ]

    def start(self, timeout: float = 60.0) -> None:
        for uuid, source in self.extensions.items():
            self.install(uuid, source)
        if self.x11:  # Xwayland's sockets: the host's /tmp is the chroot's /tmp
            x11_unix = Path("/tmp/.X11-unix")
            if not x11_unix.is_dir():
                x11_unix.mkdir(exist_ok=True)
                x11_unix.chmod(0o1777)
        config = self.root / "system-bus.conf"
        config.write_text(SYSTEM_BUS_CONFIG.format(socket=self.root / "system-bus"))
        self.system_bus = PrivateBus.start(config)
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self.system_bus.address
        names = "[" + ", ".join(f"'{n}'" for n in WORKSPACE_NAMES) + "]"
        enabled = "[" + ", ".join(f"'{u}'" for u in self.extensions) + "]"
        flags = [] if self.x11 else ["--no-x11"]
        if self.rootfs is not None:
            flags.append("--unsafe-mode")  # 43 has no such flag: the helper extension does it
        script = SESSION_SCRIPT.format(
            extensions=enabled, count=len(WORKSPACE_NAMES), names=names, flags=" ".join(flags)
        )
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command(script),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends every child
        )
        address_file = self.root / "session-bus"
        wait_for(lambda: address_file.exists() or self.proc.poll() is not None, timeout=20)  # type: ignore[union-attr]
        if self.proc.poll() is not None:
            raise RuntimeError(f"dbus-run-session exited early:\n{self.log()}")
        self.bus_address = address_file.read_text()
        self.client = BusClient(self.bus_address)

        def ready() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gnome-shell exited ({self.proc.returncode}):\n{self.log()}")
            try:
                return self.eval("global.context.unsafe_mode") is True
            except BusCallError:
                return False

        wait_for(ready, timeout=timeout, interval=0.2)
        # The shell ends its start-up in the overview (43: at once; 48: after its start-up
        # animation): wait for the start-up to be over, then leave the overview.
        wait_for(lambda: self.eval("Main.layoutManager._startingUp") is False, timeout=timeout)

        def desktop() -> bool:
            state = self.eval("[Main.overview.visible, Main.overview.animationInProgress]")
            if state == [False, False]:
                return True
            if state[0] and not state[1]:
                self.eval("Main.overview.hide(); 1")
            return False

        wait_for(desktop, timeout=20, interval=0.1)

    # -- talking to the shell ---------------------------------------------------------------

    def call(self, *args: Any, **kwargs: Any) -> list[Any]:
        assert self.client is not None
        return self.client.call(*args, **kwargs)

    def eval(self, code: str) -> Any:
        """Run JavaScript in the shell (unsafe mode); return its JSON-decoded value."""
        ok, result = self.call(
            "org.gnome.Shell", "/org/gnome/Shell", "org.gnome.Shell", "Eval", "s", [code]
        )
        if not ok:
            raise BusCallError("Eval", result or "Eval refused (unsafe mode off?)")
        return json.loads(result) if result else None

    def version(self) -> str:
        """The shell's ``ShellVersion`` property, e.g. ``48.7``."""
        (value,) = self.call(
            "org.gnome.Shell",
            "/org/gnome/Shell",
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            ["org.gnome.Shell", "ShellVersion"],
        )
        return str(value.value)

    def extension_info(self, uuid: str) -> dict[str, Any]:
        (info,) = self.call(
            "org.gnome.Shell",
            "/org/gnome/Shell",
            "org.gnome.Shell.Extensions",
            "GetExtensionInfo",
            "s",
            [uuid],
        )
        return {key: variant.value for key, variant in info.items()}

    def label(self) -> str | None:
        """The Deskmeter indicator's panel label, None when there is no indicator."""
        value = self.eval(
            f"(Main.panel.statusArea['{UUID}'] || null) && "
            f"Main.panel.statusArea['{UUID}'].first_child.text"
        )
        return value if isinstance(value, str) else None

    # The indicator's recent-tasks section: the one PopupMenuSection of its menu (found by
    # class name: imports.ui is gone from 45 on).
    _RECENT = (
        f"Main.panel.statusArea['{UUID}'].menu._getMenuItems()"
        ".find(i => i.constructor.name === 'PopupMenuSection')._getMenuItems()"
    )

    def menu_items(self) -> list[str]:
        """The labels of the indicator's recent-tasks section."""
        items = self.eval(f"{self._RECENT}.map(i => i.label.text)")
        return list(items or [])

    def activate_menu_item(self, text: str) -> None:
        self.eval(
            f"{self._RECENT}.find(i => i.label.text === {json.dumps(text)}).activate(null); 1"
        )

    def menu_open(self, is_open: bool) -> None:
        """Open (without animation) or close the indicator's menu; wait until it is so."""
        menu = f"Main.panel.statusArea['{UUID}'].menu"
        self.eval(f"{menu}.{'open' if is_open else 'close'}(false); 1")
        wait_for(lambda: self.eval(f"{menu}.isOpen && {menu}.actor.mapped") is is_open, timeout=10)

    def x11_env(self) -> dict[str, str]:
        """DISPLAY and XAUTHORITY of the shell's Xwayland (started with ``x11=True``)."""
        display_name, xauthority = self.eval(
            "[imports.gi.GLib.getenv('DISPLAY'), imports.gi.GLib.getenv('XAUTHORITY')]"
        )
        if not display_name:
            raise AssertionError("the shell has no X11 display (started without x11=True?)")
        return {"DISPLAY": display_name, "XAUTHORITY": xauthority or ""}

    def active_workspace(self) -> int:
        return int(self.eval("global.workspace_manager.get_active_workspace_index()"))

    def activate_workspace(self, index: int) -> None:
        self.eval(
            f"global.workspace_manager.get_workspace_by_index({index})"
            ".activate(global.get_current_time()); 1"
        )

    def screenshot(self, path: Path, area: tuple[int, int, int, int] | None = None) -> Path:
        """A PNG of the screen (or ``area``) at ``path``, taken under the test root first."""
        shot = self.root / "screenshots" / path.name  # a path the chrooted shell can write
        shot.parent.mkdir(parents=True, exist_ok=True)
        if area is None:
            ok, used = self.call(
                "org.gnome.Shell.Screenshot",
                "/org/gnome/Shell/Screenshot",
                "org.gnome.Shell.Screenshot",
                "Screenshot",
                "bbs",
                [False, False, str(shot)],
            )
        else:
            ok, used = self.call(
                "org.gnome.Shell.Screenshot",
                "/org/gnome/Shell/Screenshot",
                "org.gnome.Shell.Screenshot",
                "ScreenshotArea",
                "iiiibs",
                [*area, False, str(shot)],
            )
        assert ok, f"screenshot failed: {used}"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(used, path)
        return path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.eval("Main.overview.hide(); global.context.terminate(); 1")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(20)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):  # leftovers of the session
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.system_bus is not None:
            self.system_bus.stop()
            self.system_bus = None


@dataclass
class Tracker:
    """A real ``deskmeter track --source SOURCE`` (``gnome`` by default) on a given session bus.

    ``x11_env`` (DISPLAY, XAUTHORITY) is for the ``x11`` source; without it the tracker sees no
    X display.
    """

    home: Path
    bus_address: str
    proc: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    source: str = "gnome"
    x11_env: dict[str, str] = field(default_factory=dict)

    @property
    def store_path(self) -> Path:
        return self.home / "deskmeter.db"

    @property
    def task_file(self) -> Path:
        return self.home / "config" / "deskmeter" / "tasks.txt"

    @property
    def log_path(self) -> Path:
        return self.home / "track.log"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETER_")}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_DATA_HOME=str(self.home / "data"),
            DBUS_SESSION_BUS_ADDRESS=self.bus_address,
            DESKMETER_TIMEZONE="UTC",
            DESKMETER_TRACKER__HEARTBEAT_SECONDS="1",
            PYTHONUNBUFFERED="1",
            **self.extra_env,
        )
        env.pop("DISPLAY", None)
        env.pop("XAUTHORITY", None)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(self.x11_env)
        return env

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deskmeter", "--store", str(self.store_path), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )

    def start(self, *args: str) -> None:
        self.task_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deskmeter",
                "--store",
                str(self.store_path),
                "track",
                "--source",
                self.source,
                *args,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(15)
        self.proc = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
