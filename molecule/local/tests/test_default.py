"""Verify local.yml's result as the user saw it (testinfra, run by Molecule)."""

import time

USER = "deskmeter-test"
HOME = f"/home/{USER}"


def systemctl(host, *args):
    uid = host.user(USER).uid
    return host.run(
        f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} systemctl --user " + " ".join(args)
    )


def test_everything_belongs_to_the_user(host):
    for path in (
        ".local/share/deskmeter/venv",
        ".config/deskmeter/config.toml",
        ".config/deskmeter/tasks.txt",
    ):
        assert host.file(f"{HOME}/{path}").user == USER, path
    # No root was used: nothing of Deskmeter's outside the home.
    assert not host.file("/etc/mongod.conf").exists


def test_dashboard_service_runs_and_answers(host):
    assert systemctl(host, "is-enabled", "deskmeter-dashboard.service").stdout.strip() == "enabled"
    assert systemctl(host, "is-active", "deskmeter-dashboard.service").stdout.strip() == "active"
    deadline = time.monotonic() + 30
    while host.run("curl -fsS -o /dev/null http://127.0.0.1:8765/healthz").rc != 0:
        assert time.monotonic() < deadline, "the dashboard does not answer"
        time.sleep(1)


def test_tracker_waits_for_the_graphical_session(host):
    # Enabled, bound to graphical-session.target, which no desktop has started here.
    assert systemctl(host, "is-enabled", "deskmeter-tracker.service").stdout.strip() == "enabled"
    assert systemctl(host, "is-active", "graphical-session.target").stdout.strip() != "active"
    assert systemctl(host, "is-active", "deskmeter-tracker.service").stdout.strip() == "inactive"


def test_sqlite_store_and_defaults(host):
    env = host.file(f"{HOME}/.config/deskmeter/service.env").content_string
    assert f"DESKMETER_STORE={HOME}/.local/share/deskmeter/deskmeter.db" in env
    assert not host.file(f"{HOME}/.config/systemd/user/deskmeter-sync.service").exists
    assert not host.file(f"{HOME}/.config/systemd/user/deskmeter-sync-tunnel.service").exists


def test_no_gnome_shell_no_extension(host):
    assert not host.file(
        f"{HOME}/.local/share/gnome-shell/extensions/deskmeter@deskmeter.dev"
    ).exists
