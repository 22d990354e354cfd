"""Presence: is the user at the computer? Away (no input), locked and asleep are not work.

Event-driven sources, each in its own thread, put ``Away``/``Back`` events on the tracker's
queue (``deskmeter.tracker.events``); ``away.AwayBook`` turns them into away intervals.

``x11_idle``     MIT-SCREEN-SAVER idle time + XInput2 raw events (python-xlib), X11.
``mutter_idle``  ``org.gnome.Mutter.IdleMonitor`` watches and ``org.gnome.ScreenSaver``
                 ``ActiveChanged`` on the session bus: GNOME on X11 and Wayland.
``idle_notify``  ``ext-idle-notify-v1`` (pywayland): Sway, KWin, labwc, Hyprland on Wayland;
                 KDE's older ``org_kde_kwin_idle`` where it is missing (Sway 1.7).
``logind``       systemd-logind: the session's ``Lock``/``Unlock``, ``PrepareForSleep``.
"""
