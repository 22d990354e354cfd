#!/usr/bin/env bash
# Builds the local images that the remote Molecule scenario needs, since no image can be pulled here.
# Each is built by scripts/build-test-image.sh (shared with the role scenarios: the same cached
# debootstrap rootfs, rebuilt only when its inputs change; a label records their hash) from a
# Dockerfile beside this script:
#
#   deskmeter-remote/python:bookworm    Python 3.11 + venv: the Dockerfile's BASE_IMAGE in tests
#   deskmeter-remote/host:bookworm      systemd "EC2 host", Debian 12, runs its own dockerd (Docker-in-Docker)
#   deskmeter-remote/host:trixie        the same on Debian 13 (Docker 26, Compose v2 plugin 2.26)
#   deskmeter-remote/registry:bookworm  Debian's docker-registry with htpasswd auth
#   deskmeter-remote/nginx:bookworm     Debian's nginx, in place of the stock nginx image
#   deskmeter-remote/standin:bookworm   a TCP listener in the mongo service's place (NOT MongoDB)
#   deskmeter-remote/pebble:bookworm    Let's Encrypt's ACME test server (Debian 12's pebble)
#   deskmeter-remote/files:trixie       HTTP file server with Debian 13's Compose v2 plugin binary
#
# DESKMETER_REMOTE_PREFIX (default deskmeter-remote) names the images' repository, and in the
# scenario its containers and network, so that two checkouts can share one dockerd.
# The Debian mirror is the one this machine's apt sources name (DEBIAN_MIRROR overrides it).
# Env: DESKMETER_TEST_BASE_IMAGE (what the bookworm images are built FROM; default the debootstrap
# rootfs), DESKMETER_TEST_BASE_IMAGE_TRIXIE (the same for Debian 13).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

# The first Debian archive URI of apt's sources (deb822 .sources files or one-line .list files),
# skipping the security archive.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' "$f"
  done
}
if [[ -z ${DEBIAN_MIRROR:-} ]]; then
  DEBIAN_MIRROR=$(apt_mirror | grep -v -- '-security' | head -n1 || true)
  [[ -n $DEBIAN_MIRROR ]] || { echo "no Debian mirror in apt's sources: set DEBIAN_MIRROR" >&2; exit 1; }
fi
export DEBIAN_MIRROR
p=${DESKMETER_REMOTE_PREFIX:-deskmeter-remote}

bookworm_packages="docker.io python3-docker python3-requests python3-yaml certbot"
trixie_packages="docker.io docker-cli docker-compose python3-docker python3-requests python3-yaml certbot"

build() {  # build SUITE NAME DIR [build-test-image.sh options]
  local suite=$1 name=$2 dir=$3
  shift 3
  DEBIAN_SUITE=$suite "$root/scripts/build-test-image.sh" -f "$here/$dir" "$@" "$name"
}
trixie_base=()
if [[ -n ${DESKMETER_TEST_BASE_IMAGE_TRIXIE:-} ]]; then
  trixie_base=(-b "$DESKMETER_TEST_BASE_IMAGE_TRIXIE")
fi
build bookworm "$p"/python:bookworm python
build bookworm "$p"/host:bookworm host -p "$bookworm_packages"
build bookworm "$p"/registry:bookworm registry
build bookworm "$p"/nginx:bookworm nginx
build bookworm "$p"/standin:bookworm standin -b "$p/python:bookworm"
build bookworm "$p"/pebble:bookworm pebble
# DESKMETER_TEST_BASE_IMAGE applies to bookworm only: the trixie images start from their own rootfs.
DESKMETER_TEST_BASE_IMAGE="" build trixie "$p"/host:trixie host -p "$trixie_packages" "${trixie_base[@]}"
# The plugin comes from the Debian 13 host image's apt cache.
build trixie "$p"/files:trixie files -b "$p/host:trixie"
