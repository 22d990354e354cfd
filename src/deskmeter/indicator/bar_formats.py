"""Lines for status bars, one per change of what they show.

- ``waybar``: a JSON object per line (``return-type: json`` of a custom module): ``text``,
  ``tooltip``, ``class`` (a list: the state, and ``pending-away`` when an away stretch waits),
  ``alt`` (the state). Waybar reads ``text`` and ``tooltip`` as Pango markup: escaped here.
- ``i3bar``: the i3bar protocol: a header object, then an endless JSON array with one array of
  blocks per line (``[`` first, then ``[...]``, then ``,[...]``). From the command, the header
  asks for click events: a click on the block opens ``deskmeter task pick``.
- ``i3blocks``: one block object per line (a ``format=json`` persistent block).
- ``text``: the label alone (polybar's ``tail = true`` script, i3blocks' plain persistent block).
- ``json``: everything, for scripts.
"""

from __future__ import annotations

import json
from typing import Any

from deskmeter.indicator.view import View

FORMATS = ("waybar", "i3bar", "i3blocks", "text", "json")
BLOCK_NAME = "deskmeter"
#: i3bar/i3blocks colours: dimmed when nothing is counted.
DIM_COLOR = "#888888"
ATTENTION_COLOR = "#e5a50a"


def pango_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def i3_block(view: View) -> dict[str, Any]:
    block: dict[str, Any] = {
        "name": BLOCK_NAME,
        "full_text": view.label,
        "short_text": view.elapsed or view.label,
    }
    if view.state in ("not-running", "idle", "away"):
        block["color"] = DIM_COLOR
    if view.pending_away_seconds:
        block["color"] = ATTENTION_COLOR
    return block


def json_object(view: View) -> dict[str, Any]:
    return {
        "state": view.state,
        "text": view.label,
        "tooltip": view.tooltip,
        "task": view.task,
        "workspace": view.workspace,
        "since": view.since,
        "elapsed": view.elapsed,
        "pending_away": (
            {"start": view.pending_away_start, "seconds": view.pending_away_seconds}
            if view.pending_away_seconds
            else None
        ),
        "recent_tasks": list(view.recent),
    }


class BarFormat:
    """Turns views into the lines of one format; ``header`` lines come first (i3bar)."""

    def __init__(self, name: str) -> None:
        if name not in FORMATS:
            raise ValueError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
        self.name = name
        self._first = True

    def header(self, click_events: bool = False) -> list[str]:
        if self.name == "i3bar":
            head: dict[str, Any] = {"version": 1}
            if click_events:
                head["click_events"] = True
            return [dumps(head), "["]
        return []

    def framed(self, content: str) -> str:
        """The line to print for ``content`` (i3bar puts a comma between its array's items)."""
        first, self._first = self._first, False
        if self.name == "i3bar" and not first:
            return "," + content
        return content

    def content(self, view: View) -> str:
        """What ``view`` looks like in this format (equal views: equal content)."""
        if self.name == "waybar":
            return dumps(
                {
                    "text": pango_escape(view.label),
                    "tooltip": pango_escape(view.tooltip),
                    "class": list(view.classes),
                    "alt": view.state,
                }
            )
        if self.name == "i3bar":
            return dumps([i3_block(view)])
        if self.name == "i3blocks":
            return dumps(i3_block(view))
        if self.name == "json":
            return dumps(json_object(view))
        return view.label
