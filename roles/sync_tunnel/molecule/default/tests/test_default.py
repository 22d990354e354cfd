"""Verify the sync_tunnel role (testinfra, run by Molecule)."""

import time

USER = "deskmeter-test"
UNIT = "deskmeter-sync-tunnel.service"
KEY = f"/home/{USER}/.ssh/deskmeter_sync_ed25519"


def as_user(host, command):
    uid = host.user(USER).uid
    return host.run(f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} {command}")


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def through_tunnel(host):
    out = host.run(
        "python3 -c \"import socket; s=socket.create_connection(('127.0.0.1', 27018), 3);"
        ' print(s.recv(64).decode().strip())"'
    )
    return out.rc == 0 and out.stdout.strip() == "deskmeter-standin"


def test_unit_enabled_and_active(host):
    assert as_user(host, f"systemctl --user is-enabled {UNIT}").stdout.strip() == "enabled"
    assert wait_until(
        lambda: as_user(host, f"systemctl --user is-active {UNIT}").stdout.strip() == "active"
    )


def test_unit_restarts_and_checks_the_host_key(host):
    text = host.file(f"/home/{USER}/.config/systemd/user/{UNIT}").content_string
    assert "Restart=on-failure" in text
    assert "StrictHostKeyChecking=yes" in text
    assert "-L 127.0.0.1:27018:127.0.0.1:27017" in text


def test_tunnel_reaches_the_remote_loopback_port(host):
    assert wait_until(lambda: through_tunnel(host))
    # Only on the workstation's loopback.
    assert not host.socket("tcp://0.0.0.0:27018").is_listening


def test_key_is_private_and_restricted(host):
    assert host.file(KEY).mode == 0o600 and host.file(KEY).user == USER
    entry = host.file("/home/deskmeter/.ssh/authorized_keys").content_string
    assert 'restrict,port-forwarding,permitopen="127.0.0.1:27017",command="/bin/false"' in entry
    ssh = (
        f"ssh -o BatchMode=yes -o UserKnownHostsFile=/home/{USER}/.config/deskmeter/known_hosts"
        f" -i {KEY} deskmeter@127.0.0.1"
    )
    # No shell ...
    assert as_user(host, f"{ssh} echo shell-reached").stdout.strip() != "shell-reached"
    # ... and no forward to anything but the MongoDB port.
    other = as_user(host, f"{ssh} -W 127.0.0.1:22 </dev/null")
    assert other.rc != 0
    assert "prohibited" in other.stderr or "open failed" in other.stderr


def test_tunnel_restarts_after_ssh_dies(host):
    pid = as_user(host, f"systemctl --user show -p MainPID --value {UNIT}").stdout.strip()
    assert pid not in ("", "0")
    host.run(f"kill -9 {pid}")

    def back():
        new = as_user(host, f"systemctl --user show -p MainPID --value {UNIT}").stdout.strip()
        return new not in ("", "0", pid) and through_tunnel(host)

    assert wait_until(back, timeout=40)
