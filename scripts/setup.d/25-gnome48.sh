# Sourced by scripts/test.sh (bash, set -euo pipefail): the Debian 13 (trixie) root file system
# whose GNOME Shell 48 the GNOME tests run in a chroot (tests/gnome/shell.py). Built once by
# scripts/build-gnome-rootfs.sh (debootstrap + apt, a few minutes) and cached in
# ${DESKMETER_CACHE_DIR:-~/.cache/deskmeter}; later runs only check the cache.
#
#   DESKMETER_GNOME48_ROOTFS   exported: the tree's path ("" when the build failed: the [48]
#                              tests then FAIL, pointing at the build's log)
#   DESKMETER_SKIP_GNOME48=1   do not build here (the tests still try, and fail if they cannot)
if [[ ${DESKMETER_SKIP_GNOME48:-0} != 1 && -z ${DESKMETER_GNOME48_ROOTFS:-} ]]; then
  log "GNOME Shell 48 root file system (Debian 13)"
  if gnome48_rootfs=$(scripts/build-gnome-rootfs.sh trixie); then
    export DESKMETER_GNOME48_ROOTFS=$gnome48_rootfs
  else
    log "building the Debian 13 root file system failed: the GNOME Shell 48 tests will fail"
    export DESKMETER_GNOME48_ROOTFS=""
  fi
  unset gnome48_rootfs
fi
