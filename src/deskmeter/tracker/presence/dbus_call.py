"""One D-Bus method call for the presence sources (logind, Mutter), errors as exceptions."""

from __future__ import annotations

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus


async def call(
    bus: MessageBus,
    destination: str,
    path: str,
    interface: str,
    member: str,
    signature: str = "",
    body: list[object] | None = None,
) -> list[object]:
    """Call ``interface.member`` on ``destination`` and return the reply's body.

    Raises RuntimeError (naming the method and the D-Bus error) on an error reply or none.
    """
    reply = await bus.call(
        Message(
            destination=destination,
            path=path,
            interface=interface,
            member=member,
            signature=signature,
            body=body or [],
        )
    )
    if reply is None or reply.message_type == MessageType.ERROR:
        detail = reply.body[0] if reply is not None and reply.body else "no reply"
        error = reply.error_name if reply is not None else ""
        raise RuntimeError(f"{interface}.{member}: {error} {detail}".replace("  ", " "))
    return list(reply.body)
