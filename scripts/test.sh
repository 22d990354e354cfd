#!/usr/bin/env bash
# The one test command (`make test`): installs and starts what the tests need, then runs them.
#
#  1. apt packages listed in scripts/apt/*.txt (only when run as root; otherwise they must be there)
#  2. a virtualenv in .venv with the package and every optional dependency group
#  3. scripts/setup.d/*.sh, sourced in order (start dockerd, build test images, npm tools, ...)
#  4. pytest over tests/ (lint, unit, contract, integration, browser, GNOME, Molecule)
#
# Extra arguments go to pytest, e.g. `make test ARGS="-k tracker"` or `scripts/test.sh -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DESKMETER_ARTIFACTS=${DESKMETER_ARTIFACTS:-$ROOT/artifacts}
mkdir -p "$DESKMETER_ARTIFACTS"

log() { printf '==> %s\n' "$*" >&2; }

# 1. system packages
mapfile -t APT_PACKAGES < <(cat scripts/apt/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing apt packages (run as root to install them): ${missing[*]}"
  fi
fi

# 2. virtualenv
PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  "$PYTHON" -m venv .venv
fi
EXTRAS=$(.venv/bin/python -c 'import tomllib; print(",".join(tomllib.load(open("pyproject.toml","rb"))["project"]["optional-dependencies"]))')
stamp=.venv/.deskmeter-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  log "installing deskmeter[$EXTRAS] into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$EXTRAS]"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export VIRTUAL_ENV="$ROOT/.venv"

# 3. services and test fixtures that live outside pytest
for step in scripts/setup.d/*.sh; do
  [[ -e $step ]] || continue
  log "setup: $step"
  # shellcheck disable=SC1090
  source "$step"
done

# 4. the tests
log "running pytest"
exec .venv/bin/python -m pytest --junitxml="$DESKMETER_ARTIFACTS/junit.xml" "$@"
