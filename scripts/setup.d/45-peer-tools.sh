# Sourced by scripts/test.sh: the other trackers the format tests run for real (tests/formats).
# Each gets its own virtualenv (their pins clash with ours), cached under
# ${DESKMETER_CACHE_DIR:-~/.cache/deskmeter}/peers and rebuilt only when the pins change:
#   watson        td-watson (writes the frames file `deskmeter import` reads)
#   activitywatch aw-server + aw-client (peewee<4: aw-core 0.5 breaks on peewee 4; flask<2.3:
#                 on 2.3 its query API cannot encode a duration and answers 500)
# Timewarrior comes from apt (scripts/apt/formats.txt).
PEERS_DIR=${DESKMETER_CACHE_DIR:-$HOME/.cache/deskmeter}/peers
peer_venv() {  # NAME PACKAGE...
  local name=$1
  shift
  local dir=$PEERS_DIR/$name want="$*"
  if [[ -f $dir/.pins && $(cat "$dir/.pins") == "$want" ]]; then
    return 0
  fi
  log "creating the $name virtualenv ($want)"
  rm -rf "$dir"
  mkdir -p "$PEERS_DIR"
  if "${PYTHON:-python3}" -m venv "$dir" && "$dir/bin/python" -m pip install -q "$@"; then
    printf '%s' "$want" >"$dir/.pins"
  else
    log "could not install $name: its format tests will fail"
  fi
}
peer_venv watson "td-watson==2.1.0"
peer_venv activitywatch "aw-server==0.12.0" "aw-client==0.5.15" "peewee<4" "flask<2.3"
unset -f peer_venv
