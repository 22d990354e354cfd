"""Verify the mongodb role (testinfra, run by Molecule).

The configuration is checked everywhere. The server checks run where MongoDB's repository was
reachable from the container (converge.yml records it); elsewhere they are skipped with the reason.
"""

import pytest
import yaml


def mode(host):
    lines = host.file("/etc/deskmeter-molecule-mongodb").content_string.splitlines()
    return lines[0], (lines[1] if len(lines) > 1 else "")


def needs_server(host):
    what, why = mode(host)
    if what != "full":
        pytest.skip(f"MongoDB server not installed: repo.mongodb.org is unreachable here ({why})")


def test_mongod_conf_is_a_loopback_replica_set(host):
    conf = yaml.safe_load(host.file("/etc/mongod.conf").content_string)
    assert conf["replication"]["replSetName"] == "rs0"
    assert conf["net"] == {"port": 27017, "bindIp": "127.0.0.1"}
    assert conf["storage"]["dbPath"] == "/var/lib/mongodb"
    assert conf["storage"]["wiredTiger"]["engineConfig"]["cacheSizeGB"] == 0.5
    assert conf["systemLog"]["path"] == "/var/log/mongodb/mongod.log"


def test_account_and_directories(host):
    user = host.user("mongodb")
    assert user.exists and user.group == "mongodb"
    assert user.shell == "/usr/sbin/nologin"
    for path in ("/var/lib/mongodb", "/var/log/mongodb"):
        d = host.file(path)
        assert d.is_directory and d.user == "mongodb" and d.mode == 0o750


def test_repository_and_packages(host):
    needs_server(host)
    source = host.file("/etc/apt/sources.list.d/mongodb-org-7.0.sources").content_string
    assert "repo.mongodb.org/apt/debian" in source
    assert "Signed-By: /etc/apt/keyrings/mongodb-server-7.0.asc" in source
    assert host.package("mongodb-org").is_installed


def test_mongod_listens_on_loopback_only(host):
    needs_server(host)
    assert host.service("mongod").is_running and host.service("mongod").is_enabled
    assert host.socket("tcp://127.0.0.1:27017").is_listening
    assert not host.socket("tcp://0.0.0.0:27017").is_listening


def test_replica_set_is_primary(host):
    needs_server(host)
    out = host.check_output(
        "mongosh --quiet --eval 'const s = rs.status(); print(s.set, s.members[0].stateStr)'"
    )
    assert out.split() == ["rs0", "PRIMARY"]
