"""Verify the deskmeter role inside the systemd container (testinfra, run by Molecule).

Runs after converge, idempotence and the side effect (the user's edits, a second converge, the
stand-in desktop session started). The destructive checks (killing, stopping) come last.
"""

import json
import time

USER = "deskmeter-test"
HOME = f"/home/{USER}"
UNITS = ("deskmeter-tracker.service", "deskmeter-dashboard.service", "deskmeter-sync.service")
# Type=notify with a watchdog; WatchdogSec as the scenario sets it (molecule.yml).
WATCHDOG = {"deskmeter-tracker.service": 8, "deskmeter-sync.service": 25}


def as_user(host, command):
    uid = host.user(USER).uid
    return host.run(
        f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} HOME={HOME} sh -c {quote(command)}"
    )


def quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"


def systemctl(host, *args):
    return as_user(host, "systemctl --user " + " ".join(args))


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_lingering_is_enabled(host):
    assert host.file(f"/var/lib/systemd/linger/{USER}").exists
    assert host.service(f"user@{host.user(USER).uid}.service").is_running


def test_package_in_the_users_virtualenv(host):
    deskmeter = host.file(f"{HOME}/.local/share/deskmeter/venv/bin/deskmeter")
    assert deskmeter.exists
    assert deskmeter.user == USER
    assert as_user(host, f"{deskmeter.path} --version").stdout.startswith("deskmeter ")


def test_units_are_enabled_and_active(host):
    for unit in UNITS:
        assert systemctl(host, "is-enabled", unit).stdout.strip() == "enabled", unit
        active = wait_until(
            lambda u=unit: systemctl(host, "is-active", u).stdout.strip() == "active"
        )
        assert active, systemctl(host, "status", "--no-pager", unit).stdout


def test_units_bindings_restart_and_hardening(host):
    unit_dir = f"{HOME}/.config/systemd/user"
    tracker = host.file(f"{unit_dir}/deskmeter-tracker.service").content_string
    dashboard = host.file(f"{unit_dir}/deskmeter-dashboard.service").content_string
    assert "PartOf=graphical-session.target" in tracker
    assert "WantedBy=graphical-session.target" in tracker
    assert "WantedBy=default.target" in dashboard
    for text in (tracker, dashboard):
        assert "Restart=on-failure" in text
        assert "NoNewPrivileges=yes" in text
        assert "SystemCallFilter=@system-service" in text
    # systemd accepts every option (no "Unknown key" or bad value).
    verify = as_user(host, f"systemd-analyze --user verify {unit_dir}/deskmeter-*.service")
    assert verify.rc == 0, verify.stderr


def show(host, unit, prop):
    return systemctl(host, "show", "-p", prop, "--value", unit).stdout.strip()


def test_daemons_are_type_notify_with_a_watchdog(host):
    for unit, seconds in WATCHDOG.items():
        assert show(host, unit, "Type") == "notify", unit
        assert show(host, unit, "WatchdogUSec") == f"{seconds}s", unit
        # READY=1 came from the loop: the unit is running, not stuck in "activating".
        assert wait_until(lambda u=unit: show(host, u, "SubState") == "running"), unit
    for unit, seconds in WATCHDOG.items():
        # Up for longer than the watchdog (the tracker idle between heartbeats, sync backing
        # off from an unreachable remote) and never restarted: the pings arrive.
        pid = show(host, unit, "MainPID")

        def age(p=pid):
            out = host.run(f"ps -o etimes= -p {p}").stdout.strip()
            return int(out) if out.isdigit() else -1

        assert wait_until(lambda a=age, s=seconds: a() > s + 2, timeout=seconds + 10), unit
        assert show(host, unit, "MainPID") == pid, unit
        assert show(host, unit, "NRestarts") == "0", systemctl(host, "status", "--no-pager", unit)


def test_dashboard_answers_on_its_port(host):
    assert host.socket("tcp://127.0.0.1:8765").is_listening
    health = host.run("curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:8765/healthz")
    assert health.stdout == "200"
    page = host.run("curl -fsS http://127.0.0.1:8765/")
    assert page.rc == 0 and "Deskmeter" in page.stdout


