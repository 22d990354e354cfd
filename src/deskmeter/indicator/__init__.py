"""Indicators outside GNOME Shell, all fed by the tracker's D-Bus service (``deskmeter.dbus``).

- ``view``: what an indicator shows (label, tooltip, state), from the tracker's properties and
  the time now; the same wording as the GNOME extension's ``lib/logic.js``.
- ``tracker_bus``: a client that follows the tracker on the session bus (its name's owner and
  ``PropertiesChanged``) and calls ``SetTask`` / ``ResolveAway``. No polling.
- ``bar_formats`` and ``follow``: ``deskmeter status --follow --format ...`` for waybar,
  i3bar, i3blocks, polybar and scripts.
- ``pick``: ``deskmeter task pick``, a task menu through rofi, wofi, fuzzel, bemenu or dmenu.
- ``sni`` and ``dbusmenu``: ``deskmeter tray``, a StatusNotifierItem with a
  ``com.canonical.dbusmenu`` menu (KDE Plasma, waybar's tray, Xfce, Cinnamon, Budgie).
"""
