#!/usr/bin/env bash
# Builds the local images that the remote Molecule scenario needs, since no image can be pulled here.
# Each is built by scripts/build-test-image.sh (shared with the role scenarios: the same cached
# debootstrap rootfs, rebuilt only when its inputs change) from a Dockerfile beside this script:
#
#   deskmeter-remote/python:bookworm    Python 3.11 + venv: the Dockerfile's BASE_IMAGE in tests
#   deskmeter-remote/host:bookworm      systemd "EC2 host" that runs its own dockerd (Docker-in-Docker)
#   deskmeter-remote/registry:bookworm  Debian's docker-registry with htpasswd auth
#   deskmeter-remote/nginx:bookworm     Debian's nginx, in place of the stock nginx image
#   deskmeter-remote/standin:bookworm   a TCP listener in the mongo service's place (NOT MongoDB)
#
# Env: DESKMETER_TEST_BASE_IMAGE (what they are built FROM; default the debootstrap rootfs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build() {  # build NAME DIR [-b BASE]
  local name=$1 dir=$2
  shift 2
  "$root/scripts/build-test-image.sh" -f "$here/$dir" "$@" "$name"
}
build deskmeter-remote/python:bookworm python
build deskmeter-remote/host:bookworm host
build deskmeter-remote/registry:bookworm registry
build deskmeter-remote/nginx:bookworm nginx
build deskmeter-remote/standin:bookworm standin -b deskmeter-remote/python:bookworm
