"""The tracker's D-Bus service on the session bus: what the GNOME Shell extension talks to.

Bus name ``dev.deskmeter.Tracker``, object ``/dev/deskmeter/Tracker``, interface
``dev.deskmeter.Tracker1`` (the trailing 1 is the interface version: an incompatible change
gets ``Tracker2`` beside it). ``deskmeter track`` owns the name while it runs; a client watches
the name to know whether the tracker is running.

Properties (read-only; every change is announced with ``PropertiesChanged``):

``Tracking`` b            an interval is open (a workspace is known)
``CurrentTask`` s         the current task's path, ``""`` when none
``CurrentTaskId`` s       its stable id
``CurrentWorkspace`` s    the workspace's label, ``""`` when not tracking
``CurrentWorkspaceIndex`` i  0-based, -1 when not tracking
``Since`` x               start of the open interval, Unix seconds (UTC), 0 when not tracking
``RecentTasks`` as        task paths, the current one and the most recently used first
``DashboardUrl`` s        where ``deskmeter web`` serves the dashboard
``WorkspaceSource`` s     the tracker's workspace source (``gnome``, ``x11``, ``wmctrl``)
``Away`` b                the open interval is an away stretch (no input, locked, asleep)
``PendingAway`` (xx)      the away stretch waiting for a decision: (start, seconds), (0, 0) if none

Signal ``StateChanged(task, workspace, workspace_index, since)`` whenever the interval changes.

Methods: ``SetTask(path)`` makes ``path`` the current task, exactly like ``deskmeter task set``
(the task file's ``*`` moves; an invalid path is ``org.freedesktop.DBus.Error.InvalidArgs``).
``ReportWorkspace(index, name) -> accepted`` and ``ReportWorkspaceLost(reason) -> accepted``
are how the extension feeds the ``gnome`` workspace source; with another source they are
accepted as no-ops and return false. ``ResolveAway(path) -> edit`` decides about the pending
away stretch: ``""`` keeps it as away, a task path gives it to that task (an edit in the edit
log, by ``panel``; returns its id, ``""`` when kept); no pending stretch is ``InvalidArgs``.

Try it: ``gdbus introspect --session -d dev.deskmeter.Tracker -o /dev/deskmeter/Tracker``,
``gdbus call --session -d dev.deskmeter.Tracker -o /dev/deskmeter/Tracker -m
dev.deskmeter.Tracker1.SetTask work/deskmeter/sync``.

The introspection data is ``dev.deskmeter.Tracker1.xml`` beside this file, the interface's one
definition: ``INTROSPECTION_XML`` below is read from it, and ``files/gnome-extension/pack.sh``
embeds the same file into both builds of the extension.
"""

from __future__ import annotations

from importlib import resources

BUS_NAME = "dev.deskmeter.Tracker"
OBJECT_PATH = "/dev/deskmeter/Tracker"
INTERFACE = "dev.deskmeter.Tracker1"


#: The file that defines the interface (package data).
INTROSPECTION_FILE = "dev.deskmeter.Tracker1.xml"

#: The interface's introspection XML.
INTROSPECTION_XML = resources.files(__name__).joinpath(INTROSPECTION_FILE).read_text("utf-8")

__all__ = ["BUS_NAME", "INTERFACE", "INTROSPECTION_FILE", "INTROSPECTION_XML", "OBJECT_PATH"]