def test_user_edits_survived_the_second_converge(host):
    tasks = host.file(f"{HOME}/.config/deskmeter/tasks.txt").content_string
    assert "* user/edited-by-hand @t-edited" in tasks
    assert "* work/deskmeter" not in tasks
    assert (
        "heartbeat_seconds = 2" in host.file(f"{HOME}/.config/deskmeter/config.toml").content_string
    )


def test_config_files_are_private(host):
    for name in ("config.toml", "tasks.txt", "service.env"):
        f = host.file(f"{HOME}/.config/deskmeter/{name}")
        assert f.user == USER and f.mode == 0o600, name


def diagnose(host, venv):
    """What a failed tracker check needs to be understood: status, the root window, the log."""
    parts = [
        as_user(host, f"{venv} status --json").stdout,
        as_user(host, "DISPLAY=:42 wmctrl -d").stdout,
        systemctl(host, "status", "--no-pager", "deskmeter-tracker.service").stdout,
        host.run("journalctl --no-pager -n 80 _SYSTEMD_USER_UNIT=deskmeter-tracker.service").stdout,
    ]
    return "\n".join(parts)


def test_tracker_records_a_workspace_switch(host):
    venv = f"{HOME}/.local/share/deskmeter/venv/bin/deskmeter"
    assert as_user(host, "DISPLAY=:42 wmctrl -s 2").rc == 0

    def on_workspace_3():
        status = as_user(host, f"{venv} status --json")
        if status.rc != 0:
            return None
        info = json.loads(status.stdout)
        return info if info.get("workspace_index") == 2 else None

    info = wait_until(on_workspace_3)
    assert info, diagnose(host, venv)
    # The label comes from deskmeter_workspace_labels, the task from the user's edited task file.
    assert info["workspace"] == "docs"
    assert "user/edited-by-hand" in json.dumps(info)


def test_dashboard_restarts_on_failure(host):
    unit = "deskmeter-dashboard.service"
    pid = systemctl(host, "show", "-p", "MainPID", "--value", unit).stdout.strip()
    assert pid not in ("", "0")
    host.run(f"kill -9 {pid}")

    def restarted():
        new = systemctl(host, "show", "-p", "MainPID", "--value", unit).stdout.strip()
        active = systemctl(host, "is-active", unit).stdout.strip() == "active"
        return active and new not in ("", "0", pid)

    assert wait_until(restarted, timeout=40)
    assert wait_until(
        lambda: host.run("curl -fsS -o /dev/null http://127.0.0.1:8765/healthz").rc == 0
    )


def test_frozen_loops_are_restarted_by_the_watchdog(host):
    """kill -STOP: the process lives but its loop pings no more; systemd must restart it."""
    before = {unit: show(host, unit, "MainPID") for unit in WATCHDOG}
    for unit, pid in before.items():
        assert pid not in ("", "0"), unit
        assert show(host, unit, "NRestarts") == "0", unit
        assert host.run(f"kill -STOP {pid}").rc == 0
    started = time.monotonic()

    def restarted(unit):
        pid = show(host, unit, "MainPID")
        return (
            show(host, unit, "ActiveState") == "active"
            and show(host, unit, "SubState") == "running"
            and pid not in ("", "0", before[unit])
        )

    for unit, seconds in WATCHDOG.items():
        # WatchdogSec, the abort, RestartSec (5), READY=1 of the new process; with room for a
        # loaded machine.
        assert wait_until(lambda u=unit: restarted(u), timeout=seconds + 45), systemctl(
            host, "status", "--no-pager", unit
        ).stdout
        assert show(host, unit, "NRestarts") == "1", unit
        # Not before the watchdog could have fired.
        assert time.monotonic() - started >= WATCHDOG["deskmeter-tracker.service"] - 1


def test_tracker_stops_with_the_graphical_session(host):
    assert systemctl(host, "stop", "deskmeter-test-session.service").rc == 0
    assert wait_until(
        lambda: systemctl(host, "is-active", "deskmeter-tracker.service").stdout.strip() != "active"
    )
    # ... while the dashboard (default.target) keeps running.
    assert systemctl(host, "is-active", "deskmeter-dashboard.service").stdout.strip() == "active"
