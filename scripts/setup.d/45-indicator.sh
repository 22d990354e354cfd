# Sourced by scripts/test.sh: KDE Plasma's StatusNotifierWatcher for the tray tests
# (tests/indicator/test_tray.py). It is a kded5 module shipped in plasma-workspace; installing
# that package would bring the whole Plasma desktop (~180 packages), so its one module file is
# taken out of the package (apt-get download + dpkg -x; kded5 itself comes from
# scripts/apt/indicator.txt) and cached in ${DESKMETER_CACHE_DIR:-~/.cache/deskmeter}.
#
#   DESKMETER_PLASMA_KDED_PLUGINS  exported: a Qt plugin directory holding
#                                  kf5/kded/statusnotifierwatcher.so ("" when it could not be had:
#                                  the Plasma watcher test then FAILS and says why)
plasma_kded_plugins() {
  local cache=${DESKMETER_CACHE_DIR:-$HOME/.cache/deskmeter}/plasma-kded
  local module=$cache/plugins/kf5/kded/statusnotifierwatcher.so
  if [[ ! -f $module ]]; then
    log "KDE Plasma's statusnotifierwatcher kded module (from plasma-workspace's package)"
    local work
    work=$(mktemp -d)
    if (cd "$work" && apt-get download -q plasma-workspace >/dev/null 2>&1) \
      && dpkg -x "$work"/plasma-workspace_*.deb "$work/x"; then
      mkdir -p "$(dirname "$module")"
      cp "$work"/x/usr/lib/*/qt5/plugins/kf5/kded/statusnotifierwatcher.so "$module"
    else
      log "could not get plasma-workspace's package: the Plasma watcher test will fail"
    fi
    rm -rf "$work"
  fi
  if [[ -f $module ]]; then
    export DESKMETER_PLASMA_KDED_PLUGINS=$cache/plugins
  else
    export DESKMETER_PLASMA_KDED_PLUGINS=
  fi
}
plasma_kded_plugins
