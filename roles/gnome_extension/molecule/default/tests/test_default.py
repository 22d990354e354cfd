"""Verify the gnome_extension role on the three containers (testinfra, run by Molecule)."""

import json

USER = "deskmeter-test"
UUID = "deskmeter@deskmeter.dev"
EXT = f"/home/{USER}/.local/share/gnome-shell/extensions/{UUID}"


def shell_major(host):
    # The inventory name may carry a prefix ($DESKMETER_MOLECULE_PREFIX): match the end.
    name = host.backend.get_hostname()
    return {"gnome-43": 43, "gnome-48": 48}.get(name.rsplit("molecule-", 1)[-1])


def gsettings(host, key):
    uid = host.user(USER).uid
    out = host.check_output(
        f"sudo -u {USER} env XDG_RUNTIME_DIR=/run/user/{uid} "
        f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus "
        f"gsettings get org.gnome.shell {key}"
    )
    return json.loads(out.removeprefix("@as ").replace("'", '"'))


def test_right_build_installed_or_cleanly_skipped(host):
    major = shell_major(host)
    if major is None:
        assert not host.file(EXT).exists
        return
    metadata = json.loads(host.file(f"{EXT}/metadata.json").content_string)
    assert metadata["uuid"] == UUID
    assert str(major) in metadata["shell-version"]
    extension_js = host.file(f"{EXT}/extension.js").content_string
    if major >= 45:
        assert "export default class" in extension_js
    else:
        assert "imports.misc.extensionUtils" in extension_js or "function init" in extension_js
        for module in host.file(f"{EXT}/lib").listdir():
            text = host.file(f"{EXT}/lib/{module}").content_string
            assert not any(line.startswith(("export ", "import ")) for line in text.splitlines())
    assert host.file(EXT).user == USER


def test_enabled_in_gsettings(host):
    if shell_major(host) is None:
        return
    assert UUID in gsettings(host, "enabled-extensions")
    assert UUID not in gsettings(host, "disabled-extensions")
