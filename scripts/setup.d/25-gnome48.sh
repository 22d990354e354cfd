# Sourced by scripts/test.sh (bash, set -euo pipefail): the Debian root file systems whose newer
# GNOME Shells the GNOME tests run in a chroot (tests/gnome/shell.py): Debian 13 (trixie) for
# GNOME Shell 48, Debian unstable (sid) for 51. The same trees hold the other Wayland
# compositors of those suites for tests/desktops_chroot (Sway 1.10 and KWin 6.3 in trixie,
# labwc and Hyprland in sid). Each is built once by
# scripts/build-gnome-rootfs.sh (debootstrap + apt, a few minutes) and cached in
# ${DESKMETER_CACHE_DIR:-~/.cache/deskmeter}; later runs only check the cache.
#
#   DESKMETER_GNOME48_ROOTFS   exported: the trixie tree's path ("" when the build failed: the
#   DESKMETER_GNOME51_ROOTFS   [48] / [51] tests then FAIL, pointing at the build's log)
#   DESKMETER_SKIP_GNOME_ROOTFS=1  do not build here (the tests still try, and fail if they cannot)
gnome_rootfs() {  # gnome_rootfs VERSION SUITE
  local variable=DESKMETER_GNOME$1_ROOTFS path
  [[ -z ${!variable:-} ]] || return 0
  log "GNOME Shell $1 root file system (Debian $2)"
  if path=$(scripts/build-gnome-rootfs.sh "$2"); then
    export "$variable=$path"
  else
    log "building the Debian $2 root file system failed: the GNOME Shell $1 tests will fail"
    export "$variable="
  fi
}
if [[ ${DESKMETER_SKIP_GNOME_ROOTFS:-0} != 1 ]]; then
  gnome_rootfs 48 trixie
  gnome_rootfs 51 sid
fi
