"""Verify local.yml's result as the user saw it (testinfra, run by Molecule)."""

import time

USER = "deskmeter-test"
HOME = f"/home/{USER}"
# The first container's hostname (molecule.yml): it plays the remote too.
REMOTE_HOSTNAME = "deskmeter-molecule-local"


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


def test_sqlite_store_by_default(host):
    env = host.file(f"{HOME}/.config/deskmeter/service.env").content_string
    assert f"DESKMETER_STORE={HOME}/.local/share/deskmeter/deskmeter.db" in env


# -- several workstations, one remote (converge.yml: the first container is also the remote) --


def is_second(host):
    variables = host.backend.get_variables()
    return variables["inventory_hostname"] != variables["groups"]["workstation"][0]


def expected_host_name(host):
    # The second was given one (what host_vars would do); the first keeps the default, its
    # inventory name.
    return "laptop" if is_second(host) else host.backend.get_variables()["inventory_hostname"]


def tunnel_port(host):
    return 27019 if is_second(host) else 27018


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_each_workstation_stamps_its_own_host_name(host):
    name = expected_host_name(host)
    config = host.file(f"{HOME}/.config/deskmeter/config.toml").content_string
    assert f'host = "{name}"' in config.split("\n[")[0]
    env = host.file(f"{HOME}/.config/deskmeter/service.env").content_string
    assert f"DESKMETER_HOST={name}\n" in env
    # What Deskmeter itself makes of it: the command line reads config.toml, the services get
    # service.env too (run here the way the units load it, by systemd with EnvironmentFile=).
    python = f"{HOME}/.local/share/deskmeter/venv/bin/python"
    read_host = "-c 'from deskmeter.config import load_settings; print(load_settings().host)'"
    cli = host.run(f"sudo -u {USER} {python} {read_host}")
    assert cli.rc == 0 and cli.stdout.strip() == name, cli.stderr
    uid = host.user(USER).uid
    unit = host.run(
        f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} systemd-run --user --wait --pipe"
        f" --quiet -p EnvironmentFile={HOME}/.config/deskmeter/service.env {python} {read_host}"
    )
    assert unit.rc == 0 and unit.stdout.strip() == name, unit.stderr


def test_each_workstation_has_its_own_tunnel_to_the_one_remote(host):
    unit = "deskmeter-sync-tunnel.service"
    assert systemctl(host, "is-enabled", unit).stdout.strip() == "enabled"
    text = host.file(f"{HOME}/.config/systemd/user/{unit}").content_string
    port = tunnel_port(host)
    assert f"-L 127.0.0.1:{port}:127.0.0.1:27017" in text

    def answer():
        out = host.run(
            f"python3 -c \"import socket; s=socket.create_connection(('127.0.0.1', {port}), 3);"
            ' print(s.recv(128).decode().strip())"'
        )
        return out.stdout.strip() if out.rc == 0 else ""

    # Bytes go through this workstation's tunnel to the stand-in on the remote's loopback, which
    # answers with the remote's host name (the first container's, for both workstations).
    assert wait_until(answer) == f"deskmeter-standin {REMOTE_HOSTNAME}"
    assert not host.socket(f"tcp://0.0.0.0:{port}").is_listening


def test_each_workstation_has_its_own_sync_service(host):
    unit = "deskmeter-sync.service"
    assert systemctl(host, "is-enabled", unit).stdout.strip() == "enabled"
    assert systemctl(host, "is-active", unit).stdout.strip() == "active"
    env = host.file(f"{HOME}/.config/deskmeter/service.env").content_string
    port = tunnel_port(host)
    assert (
        f"DESKMETER_SYNC__REMOTE=mongodb://127.0.0.1:{port}/deskmeter?directConnection=true\n"
        in env
    )
    text = host.file(f"{HOME}/.config/systemd/user/{unit}").content_string
    assert "Wants=deskmeter-sync-tunnel.service" in text
    assert "After=deskmeter-sync-tunnel.service" in text


def test_no_gnome_shell_no_extension(host):
    assert not host.file(
        f"{HOME}/.local/share/gnome-shell/extensions/deskmeter@deskmeter.dev"
    ).exists
