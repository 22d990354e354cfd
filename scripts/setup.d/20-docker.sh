# Sourced by scripts/test.sh (bash, set -euo pipefail): dockerd for the Molecule scenarios and
# their systemd test image. Idempotent; a second run only checks.
#
#   DESKMETER_TEST_IMAGE       the Debian 12 image the role scenarios boot (default deskmeter-test/systemd:bookworm)
#   DESKMETER_TEST_IMAGE_TRIXIE  the Debian 13 one (default deskmeter-test/systemd:trixie): every
#                              workstation scenario converges both platforms in parallel
#   DESKMETER_TEST_BASE_IMAGE  what that image is built FROM (default: a debootstrap rootfs made
#                              here; e.g. debian:bookworm where images can be pulled)
#   DESKMETER_SKIP_DOCKER=1    skip all of this (the Molecule tests then skip themselves)
export DESKMETER_TEST_IMAGE=${DESKMETER_TEST_IMAGE:-deskmeter-test/systemd:bookworm}
export DESKMETER_TEST_IMAGE_TRIXIE=${DESKMETER_TEST_IMAGE_TRIXIE:-deskmeter-test/systemd:trixie}
# The deskmeter, sync_tunnel and gnome_extension scenarios need these in the test image:
# an X server + window manager with workspaces (the tracker unit really tracks), sshd (the tunnel's
# far end), the org.gnome.shell GSettings schema + dconf (enabling the extension), curl.
DESKMETER_TEST_IMAGE_PACKAGES=${DESKMETER_TEST_IMAGE_PACKAGES:-"xvfb openbox wmctrl x11-utils \
openssh-server openssh-client gnome-shell-common libglib2.0-bin dconf-gsettings-backend dconf-service curl"}

if [[ ${DESKMETER_SKIP_DOCKER:-0} != 1 ]] && command -v docker >/dev/null 2>&1; then
  if ! docker info >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v dockerd >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/deskmeter-dockerd.log)"
    (setsid dockerd >/var/log/deskmeter-dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
  fi
  if docker info >/dev/null 2>&1; then
    scripts/build-test-image.sh -p "$DESKMETER_TEST_IMAGE_PACKAGES" "$DESKMETER_TEST_IMAGE" \
      || log "building $DESKMETER_TEST_IMAGE failed: the Molecule tests will fail"
    # Debian 13: the same Dockerfile FROM a trixie rootfs ($DESKMETER_TEST_BASE_IMAGE_TRIXIE, e.g.
    # debian:trixie where images can be pulled).
    DEBIAN_SUITE=trixie DESKMETER_TEST_BASE_IMAGE=${DESKMETER_TEST_BASE_IMAGE_TRIXIE:-} \
      scripts/build-test-image.sh -p "$DESKMETER_TEST_IMAGE_PACKAGES" "$DESKMETER_TEST_IMAGE_TRIXIE" \
      || log "building $DESKMETER_TEST_IMAGE_TRIXIE failed: the Molecule tests will fail"
  else
    log "dockerd is not running: the Molecule tests will be skipped"
  fi
fi

# Wheels of deskmeter's dependencies (and the build backend) for the scenarios that pip-install
# the package in a container: installing from them takes seconds and needs no index. One
# directory serves both platforms: the pure-Python wheels work on either, and the compiled ones
# (pydantic-core, pymongo, dbus-fast, markupsafe, watchdog) are there twice, built for this
# machine's Python (Debian 12: 3.11) and downloaded as binary wheels for Debian 13's 3.13
# (`pip download --python-version 3.13 --only-binary=:all:`, from the same index pip uses here:
# no container, no compiler). pip in each container picks the wheels of its own Python.
# Rebuilt when pyproject.toml changes.
export DESKMETER_TEST_WHEELHOUSE=${DESKMETER_TEST_WHEELHOUSE:-${DESKMETER_CACHE_DIR:-$HOME/.cache/deskmeter}/wheels}
DESKMETER_TEST_WHEEL_PYTHONS=${DESKMETER_TEST_WHEEL_PYTHONS:-3.13}
wheel_stamp=$DESKMETER_TEST_WHEELHOUSE/.pyproject.sha256
wheel_want=$( (sha256sum pyproject.toml; echo "$DESKMETER_TEST_WHEEL_PYTHONS") | sha256sum | cut -d' ' -f1)
if [[ ! -f $wheel_stamp || $(cat "$wheel_stamp") != "$wheel_want" ]]; then
  log "wheelhouse for the Molecule scenarios: $DESKMETER_TEST_WHEELHOUSE"
  rm -f "$wheel_stamp"
  mkdir -p "$DESKMETER_TEST_WHEELHOUSE"
  wheel_ok=1
  .venv/bin/python -m pip wheel -q --wheel-dir "$DESKMETER_TEST_WHEELHOUSE" . "setuptools>=77" wheel >/dev/null 2>&1 \
    || wheel_ok=0
  for py in $DESKMETER_TEST_WHEEL_PYTHONS; do
    ((wheel_ok)) || break
    tag=cp${py//./}
    .venv/bin/python -m pip download -q --dest "$DESKMETER_TEST_WHEELHOUSE" --only-binary=:all: \
      --python-version "$py" --implementation cp --abi "$tag" --abi abi3 --abi none \
      --platform manylinux_2_34_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 --platform any \
      "$DESKMETER_TEST_WHEELHOUSE"/deskmeter-*.whl "setuptools>=77" wheel >/dev/null 2>&1 \
      || { wheel_ok=0; log "no Python $py wheels for the wheelhouse"; }
  done
  if ((wheel_ok)); then
    echo "$wheel_want" >"$wheel_stamp"
  else
    log "could not build the wheelhouse: the scenarios install from the package index"
  fi
fi
if [[ -f $wheel_stamp ]]; then
  export DESKMETER_TEST_PIP_ARGS="--no-index --find-links /wheels"
fi
