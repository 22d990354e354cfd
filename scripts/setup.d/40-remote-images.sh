# Sourced by scripts/test.sh after 20-docker.sh (which starts dockerd): the local images of the
# remote-deployment Molecule scenario (tests/remote/images/build.sh; cached, fast on re-runs).
#   DESKMETER_SKIP_DOCKER=1  skip (the remote Molecule test then skips itself)
if [[ ${DESKMETER_SKIP_DOCKER:-0} != 1 ]] && command -v docker >/dev/null 2>&1 \
  && docker info >/dev/null 2>&1; then
  log "building the remote scenario's images"
  tests/remote/images/build.sh || log "building the remote images failed: the remote Molecule test will fail"
fi
