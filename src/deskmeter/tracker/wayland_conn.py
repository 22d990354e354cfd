"""A Wayland client connection for the tracker's threads (pywayland), without polling.

``WaylandConnection`` connects to the compositor (``$WAYLAND_DISPLAY`` in ``$XDG_RUNTIME_DIR``,
or a given name or path), lists the globals once (a roundtrip) and then sleeps in ``select()``
on the display's file descriptor and a wake-up pipe: a thread wakes only when the compositor
sends an event or the tracker stops it. The protocol bindings (``ext-workspace-v1``,
``ext-idle-notify-v1``, the core ``wayland`` protocol) are the ones generated and shipped in the
pywayland wheel from the ``wayland-protocols`` XML (MIT); KDE's ``org_kde_kwin_idle`` is
declared by hand in ``kde_idle_protocol``.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pywayland._ffi import ffi
from pywayland.client.display import Display
from pywayland.protocol.wayland import WlRegistry

#: pywayland gives an object the compositor creates (a ``new_id`` in an event) to the display
#: of the FIRST ``wl_registry`` it knows, process-wide. The tracker has two connections (the
#: workspace source's and the idle source's), so each dispatch runs under this lock with its
#: own connection's registry moved to the front.
_DISPATCH_LOCK = threading.Lock()


@contextlib.contextmanager
def _dispatching(registry: Any) -> Iterator[None]:
    with _DISPATCH_LOCK:
        known = WlRegistry.registry
        if registry is not None and registry._ptr is not None:
            others = [(ptr, proxy) for ptr, proxy in known.items() if proxy is not registry]
            known.clear()
            known[registry._ptr] = registry
            known.update(others)
        yield


#: Displays of broken connections, never freed (see ``WaylandConnection.close``).
_DEAD: list[tuple[Display, list[Any]]] = []


class WaylandGoneError(ConnectionError):
    """No compositor to connect to, or the connection broke."""


@dataclass(frozen=True, slots=True)
class WaylandGlobal:
    name: int
    interface: str
    version: int


class WaylandConnection:
    """One connection to the compositor; use in a ``with`` block from a single thread."""

    def __init__(self, display_name: str | None = None) -> None:
        self.display_name = display_name
        self.display = Display(display_name)
        self.registry: Any = None
        self.globals: dict[str, WaylandGlobal] = {}
        #: How often ``wait`` woke up (the benchmark's and the logs' figure).
        self.wakeups = 0
        #: The connection broke (the compositor died): see ``close``.
        self.broken = False
        #: Every proxy of this connection, alive as long as the connection (see ``close``).
        self._objects: list[Any] = []
        self._wake_r, self._wake_w = os.pipe()

    def __enter__(self) -> WaylandConnection:
        try:
            self.display.connect()
        except (ValueError, OSError) as exc:
            self._close_pipe()
            raise WaylandGoneError(
                f"cannot connect to the Wayland display {self.where()} ({exc})"
            ) from exc
        try:
            with _dispatching(None):
                self.registry = self.keep(self.display.get_registry())
            self.registry.dispatcher["global"] = self._on_global
            self.registry.dispatcher["global_remove"] = self._on_global_remove
            self.roundtrip()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def where(self) -> str:
        return self.display_name or os.environ.get("WAYLAND_DISPLAY", "wayland-0")

    def close(self) -> None:
        if self.broken:
            # pywayland's disconnect destroys every proxy, and after a broken connection that
            # crashed in libwayland (seen when labwc was killed), as did freeing the proxies
            # and the display when Python collected them. So a broken connection's objects are
            # detached from their C destructors and kept: one fd and a few KB per compositor
            # death, never touched again.
            with _DISPATCH_LOCK:
                for proxy in [*self._objects, *self.display._children, self.display]:
                    ptr = getattr(proxy, "_ptr", None)
                    if ptr is not None and ptr != ffi.NULL:
                        proxy._ptr = ffi.gc(ptr, None)
                for ptr, proxy in list(WlRegistry.registry.items()):
                    if proxy is self.registry:  # never again the display new objects go to
                        del WlRegistry.registry[ptr]
            _DEAD.append((self.display, self._objects))
        else:
            with _DISPATCH_LOCK, contextlib.suppress(Exception):
                self.display.disconnect()
        self._close_pipe()

    def _close_pipe(self) -> None:
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1

    def _on_global(self, _registry: Any, name: int, interface: str, version: int) -> None:
        self.globals[interface] = WaylandGlobal(name, interface, version)

    def _on_global_remove(self, _registry: Any, name: int) -> None:
        for interface, item in list(self.globals.items()):
            if item.name == name:
                del self.globals[interface]

    def keep(self, proxy: Any) -> Any:
        """Hold ``proxy`` (one the compositor created, or a request made) as long as this
        connection: pywayland frees a proxy that Python collects, and freeing one of a broken
        connection's crashed libwayland."""
        self._objects.append(proxy)
        return proxy

    def bind(self, interface: type[Any], version: int) -> Any:
        """Bind the global ``interface`` (a pywayland ``Interface``) at most at ``version``."""
        item = self.globals[interface.name]
        return self.keep(self.registry.bind(item.name, interface, min(version, item.version)))

    def roundtrip(self) -> None:
        with _dispatching(self.registry):
            result = self.display.roundtrip()
        if result < 0:
            self.broken = True
            raise WaylandGoneError(f"the compositor on {self.where()} went away")

    def wake(self) -> None:
        """Make ``wait`` return (from another thread)."""
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def wait(self, stop: threading.Event, finished: threading.Event | None = None) -> None:
        """Dispatch the compositor's events until ``stop`` (or ``finished``) is set.

        Raises ``WaylandGoneError`` when the connection breaks (the compositor died).
        """
        try:
            self._dispatch_until(stop, finished)
        except WaylandGoneError:
            self.broken = True
            raise

    def _dispatch_until(self, stop: threading.Event, finished: threading.Event | None) -> None:
        fd = self.display.get_fd()
        while not stop.is_set() and not (finished is not None and finished.is_set()):
            try:
                with _dispatching(self.registry):
                    self.display.dispatch(block=False)
                self.display.flush()
            except RuntimeError as exc:
                raise WaylandGoneError(
                    f"the compositor on {self.where()} went away ({exc})"
                ) from exc
            readable, _, _ = select.select([fd, self._wake_r], [], [])
            self.wakeups += 1
            if self._wake_r in readable:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r, 64)
            if fd in readable:
                try:
                    # Data is waiting: wl_display_dispatch reads it without blocking, then
                    # dispatches; at end of file it fails.
                    with _dispatching(self.registry):
                        result = self.display.dispatch(block=True)
                    if result < 0:
                        raise WaylandGoneError(f"the compositor on {self.where()} went away")
                except RuntimeError as exc:
                    raise WaylandGoneError(
                        f"the compositor on {self.where()} went away ({exc})"
                    ) from exc


def has_global(interface: str, display_name: str | None = None) -> bool:
    """Whether the compositor (reachable now) announces the global ``interface``."""
    try:
        with WaylandConnection(display_name) as conn:
            return interface in conn.globals
    except WaylandGoneError:
        return False
