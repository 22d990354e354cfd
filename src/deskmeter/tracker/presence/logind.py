"""systemd-logind on the system bus: the session's ``Lock``/``Unlock`` and ``PrepareForSleep``.

Lock → ``Away(reason="lock")``, Unlock → ``Back``; ``PrepareForSleep(true)`` →
``Away(reason="sleep")``, ``PrepareForSleep(false)`` → ``Back``. Signals only, no polling.
The tracker's clock-jump heuristic stays as the fallback when logind is not there.
The session is ``$XDG_SESSION_ID`` (else the one of this process, ``GetSessionByPID``).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from dbus_fast import BusType, Message, MessageType
from dbus_fast.aio import MessageBus

from deskmeter.tracker.events import Away, Back
from deskmeter.tracker.presence.base import Emit
from deskmeter.tracker.presence.dbus_call import call
from deskmeter.tracker.presence.dbus_source import DBusSignalSource, add_match

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"


class LogindPresence(DBusSignalSource):
    name = "logind"
    bus_type = BusType.SYSTEM

    def __init__(self, bus_address: str | None = None, session_id: str | None = None) -> None:
        super().__init__(bus_address)
        self.session_id = session_id

    def unavailable(self, exc: Exception) -> None:
        log.info("no logind lock/sleep signals (%s); suspend falls back to the clock check", exc)

    async def _session_path(self, bus: MessageBus) -> str:
        session = self.session_id or os.environ.get("XDG_SESSION_ID")
        if session:
            (path,) = await call(bus, LOGIN1, MANAGER_PATH, MANAGER, "GetSession", "s", [session])
        else:
            (path,) = await call(
                bus, LOGIN1, MANAGER_PATH, MANAGER, "GetSessionByPID", "u", [os.getpid()]
            )
        return str(path)

    async def subscribe(self, bus: MessageBus, emit: Emit) -> None:
        session_path: str | None
        try:
            session_path = await self._session_path(bus)
        except (RuntimeError, ValueError) as exc:
            log.info("no logind session for lock signals (%s); sleep signals only", exc)
            session_path = None
        rules = [f"type='signal',sender='{LOGIN1}',interface='{MANAGER}',member='PrepareForSleep'"]
        if session_path:
            rules.append(
                f"type='signal',sender='{LOGIN1}',interface='{SESSION}',path='{session_path}'"
            )
        for rule in rules:
            await add_match(bus, rule)

        def on_message(msg: Message) -> None:
            if msg.message_type != MessageType.SIGNAL:
                return
            self.wakeups += 1
            now = datetime.now(UTC)
            if msg.interface == MANAGER and msg.member == "PrepareForSleep":
                going = bool(msg.body[0]) if msg.body else False
                emit(
                    Away(since=now, reason="sleep", source=self.name)
                    if going
                    else Back(at=now, reason="sleep", source=self.name)
                )
            elif msg.interface == SESSION and msg.path == session_path:
                if msg.member == "Lock":
                    emit(Away(since=now, reason="lock", source=self.name))
                elif msg.member == "Unlock":
                    emit(Back(at=now, reason="lock", source=self.name))

        bus.add_message_handler(on_message)
        log.info("listening to logind (session %s)", session_path or "none")
