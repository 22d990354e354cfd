"""Verify local.yml on the KDE and the Sway workstation (testinfra, run by Molecule)."""

import time

USER = "deskmeter-test"
HOME = f"/home/{USER}"
CONFIG = f"{HOME}/.config/deskmeter"
VENV = f"{HOME}/.local/share/deskmeter/venv"
UNIT_DIR = f"{HOME}/.config/systemd/user"


def as_user(host, command):
    uid = host.user(USER).uid
    quoted = "'" + command.replace("'", "'\"'\"'") + "'"
    return host.run(
        f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} HOME={HOME} sh -c {quoted}"
    )


def desktop(host):
    return "kde" if "kde" in host.backend.get_hostname() else "sway"


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_the_tracker_gets_the_desktops_workspace_source(host):
    source = {"kde": "kwin", "sway": "sway"}[desktop(host)]
    unit = host.file(f"{UNIT_DIR}/deskmeter-tracker.service").content_string
    assert f"{VENV}/bin/deskmeter track --source {source}\n" in unit
    # config.toml keeps auto: the command line's `deskmeter track` finds the desktop itself.
    assert 'source = "auto"' in host.file(f"{CONFIG}/config.toml").content_string


def test_the_tray_item_is_installed_and_runs_with_the_graphical_session(host):
    unit = host.file(f"{UNIT_DIR}/deskmeter-tray.service")
    assert unit.exists
    assert f"ExecStart={VENV}/bin/deskmeter tray\n" in unit.content_string
    assert "PartOf=graphical-session.target" in unit.content_string
    enabled = as_user(host, "systemctl --user is-enabled deskmeter-tray.service")
    assert enabled.stdout.strip() == "enabled"
    active = wait_until(
        lambda: (
            as_user(host, "systemctl --user is-active deskmeter-tray.service").stdout.strip()
            == "active"
        )
    )
    status = as_user(host, "systemctl --user status --no-pager deskmeter-tray.service").stdout
    assert active, status
    # No tray on this bus (no compositor): the item says so and waits for a watcher.
    journal = wait_until(
        lambda: (
            "no StatusNotifierWatcher"
            in as_user(host, "journalctl --user -u deskmeter-tray.service --no-pager").stdout
        )
    )
    assert journal, as_user(host, "journalctl --user -u deskmeter-tray.service --no-pager").stdout


def test_the_bar_module_matches_the_desktop(host):
    waybar = host.file(f"{CONFIG}/waybar-module.jsonc")
    if desktop(host) == "sway":
        text = waybar.content_string
        assert f'"exec": "{VENV}/bin/deskmeter status --follow --format waybar"' in text
        assert f'"on-click": "{VENV}/bin/deskmeter task pick"' in text
    else:
        assert not waybar.exists
    assert not host.file(f"{CONFIG}/i3blocks.conf").exists


def test_nothing_of_gnome_is_installed(host):
    assert not host.file(f"{HOME}/.local/share/gnome-shell").exists
    assert not host.file(f"{HOME}/.config/dconf").exists
