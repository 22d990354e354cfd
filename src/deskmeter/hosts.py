"""The one rule for a host name, wherever one enters: the ``host`` setting, ``import --host``
and the documents sync ships.

A host name is what every switch, state and task of a workstation carries and what the
dashboard's host selector shows. It must be a name a person can read and tell apart: not
blank (an empty host would make ``edit`` and ``edit undo`` act on every host), no blanks at
its ends, at most ``MAX_HOST`` characters (a longer one passed ``status`` but the tracker died
on its first switch), and none of the characters that are invisible or reorder text: control
characters (a newline), format characters (zero-width space, the bidi marks and overrides
such as U+202E), line and paragraph separators, surrogates and unassigned code points.
``de\\u200bsk`` looks exactly like ``desk``: it is refused.
"""

from __future__ import annotations

import unicodedata

#: The longest host name (a DNS name's limit).
MAX_HOST = 253
#: Unicode categories a host name never holds: control, format (zero-width, bidi), line and
#: paragraph separators, surrogates, unassigned.
_REFUSED = {
    "Cc": "a control character",
    "Cf": "an invisible or text-direction character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "a surrogate",
    "Cn": "an unassigned character",
}


class HostNameError(ValueError):
    """Not a host name a workstation may carry; ``str()`` is one line saying why."""


def character_problem(name: str) -> str | None:
    """Why ``name`` holds a character no host name may hold (None: it holds none)."""
    for char in name:
        kind = _REFUSED.get(unicodedata.category(char))
        if kind is not None:
            return f"contains {kind} (U+{ord(char):04X})"
    return None


def host_problem(name: object) -> str | None:
    """Why ``name`` is not a host name (None: it is one)."""
    if not isinstance(name, str):
        return f"{name!r} is not text"
    if not name.strip():
        return "is empty: give this machine's name"
    if name != name.strip():
        return "has blanks at its ends"
    if len(name) > MAX_HOST:
        return f"is longer than {MAX_HOST} characters"
    return character_problem(name)


def check_host(name: object, what: str = "host") -> str:
    """``name`` if it is a host name, else ``HostNameError`` ("WHAT PROBLEM")."""
    problem = host_problem(name)
    if problem is not None:
        raise HostNameError(f"{what} {problem}")
    assert isinstance(name, str)
    return name
