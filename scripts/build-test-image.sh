#!/usr/bin/env bash
# Build a local Debian image that boots systemd, for Molecule's docker driver.
#
#   scripts/build-test-image.sh [-b BASE_IMAGE] [-p "EXTRA PACKAGES"] [-f DOCKERFILE_DIR] NAME:TAG
#
# -b  the image to start FROM. Default: $DESKMETER_TEST_BASE_IMAGE, else a Debian rootfs made with
#     `debootstrap --variant=minbase` and imported as deskmeter-test/rootfs:$DEBIAN_SUITE (no image
#     can be pulled on the CI machines; elsewhere pass -b debian:bookworm).
# -p  apt packages to add on top of systemd, dbus, python3(-venv,-apt), sudo, ca-certificates.
# -f  a directory with another Dockerfile (default molecule/images/systemd). It gets the build
#     arguments BASE_IMAGE and EXTRA_PACKAGES and a ca/ directory in its context.
#
# Fast on re-runs: the debootstrap tree is cached as a tarball ($DESKMETER_CACHE_DIR, default
# ~/.cache/deskmeter) and as an image; NAME:TAG is rebuilt only when its inputs (Dockerfile, base,
# packages, extra CA certificates) changed (a label records their hash).
# Env: DEBIAN_SUITE (bookworm; trixie for Debian 13), DEBIAN_MIRROR (default: the Debian mirror
# this machine's apt sources name, see debian_mirror below; no host name is written here).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The Debian archive this machine's apt is configured with: the first URI (deb822 .sources files
# or one-line sources.list) that serves this machine's own release codename, so the test images
# use whatever mirror or proxy the machine uses. Third-party repositories never serve the
# codename itself (only "nodistro", "cloud-sdk-bookworm", ...) and security/updates suites are
# skipped the same way.
# (DESKMETER_APT_ETC and DESKMETER_OS_RELEASE point elsewhere for the tests.)
debian_mirror() {
  local codename files etc=${DESKMETER_APT_ETC:-/etc/apt}
  codename=$(. "${DESKMETER_OS_RELEASE:-/etc/os-release}" 2>/dev/null && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || return 1
  files=("$etc"/sources.list.d/*.sources)
  awk -v want="$codename" '
    function flush() { if (uri != "" && suites ~ ("(^| )" want "( |$)") && deb) { print uri; found = 1; exit } }
    FNR == 1 { flush(); uri = ""; suites = ""; deb = 0 }
    /^[[:space:]]*$/ { flush(); uri = ""; suites = ""; deb = 0; next }
    /^Types:/ { deb = ($0 ~ /(^|[ :])deb( |$)/) }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
    END { if (!found) flush() }' "${files[@]}" 2>/dev/null | head -1 | grep . && return 0
  [[ -f $etc/sources.list ]] || return 1
  sed -E 's/\[[^]]*\]//' "$etc/sources.list" \
    | awk -v want="$codename" '$1 == "deb" && $3 == want { print $2; exit }' | grep .
}
if [[ ${1:-} == --print-mirror ]]; then
  debian_mirror || { echo "no Debian mirror in this machine's apt sources" >&2; exit 1; }
  exit 0
fi
base=${DESKMETER_TEST_BASE_IMAGE:-}
extra=""
dockerfile_dir=$root/molecule/images/systemd
while getopts 'b:p:f:h' opt; do
  case $opt in
    b) base=$OPTARG ;;
    p) extra=$OPTARG ;;
    f) dockerfile_dir=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
name=${1:?usage: build-test-image.sh [-b BASE] [-p PACKAGES] [-f DIR] NAME:TAG}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-}
cache=${DESKMETER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deskmeter}
say() { printf '==> test image: %s\n' "$*" >&2; }

if [[ -z $base ]]; then
  base=deskmeter-test/rootfs:$suite
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    tarball=$cache/rootfs-$suite-minbase.tar
    if [[ ! -s $tarball ]]; then
      command -v debootstrap >/dev/null || { echo "debootstrap is not installed" >&2; exit 1; }
      if [[ -z $mirror ]]; then
        mirror=$(debian_mirror) || {
          echo "no Debian mirror found in /etc/apt/sources.list(.d): set DEBIAN_MIRROR" >&2
          exit 1
        }
      fi
      say "debootstrap $suite (once; cached in $tarball)"
      mkdir -p "$cache"
      dir=$(mktemp -d /tmp/deskmeter-rootfs.XXXXXX)
      debootstrap --variant=minbase "$suite" "$dir" "$mirror" >/dev/null
      rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
      tar -C "$dir" -cf "$tarball.part" .
      mv "$tarball.part" "$tarball"
      rm -rf "$dir"
    fi
    say "import $tarball as $base"
    docker import "$tarball" "$base" >/dev/null
  fi
fi

context=$(mktemp -d /tmp/deskmeter-image-context.XXXXXX)
trap 'rm -rf "$context"' EXIT
cp -r "$dockerfile_dir"/. "$context"/
mkdir -p "$context/ca"
for crt in /usr/local/share/ca-certificates/*.crt; do
  [[ -f $crt ]] && cp "$crt" "$context/ca/"
done
base_id=$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null || echo "$base")
inputs=$( (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum; echo "$base_id $extra") \
  | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "dev.deskmeter.inputs"}}' "$name" 2>/dev/null || true)
if [[ $have == "$inputs" ]]; then
  say "$name is up to date"
  exit 0
fi
say "build $name from $base${extra:+ (+ $extra)}"
DOCKER_BUILDKIT=0 docker build -q \
  --build-arg "BASE_IMAGE=$base" --build-arg "EXTRA_PACKAGES=$extra" \
  --label "dev.deskmeter.inputs=$inputs" -t "$name" "$context" >/dev/null
say "built $name"
