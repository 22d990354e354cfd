#!/usr/bin/env bash
# `make test-mongodb`: every test tier that needs a real MongoDB server, one command away.
#
#   scripts/test-mongodb.sh [pytest args]
#
# The server: $DESKMETER_TEST_MONGODB_URI when set (a replica set URI, e.g.
# mongodb://db.example:27017/?replicaSet=rs0); otherwise MongoDB 7 started here in Docker from the
# `mongo:7` image ($DESKMETER_TEST_MONGODB_IMAGE) as a single-node replica set rs0 on a free
# loopback port, waited for until it is PRIMARY, and removed afterwards.
# The tests: everything marked `mongodb` (pytest -m mongodb): the store contract's real tier,
# the sync engine with a change-stream source and a real sink (tests/sync/test_real_mongodb.py),
# the mongodb role's Molecule scenario and its server part, and any other tier marked so.
# Where no server can be had (no URI, the image cannot be pulled) it stops at once with one line
# saying so and exit status 3: nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
image=${DESKMETER_TEST_MONGODB_IMAGE:-mongo:7}
pull_timeout=${DESKMETER_TEST_MONGODB_PULL_TIMEOUT:-120}
name=${DESKMETER_TEST_MONGODB_CONTAINER:-deskmeter-test-mongodb-$$}
python=.venv/bin/python
[[ -x $python ]] || python=python3
no_server() {
  echo "make test-mongodb: no MongoDB server here: $*; set DESKMETER_TEST_MONGODB_URI to a replica set to run these tiers" >&2
  exit 3
}

if [[ -z ${DESKMETER_TEST_MONGODB_URI:-} ]]; then
  command -v docker >/dev/null 2>&1 || no_server "DESKMETER_TEST_MONGODB_URI is not set and docker is not installed"
  docker info >/dev/null 2>&1 || no_server "DESKMETER_TEST_MONGODB_URI is not set and dockerd is not running"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    if ! out=$(timeout "$pull_timeout" docker pull -q "$image" 2>&1); then
      no_server "DESKMETER_TEST_MONGODB_URI is not set and $image cannot be pulled ($(tail -n1 <<<"$out" | cut -c1-160))"
    fi
  fi
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
  echo "==> MongoDB ($image) as replica set rs0 on 127.0.0.1:$port (container $name)" >&2
  docker run -d --name "$name" --network host "$image" \
    mongod --replSet rs0 --bind_ip 127.0.0.1 --port "$port" >/dev/null
  mongosh=(docker exec "$name" mongosh --quiet --port "$port")
  for _ in $(seq 1 60); do
    "${mongosh[@]}" --eval 'db.runCommand({ping: 1}).ok' >/dev/null 2>&1 && break
    sleep 1
  done
  "${mongosh[@]}" --eval "try { rs.status().ok } catch (e) {
      rs.initiate({_id: 'rs0', members: [{_id: 0, host: '127.0.0.1:$port'}]}).ok }" >/dev/null
  primary=0
  for _ in $(seq 1 60); do
    if [[ $("${mongosh[@]}" --eval 'db.hello().isWritablePrimary' 2>/dev/null) == true ]]; then
      primary=1
      break
    fi
    sleep 1
  done
  ((primary)) || { docker logs --tail 20 "$name" >&2; echo "make test-mongodb: rs0 never became PRIMARY" >&2; exit 1; }
  export DESKMETER_TEST_MONGODB_URI="mongodb://127.0.0.1:$port/?replicaSet=rs0"
fi

# The URI may hold a password: print it without the user information.
echo "==> real-MongoDB tiers against $(sed -E 's#//[^@/]*@#//***@#' <<<"$DESKMETER_TEST_MONGODB_URI")" >&2
export DESKMETER_ARTIFACTS=${DESKMETER_ARTIFACTS:-$PWD/artifacts}
"$python" -m pytest -p no:cacheprovider -m mongodb "$@"
